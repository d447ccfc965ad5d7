"""What real files do to values, repaired before a row is checked: each repair is reported as a warning.

A 4-digit postcode, a decimal comma, a date written DD/MM/YYYY, a French phone number, a name or a
summary too long; list values in the spelling of the schema's pattern (old labels of the v0 layout
converted, unknown values dropped).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qualification.models import Lieu
from qualification.standard import legacy, schema

_PHONE_PATTERN = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")


def normalise_phone(value: str) -> str:
    """ "01 80 05 98 80", "+33 (0)1 80…", "0033180059880" -> "+33180059880" (other shapes unchanged)."""
    compact = re.sub(r"[\s.\-/()]", "", value)
    compact = compact.replace("+33(0)", "+33").replace("+330", "+33")
    if compact.startswith("0033"):
        compact = "+33" + compact[4:]
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        compact = "+33" + compact[1:]
    return compact


def first_valid(values: list[str], check: Callable[[str], None]) -> str:
    for value in values:
        try:
            check(value)
        except ValidationError:
            continue
        return value
    return ""


def repair(row: dict[str, str], warnings: list[str]) -> None:
    """Forgivable shapes of real files, repaired in place (each repair is reported)."""
    postcode = row.get("code_postal", "")
    if re.fullmatch(r"\d{4}", postcode):
        row["code_postal"] = "0" + postcode
        warnings.append(_("code postal %(old)s complété en %(new)s.") % {"old": postcode, "new": row["code_postal"]})
    for name in ("latitude", "longitude"):
        value = row.get(name, "")
        if re.fullmatch(r"-?\d+,\d+", value):
            row[name] = value.replace(",", ".")
    date = row.get("date_maj", "")
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", date)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            row["date_maj"] = datetime.date(year, month, day).isoformat()
        except ValueError:
            pass
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", date):
        row["date_maj"] = date[:10]
    if row.get("telephone"):
        numbers = [normalise_phone(part) for part in re.split(r"[|;,]", row["telephone"]) if part.strip()]
        valid = [number for number in numbers if _PHONE_PATTERN.fullmatch(number)]
        if valid:
            row["telephone"] = valid[0]
            if len(valid) < len(numbers):
                warnings.append(_("« telephone » : numéros au format inconnu ignorés."))
    name_limit = Lieu._meta.get_field("name").max_length
    if len(row.get("nom", "")) > name_limit:
        row["nom"] = row["nom"][: name_limit - 1].rstrip() + "…"
        warnings.append(_("« nom » raccourci à %(max)s caractères.") % {"max": name_limit})
    summary = row.get("presentation_resume", "")
    limit = schema.field("presentation_resume").max_length
    if limit and len(summary) > limit:
        row["presentation_resume"] = summary[: limit - 1].rstrip() + "…"
        if not row.get("presentation_detail"):
            row["presentation_detail"] = summary
        warnings.append(_("« presentation_resume » raccourci à %(max)s caractères.") % {"max": limit})


def canonical_lists(row: dict[str, str], *, semicolons: bool, warnings: list[str]) -> None:
    """Each list value in the pattern's spelling; old labels converted; unknown values dropped."""
    for item in schema.fields():
        if not item.is_list or not row.get(item.name):
            continue
        raw = row[item.name]
        parts = re.split(r"[|;]" if semicolons or "|" not in raw else r"\|", raw)
        values: list[str] = []
        unknown: list[str] = []
        for part in (part.strip() for part in parts):
            if not part:
                continue
            canonical = schema.canonical_choice(item.name, part)
            mapped = [canonical] if canonical else []
            if not mapped and item.name == "services":
                mapped = legacy.legacy_service(part)
            if not mapped and item.name == "modalites_accompagnement":
                mapped = legacy.legacy_modalite(part)
            if not mapped:
                unknown.append(part)
            for value in mapped:
                if value not in values:
                    values.append(value)
        row[item.name] = schema.SEPARATOR.join(values)
        if unknown:
            warnings.append(
                _("« %(field)s » : valeur inconnue du standard ignorée : %(values)s.")
                % {"field": item.name, "values": ", ".join(f"« {value} »" for value in unknown)}
            )
