"""Import lieux from a file of the national standard (v1.0.2, or the older v0 layout).

``lieux_import`` is the one service the ``import_lieux`` command, the admin upload (through a task) and
the tests call. Each row is accepted (a lieu created, or updated when a lieu with the same ``id`` was
imported before) or refused with its reasons; the report says which and why, row by row.

Imported lieux get ``source=standard``, no structure, and are never qualified: they pre-fill "Devenir
#APTIC" applications and load the national cartography. A lieu of #APTIC (declared by a structure) is
never changed by an import.

Rules, in the order they are applied to a row:

- text converted to UTF-8 twice ("CrÃ©teil") is refused, never stored;
- the older v0 layout is converted (``legacy.py``);
- lists are split on ``|`` (and on ``;`` when a file uses it), each value is matched to the spelling of
  the schema's pattern (both spellings of the standard are accepted); an unknown value is dropped with a
  warning, the row is kept;
- forgivable shapes are repaired with a warning: a 4-digit postcode, a French phone number, a decimal
  comma, a date written DD/MM/YYYY, a summary longer than 280 characters;
- then every constraint of the schema is checked (``schema.check_row``): a required field that is empty
  or wrong refuses the row; an optional one is dropped with a warning;
- the commune must exist: by its INSEE code (former codes of merged communes and of Paris, Lyon and
  Marseille arrondissements are recognised), or by its name and postcode; otherwise the row is refused;
- the ``id`` is unique in a file (schema): a second row with the same ``id`` and the same ``source``
  updates the lieu of the first; with another ``source`` it is another place whose producer reused an
  identifier, and it is refused.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.services import audit_record
from aptic.text import normalize_search
from qualification.enums import LieuSource
from qualification.geo import former_insee_codes
from qualification.models import Lieu
from qualification.standard import legacy, schema
from qualification.standard.reading import (
    FileRefused,
    Table,
    commune_key,
    looks_double_encoded,
    mojibake,
    mojibake_example,
    read_table,
)
from referentiel.models import Format, StandardService
from territories.models import Commune

EXPORT_ID_PREFIX = "aptic-"
PROGRESS_EVERY = 250
BATCH_SIZE = 500

# Columns of the schema that land in a column of Lieu; the others are kept in ``standard_extra``.
LIEU_COLUMNS = {
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "presentation_resume",
    "presentation_detail",
    "services",
}
# The standard's "modalités d'accompagnement" that are formats of the référentiel.
FORMAT_OF_MODALITE = {
    "Accompagnement individuel": "individuel",
    "Dans un atelier collectif": "collectif",
    "À distance": "a_distance",
}
LIEU_FIELDS = [
    "name",
    "address",
    "address_complement",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "opening_hours",
    "summary",
    "description",
    "accessibility_url",
    "appointment_url",
    "pivot",
    "standard_extra",
]


@dataclass
class RowReport:
    line: int
    id: str
    name: str
    outcome: str  # created | updated | refused
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    layout: str = ""
    encoding: str = ""
    delimiter: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    refused: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)  # refused rows and rows with warnings

    @property
    def accepted(self) -> int:
        return self.created + self.updated

    @property
    def refused_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.outcome == "refused"]

    @property
    def warned_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.outcome != "refused" and row.warnings]

    def summary(self) -> str:
        return _(
            "%(total)s lignes lues : %(created)s lieux créés, %(updated)s mis à jour, %(refused)s lignes refusées."
        ) % {"total": self.total, "created": self.created, "updated": self.updated, "refused": self.refused}

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        data = dict(data)
        rows = [RowReport(**row) for row in data.pop("rows", [])]
        return cls(**data, rows=rows)


@dataclass
class _Candidate:
    report: RowReport
    source: str
    values: dict  # Lieu field -> value
    standard_services: list[str]  # labels
    formats: list[str]  # Format values
    # Later rows of the file with the same id and source: each updated this lieu again.
    repeats: list[RowReport] = field(default_factory=list)


class _Communes:
    """Every commune, indexed by code, by postcode and by name: one query for the whole file."""

    def __init__(self):
        self.by_code: dict[str, tuple[str, str, str]] = {}
        self.by_postcode: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for code, name, departement, postcodes in Commune.objects.values_list(
            "code", "name", "departement_id", "postcodes"
        ):
            key = commune_key(name)
            self.by_code[code] = (name, departement, postcodes)
            self.by_name[key].append(code)
            for postcode in postcodes.split("|"):
                if postcode:
                    self.by_postcode[postcode].append(code)
        self.former = former_insee_codes()

    @staticmethod
    def _departements(postcode: str) -> set[str]:
        if postcode.startswith("20"):
            return {"2A", "2B"}
        if postcode.startswith("97") or postcode.startswith("98"):
            return {postcode[:3]}
        return {postcode[:2]}

    def _by_name_and_postcode(self, name: str, postcode: str) -> list[str]:
        key = commune_key(name)
        if not key:
            return []
        same_postcode = [
            code for code in self.by_postcode.get(postcode, []) if commune_key(self.by_code[code][0]) == key
        ]
        if same_postcode:
            return same_postcode
        departements = self._departements(postcode) if postcode else set()
        named = self.by_name.get(key, [])
        in_departement = [code for code in named if self.by_code[code][1] in departements]
        if in_departement or departements:
            return in_departement
        return named

    def resolve(self, *, code_insee: str, postcode: str, name: str) -> tuple[str | None, str | None, str | None]:
        """(commune code, refusal reason, warning)."""
        code = code_insee.strip().upper()
        if re.fullmatch(r"\d{4}", code):
            code = "0" + code
        if code:
            if code in self.by_code:
                return code, None, None
            if code in self.former:
                current = self.former[code]
                if code[:2] in ("75", "69", "13") and current in ("75056", "69123", "13055"):
                    return current, None, None  # an arrondissement of Paris, Lyon or Marseille
                return (
                    current,
                    None,
                    _("ancien code INSEE %(old)s : commune actuelle %(name)s (%(new)s).")
                    % {"old": code, "name": self.by_code[current][0], "new": current},
                )
        matches = self._by_name_and_postcode(name, postcode)
        if not matches and re.fullmatch(r"\d{5}", postcode or "") and postcode in self.by_code:
            # Some files put the INSEE code in the postcode column.
            if commune_key(self.by_code[postcode][0]) == commune_key(name):
                matches = [postcode]
        if len(matches) == 1:
            warning = None
            if code:
                warning = _("code INSEE %(code)s inconnu : commune retrouvée par son nom (%(name)s, %(found)s).") % {
                    "code": code,
                    "name": self.by_code[matches[0]][0],
                    "found": matches[0],
                }
            return matches[0], None, warning
        if len(matches) > 1:
            return (
                None,
                _(
                    "commune ambiguë : « %(name)s » (code postal %(postcode)s) désigne plusieurs communes "
                    "(%(codes)s) ; indiquez le code INSEE."
                )
                % {"name": name, "postcode": postcode, "codes": ", ".join(sorted(matches))},
                None,
            )
        if code:
            return (
                None,
                _(
                    "commune inconnue : le code INSEE %(code)s n'existe pas dans le référentiel des communes, "
                    "et « %(name)s » (code postal %(postcode)s) non plus."
                )
                % {"code": code, "name": name, "postcode": postcode},
                None,
            )
        return (
            None,
            _(
                "commune inconnue : « %(name)s » (code postal %(postcode)s) n'existe pas dans le référentiel "
                "des communes."
            )
            % {"name": name, "postcode": postcode},
            None,
        )


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


def _first_valid(values: list[str], check: Callable[[str], None]) -> str:
    for value in values:
        try:
            check(value)
        except ValidationError:
            continue
        return value
    return ""


def _repair(row: dict[str, str], warnings: list[str]) -> None:
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


def _canonical_lists(row: dict[str, str], *, semicolons: bool, warnings: list[str]) -> None:
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


def _lieu_values(row: dict[str, str], commune_code: str, warnings: list[str]) -> dict:
    emails = re.split(r"[|;,\s]+", row.get("courriels", ""))
    websites = [part.strip() for part in re.split(r"[|;\s]+", row.get("site_web", "")) if part.strip()]
    url = URLValidator()
    opening_hours = row.get("horaires", "")
    if len(opening_hours) > Lieu._meta.get_field("opening_hours").max_length:
        opening_hours = ""  # kept as it came in standard_extra
    latitude = longitude = None
    if row.get("latitude") and row.get("longitude"):
        try:
            latitude = Decimal(row["latitude"]).quantize(Decimal("0.000001"))
            longitude = Decimal(row["longitude"]).quantize(Decimal("0.000001"))
        except InvalidOperation:
            latitude = longitude = None
        if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            warnings.append(
                _("coordonnées hors du globe ignorées (%(lat)s, %(lon)s).") % {"lat": latitude, "lon": longitude}
            )
            latitude = longitude = None
    extra = {
        name: value
        for name, value in row.items()
        if name in schema.field_names() and name not in LIEU_COLUMNS and value
    }
    return {
        "name": row["nom"][: Lieu._meta.get_field("name").max_length],
        "address": row["adresse"][: Lieu._meta.get_field("address").max_length],
        "address_complement": row.get("complement_adresse", "")[
            : Lieu._meta.get_field("address_complement").max_length
        ],
        "postcode": row["code_postal"],
        "commune_id": commune_code,
        "latitude": latitude,
        "longitude": longitude,
        "phone": row.get("telephone", "")[:30],
        "email": _first_valid([email for email in emails if email], validate_email),
        "website": _first_valid(websites, url)[:200],
        "opening_hours": opening_hours,
        "summary": row.get("presentation_resume", ""),
        "description": row.get("presentation_detail", ""),
        "accessibility_url": _first_valid([row.get("fiche_acces_libre", "")], url)[:200],
        "appointment_url": _first_valid([row.get("prise_rdv", "")], url)[:200],
        "pivot": row["pivot"],
        "standard_extra": extra,
    }


def _formats(row: dict[str, str]) -> list[str]:
    return [
        FORMAT_OF_MODALITE[value]
        for value in schema.split_list(row.get("modalites_accompagnement", ""))
        if value in FORMAT_OF_MODALITE
    ]


def _check(row: dict[str, str], report: RowReport) -> bool:
    """Schema constraints: a broken required field refuses the row, a broken optional one is dropped."""
    for problem in schema.check_row(row):
        if schema.field(problem.field).required:
            report.reasons.append(problem.message)
        else:
            report.warnings.append(problem.message + " " + _("Valeur ignorée."))
            row[problem.field] = ""
    return not report.reasons


def _prepare(table: Table, layout: str, communes: _Communes, report: ImportReport, progress) -> list[_Candidate]:
    known_columns = set(schema.field_names())
    candidates: dict[str, _Candidate] = {}
    first_line: dict[str, tuple[int, str]] = {}
    aptic_ids = set()
    exported_pks = [
        int(record.get("id", "")[len(EXPORT_ID_PREFIX) :])
        for _line, record in table.records
        if re.fullmatch(rf"{EXPORT_ID_PREFIX}\d+", record.get("id", ""))
    ]
    if exported_pks:
        aptic_ids = {
            f"{EXPORT_ID_PREFIX}{pk}"
            for pk in Lieu.objects.filter(pk__in=exported_pks)
            .exclude(source=LieuSource.NATIONAL_STANDARD)
            .values_list("pk", flat=True)
        }
    for position, (line, record) in enumerate(table.records, start=1):
        if progress and position % PROGRESS_EVERY == 0:
            progress(position, len(table.records))
        record = dict(record)
        extra_cells = record.pop("__extra_cells__", None)
        row_report = RowReport(line=line, id=record.get("id", ""), name=record.get("nom", ""), outcome="refused")
        report.rows.append(row_report)
        damaged = [(value, fixed) for value in record.values() if (fixed := mojibake(value))]
        if damaged:
            value, fixed = damaged[0]
            row_report.reasons.append(
                _(
                    "texte mal encodé : « %(value)s » (sans doute « %(fixed)s ») ; le fichier a été converti "
                    "deux fois en UTF-8."
                )
                % {"value": value, "fixed": fixed}
            )
            continue
        if extra_cells:
            row_report.warnings.append(
                _("%(count)s cellule(s) au-delà des colonnes de l'en-tête ignorée(s).") % {"count": extra_cells}
            )
        if layout == "v0":
            record, unknown = legacy.convert_record(record)
            if unknown:
                row_report.warnings.append(
                    _("valeurs de l'ancien standard sans équivalent, ignorées : %(values)s.")
                    % {"values": ", ".join(unknown)}
                )
        row = {name: value for name, value in record.items() if name in known_columns}
        _repair(row, row_report.warnings)
        _canonical_lists(row, semicolons=layout == "v0", warnings=row_report.warnings)
        if not _check(row, row_report):
            continue
        external_id = row["id"]
        if external_id in aptic_ids:
            row_report.reasons.append(
                _("l'identifiant « %(id)s » est celui d'un lieu #APTIC : un lieu #APTIC ne se modifie pas par import.")
                % {"id": external_id}
            )
            continue
        commune_code, refusal, warning = communes.resolve(
            code_insee=row.get("code_insee", ""), postcode=row["code_postal"], name=row["commune"]
        )
        if refusal:
            row_report.reasons.append(refusal)
            continue
        if warning:
            row_report.warnings.append(warning)
        source = row.get("source", "")
        if external_id in first_line:
            previous_line, previous_source = first_line[external_id]
            if normalize_search(previous_source) != normalize_search(source):
                row_report.reasons.append(
                    _(
                        "identifiant « %(id)s » déjà utilisé ligne %(line)s par un autre lieu "
                        "(source « %(source)s ») : "
                        "l'identifiant d'un lieu doit être unique dans le fichier."
                    )
                    % {"id": external_id, "line": previous_line, "source": previous_source}
                )
                continue
            earlier = candidates[external_id]
            row_report.outcome = "updated"
            row_report.warnings.append(
                _("même identifiant que la ligne %(line)s : cette ligne met à jour le même lieu.")
                % {"line": previous_line}
            )
            earlier.repeats.append(row_report)
            earlier.values = _lieu_values(row, commune_code, row_report.warnings)
            earlier.standard_services = schema.split_list(row.get("services", ""))
            earlier.formats = _formats(row)
            continue
        first_line[external_id] = (line, source)
        candidates[external_id] = _Candidate(
            report=row_report,
            source=source,
            values=_lieu_values(row, commune_code, row_report.warnings),
            standard_services=schema.split_list(row.get("services", "")),
            formats=_formats(row),
        )
    if progress:
        progress(len(table.records), len(table.records))
    return list(candidates.values())


def _write(candidates: list[_Candidate], *, dry_run: bool) -> None:
    """Create or update the lieux (each candidate's report says which, or why it was refused)."""
    ids = [candidate.report.id for candidate in candidates]
    existing: dict[str, Lieu] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        for lieu in Lieu.objects.filter(external_id__in=ids[start : start + BATCH_SIZE]):
            existing[lieu.external_id] = lieu
    to_create: list[tuple[_Candidate, Lieu]] = []
    to_update: list[tuple[_Candidate, Lieu]] = []
    for candidate in candidates:
        lieu = existing.get(candidate.report.id)
        if lieu is not None and (lieu.source != LieuSource.NATIONAL_STANDARD or lieu.structure_id):
            for row_report in [candidate.report, *candidate.repeats]:
                row_report.outcome = "refused"
                row_report.reasons.append(
                    _(
                        "l'identifiant « %(id)s » est celui d'un lieu #APTIC : un lieu #APTIC ne se modifie pas "
                        "par import."
                    )
                    % {"id": candidate.report.id}
                )
            continue
        if lieu is None:
            lieu = Lieu(external_id=candidate.report.id, source=LieuSource.NATIONAL_STANDARD, structure=None)
            candidate.report.outcome = "created"
            to_create.append((candidate, lieu))
        else:
            candidate.report.outcome = "updated"
            to_update.append((candidate, lieu))
        for name, value in candidate.values.items():
            setattr(lieu, name, value)
    if dry_run:
        return
    for start in range(0, len(to_create), BATCH_SIZE):
        Lieu.objects.bulk_create([lieu for _candidate, lieu in to_create[start : start + BATCH_SIZE]])
    now = timezone.now()
    for _candidate, lieu in to_update:
        lieu.updated_at = now
    Lieu.objects.bulk_update(
        [lieu for _candidate, lieu in to_update], [*LIEU_FIELDS, "updated_at"], batch_size=BATCH_SIZE
    )
    written = to_create + to_update
    lieu_ids = [lieu.pk for _candidate, lieu in written]
    services = {service.label: service.pk for service in StandardService.objects.all()}
    formats = {item.value: item.pk for item in Format.objects.all()}
    for through, key, wanted in (
        (
            Lieu.standard_services.through,
            "standardservice_id",
            lambda c: [services[s] for s in c.standard_services if s in services],
        ),
        (Lieu.formats.through, "format_id", lambda c: [formats[f] for f in c.formats if f in formats]),
    ):
        for start in range(0, len(lieu_ids), BATCH_SIZE):
            through.objects.filter(lieu_id__in=lieu_ids[start : start + BATCH_SIZE]).delete()
        through.objects.bulk_create(
            [through(lieu_id=lieu.pk, **{key: pk}) for candidate, lieu in written for pk in wanted(candidate)],
            batch_size=BATCH_SIZE,
        )


def detect_layout(header: list[str]) -> str:
    return "v0" if set(header) & legacy.V0_ONLY_COLUMNS else "v1"


def lieux_import(
    *,
    content: bytes,
    by=None,
    filename: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the lieux of ``content`` (a CSV or JSON file of the standard). Raises :class:`FileRefused`
    when the file as a whole cannot be read; otherwise returns the report, row by row.

    With ``dry_run`` nothing is written: the report says what an import would do."""
    table = read_table(content)
    report = ImportReport(
        encoding=table.encoding, delimiter=table.delimiter, dry_run=dry_run, total=len(table.records)
    )
    layout = detect_layout(table.header)
    report.layout = "v0" if layout == "v0" else schema.version()
    if layout == "v0":
        report.notes.append(
            _(
                "Ancienne version du standard (v0) : services, modalités d'accompagnement, labels, publics et "
                "conditions d'accès convertis vers la version %(version)s."
            )
            % {"version": schema.version()}
        )
    columns = (
        {legacy.RENAMED_COLUMNS.get(name, name) for name in table.header} if layout == "v0" else set(table.header)
    )
    missing = [item.name for item in schema.fields() if item.required and item.name not in columns]
    if missing:
        raise FileRefused(
            ngettext(
                "Colonne obligatoire absente de l'en-tête : %(columns)s. Colonnes lues : %(read)s.",
                "Colonnes obligatoires absentes de l'en-tête : %(columns)s. Colonnes lues : %(read)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing), "read": ", ".join(table.header) or "—"},
            code="header",
        )
    ignored = sorted(
        set(table.header) - set(schema.field_names()) - (legacy.V0_ONLY_COLUMNS | set(legacy.RENAMED_COLUMNS))
    )
    if ignored:
        report.notes.append(_("Colonnes hors du standard ignorées : %(columns)s.") % {"columns": ", ".join(ignored)})
    if looks_double_encoded(table):
        value, fixed = mojibake_example(table)
        raise FileRefused(
            _(
                "Le fichier a été converti deux fois en UTF-8 : on lit « %(value)s » au lieu de « %(fixed)s ». "
                "Repartez du fichier d'origine et enregistrez-le une seule fois en UTF-8."
            )
            % {"value": value, "fixed": fixed},
            code="double_encoded",
        )
    candidates = _prepare(table, layout, _Communes(), report, progress)
    with transaction.atomic():
        _write(candidates, dry_run=dry_run)
        report.created = sum(1 for row in report.rows if row.outcome == "created")
        report.updated = sum(1 for row in report.rows if row.outcome == "updated")
        report.refused = sum(1 for row in report.rows if row.outcome == "refused")
        report.rows = [row for row in report.rows if row.outcome == "refused" or row.warnings]
        if not dry_run:
            audit_record(
                action="qualification.lieux.imported",
                actor=by,
                data={
                    "filename": filename,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "layout": report.layout,
                    "total": report.total,
                    "created": report.created,
                    "updated": report.updated,
                    "refused": report.refused,
                },
            )
    return report


__all__ = ["FileRefused", "ImportReport", "RowReport", "lieux_import"]
