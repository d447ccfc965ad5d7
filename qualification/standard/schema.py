"""The national "Standard de données des lieux de médiation numérique" v1.0.2, read from its own schema.

Everything the import checks and the export writes comes from ``qualification/data/standard/schema.json``
(a Frictionless table schema): the fields in order, which are required, their patterns, maximum
lengths and types. The allowed values of a list field ("services", "publics…", "modalités…") are read off
its pattern, and :func:`canonical_choice` recognises the spellings that the standard's description and its
patterns disagree on ("Comprehension" / "Compréhension", "Étapes numériques (La Poste)" /
"Étapes numériques(La Poste)"): the import accepts both, the export writes the pattern's.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from aptic.text import normalize_search

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "standard"
SCHEMA_PATH = DATA_DIR / "schema.json"
SEPARATOR = "|"
# A list field's pattern: "(?:(?:^|\|)(value one|value two|…))+$".
_LIST_PATTERN = re.compile(r"^\(\?:\(\?:\^\|\\\|\)\((?P<choices>.*)\)\)\+\$$")


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str
    required: bool
    unique: bool
    pattern: re.Pattern | None
    max_length: int | None
    # The allowed values of a list field (values separated by "|"), in the order of the pattern.
    choices: tuple[str, ...]

    @property
    def is_list(self) -> bool:
        return bool(self.choices)


@dataclass(frozen=True)
class Problem:
    """A value that breaks a constraint of the schema, with a sentence a person can act on."""

    field: str
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def _split_alternatives(text: str) -> tuple[str, ...]:
    """``a|b \\(c\\)`` -> ("a", "b (c)"): top-level alternatives of a regex, escapes removed."""
    choices, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index + 1])
            index += 2
            continue
        if char == "|":
            choices.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    choices.append("".join(current))
    return tuple(choices)


@cache
def descriptor() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def fields() -> tuple[Field, ...]:
    result = []
    for item in descriptor()["fields"]:
        constraints = item.get("constraints", {})
        pattern = constraints.get("pattern")
        match = _LIST_PATTERN.match(pattern) if pattern else None
        result.append(
            Field(
                name=item["name"],
                title=item.get("title", item["name"]),
                type=item.get("type", "string"),
                required=bool(constraints.get("required")),
                unique=bool(constraints.get("unique")),
                # Table-schema patterns are implicitly anchored (XML Schema regular expressions).
                pattern=re.compile(pattern) if pattern else None,
                max_length=constraints.get("maxLength"),
                choices=_split_alternatives(match["choices"]) if match else (),
            )
        )
    return tuple(result)


@cache
def field_names() -> tuple[str, ...]:
    return tuple(item.name for item in fields())


@cache
def field(name: str) -> Field:
    return next(item for item in fields() if item.name == name)


def version() -> str:
    return descriptor()["version"]


def _choice_key(value: str) -> str:
    return normalize_search(value).replace(" ", "")


@cache
def _choice_index(name: str) -> dict[str, str]:
    return {_choice_key(choice): choice for choice in field(name).choices}


def canonical_choice(name: str, value: str) -> str | None:
    """The pattern's spelling of ``value`` for the list field ``name``, or None when it is not allowed.

    Case, accents, spaces and punctuation are ignored: "Comprehension du monde numérique" and
    "Étapes numériques (La Poste)" are the standard's own descriptions of two allowed values."""
    return _choice_index(name).get(_choice_key(value))


def split_list(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(SEPARATOR) if item.strip()]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _is_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def check_value(item: Field, value: str | None) -> list[Problem]:
    """Every constraint of ``item`` that ``value`` breaks (an empty value is only checked for "required")."""
    value = "" if value is None else str(value)
    if value == "":
        if item.required:
            return [Problem(item.name, "required", _("« %(field)s » est obligatoire et vide.") % {"field": item.name})]
        return []
    problems = []
    if item.type == "number" and not _is_number(value):
        problems.append(
            Problem(
                item.name,
                "type",
                _("« %(field)s » : « %(value)s » n'est pas un nombre.") % {"field": item.name, "value": value},
            )
        )
    if item.type == "date" and not _is_date(value):
        problems.append(
            Problem(
                item.name,
                "type",
                _("« %(field)s » : « %(value)s » n'est pas une date AAAA-MM-JJ.")
                % {"field": item.name, "value": value},
            )
        )
    if item.max_length is not None and len(value) > item.max_length:
        problems.append(
            Problem(
                item.name,
                "max_length",
                _("« %(field)s » dépasse %(max)s caractères (%(length)s).")
                % {"field": item.name, "max": item.max_length, "length": len(value)},
            )
        )
    if item.pattern is not None and not item.pattern.fullmatch(value):
        if item.is_list:
            unknown = [part for part in value.split(SEPARATOR) if part not in item.choices]
            message = _("« %(field)s » : valeur non prévue par le standard : %(values)s.") % {
                "field": item.name,
                "values": ", ".join(f"« {part} »" for part in unknown) or f"« {value} »",
            }
        else:
            message = _("« %(field)s » : « %(value)s » n'a pas le format attendu.") % {
                "field": item.name,
                "value": value,
            }
        problems.append(Problem(item.name, "pattern", message))
    return problems


def check_row(row: dict[str, str | None]) -> list[Problem]:
    """Every constraint of the schema that ``row`` (field name -> text) breaks, field by field."""
    problems = []
    for item in fields():
        problems.extend(check_value(item, row.get(item.name)))
    return problems
