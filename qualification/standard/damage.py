"""Text damaged before the file reached us, found in every column of the standard a row carries.

- Text converted to UTF-8 twice ("CrÃ©teil"): the row is refused, the message shows what it should read.
- The replacement character "�" (U+FFFD): a program read the file in the wrong encoding and replaced
  each character it could not read by "�" before saving it. The character is lost, so a free text
  (a name, an address, a presentation) cannot be repaired without guessing: the row is refused, and the
  file should be exported again from its origin. Two cases can be recovered for certain, and are
  (with a warning): a value of a closed list ("Aide aux d�marches administratives") when exactly one value
  of the standard fits, and the name of the commune when its INSEE code finds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from django.utils.translation import gettext as _

from qualification.standard import legacy, schema
from qualification.standard.reading import mojibake

REPLACEMENT = "\ufffd"
EXCERPT = 40
# Columns of the older v0 layout holding closed lists (separated by ";"): the values each may hold.
_V0_LISTS = {
    "labels_nationaux": legacy.LABELS,
    "publics_accueillis": legacy.PUBLICS,
    "conditions_access": legacy.FRAIS,
}


def _columns() -> set[str]:
    return set(schema.field_names()) | legacy.V0_ONLY_COLUMNS | set(legacy.RENAMED_COLUMNS)


def mojibake_reason(record: dict[str, str]) -> str | None:
    """The refusal of a row with a text converted to UTF-8 twice, or None."""
    damaged = [(value, fixed) for value in record.values() if (fixed := mojibake(value))]
    if not damaged:
        return None
    value, fixed = damaged[0]
    return _(
        "texte mal encodé : « %(value)s » (sans doute « %(fixed)s ») ; le fichier a été converti deux fois en UTF-8."
    ) % {"value": value, "fixed": fixed}


@cache
def _choices(column: str) -> tuple[str, ...]:
    """The values a list column may hold: the standard's (both spellings) and, for v0 columns, the old ones."""
    values: list[str] = []
    if column in schema.field_names() and schema.field(column).is_list:
        values += schema.field(column).choices
    if column == "services":
        values += legacy.SERVICES
    if column == "modalites_accompagnement":
        values += legacy.MODALITES_ACCOMPAGNEMENT
    values += _V0_LISTS.get(column, {})
    return tuple(values)


def _recover_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """The one choice ``value`` can have been before characters were replaced by "�", or None."""
    parts = re.split(f"({REPLACEMENT}+)", value.strip())
    # Each run of n "�" stood for 1 to n characters (an accented letter is two bytes in UTF-8).
    pattern = "".join(f".{{1,{len(part)}}}" if part.startswith(REPLACEMENT) else re.escape(part) for part in parts)
    matches = {choice for choice in choices if re.fullmatch(pattern, choice, flags=re.IGNORECASE)}
    return matches.pop() if len(matches) == 1 else None


def _excerpt(value: str) -> str:
    position = value.index(REPLACEMENT)
    start, end = max(0, position - EXCERPT), position + EXCERPT
    return ("…" if start else "") + value[start:end] + ("…" if end < len(value) else "")


def _recover_list(column: str, value: str, warnings: list[str]) -> str | None:
    choices = _choices(column)
    if not choices:
        return None
    parts = [part.strip() for part in re.split(r"[|;]", value)]
    recovered = [_recover_choice(part, choices) if REPLACEMENT in part else part for part in parts]
    if None in recovered:
        return None
    for before, after in zip(parts, recovered, strict=True):
        if before != after:
            warnings.append(
                _(
                    "« %(field)s » : « %(value)s » lu comme « %(fixed)s » (caractère illisible « � », seule "
                    "valeur possible)."
                )
                % {"field": column, "value": before, "fixed": after}
            )
    separator = "|" if "|" in value else ";"
    return separator.join(recovered)


def replacement_reasons(
    record: dict[str, str], *, commune_name: Callable[[str], str | None], warnings: list[str]
) -> list[str]:
    """The refusals of a row with "�" in a text that cannot be recovered (one per column); values that can
    be recovered are, in ``record``, with a warning."""
    reasons = []
    for column in sorted(_columns() & set(record)):
        value = record[column]
        if REPLACEMENT not in value:
            continue
        if column == "commune" and (name := commune_name(record.get("code_insee", ""))):
            record[column] = name
            warnings.append(
                _("« commune » : « %(value)s » illisible ; commune retrouvée par son code INSEE (%(name)s).")
                % {"value": value, "name": name}
            )
            continue
        recovered = _recover_list(column, value, warnings)
        if recovered is not None:
            record[column] = recovered
            continue
        reasons.append(
            _(
                "caractère illisible « � » dans « %(field)s » : « %(value)s ». Le texte d'origine a été perdu par une "
                "conversion d'encodage avant l'import et ne peut pas être deviné : corrigez-le dans le fichier "
                "source, ou exportez à nouveau le fichier en UTF-8."
            )
            % {"field": column, "value": _excerpt(value)}
        )
    return reasons
