"""Reading a file that claims to follow the standard: bytes -> text -> records, tolerant of real files.

Real files come out of spreadsheets and scripts: a UTF-8 byte-order mark, ``;`` instead of ``,``, a
header in capitals, blank lines, a UTF-16 export. Those are read. What would store garbage is refused
with a sentence that says how to fix the file: a Latin-1 / Windows-1252 file (its accents are not UTF-8),
a file converted to UTF-8 twice ("CrÃ©teil"), a spreadsheet instead of a CSV file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import ftfy
from django.utils.translation import gettext as _

from aptic.errors import BusinessError
from aptic.text import normalize_search

DELIMITERS = (",", ";", "\t")


class FileRefused(BusinessError):
    """The whole file cannot be read: nothing was imported."""

    code = "file_refused"


@dataclass
class Table:
    encoding: str
    delimiter: str  # "" for JSON
    header: list[str]  # normalised column names, in the file's order
    records: list[tuple[int, dict[str, str]]]  # (line number as a spreadsheet shows it, column -> text)


def _line_of(content: bytes, position: int) -> int:
    return content.count(b"\n", 0, position) + 1


def decode(content: bytes) -> tuple[str, str]:
    """The text of ``content`` and the encoding it was read with, or :class:`FileRefused`."""
    if not content.strip():
        raise FileRefused(_("Le fichier est vide."), code="empty_file")
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _(
                "Ce fichier est un classeur (Excel, LibreOffice), pas un fichier CSV : ouvrez-le et "
                "enregistrez-le au format « CSV UTF-8 », puis importez ce fichier CSV."
            ),
            code="spreadsheet",
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise FileRefused(_("Le fichier annonce de l'UTF-16 mais ne l'est pas."), code="encoding") from error
    if b"\x00" in content[:4096]:
        raise FileRefused(
            _(
                "Le fichier contient des octets nuls : ce n'est pas un texte UTF-8 "
                "(UTF-16 sans BOM ? fichier binaire ?)."
            ),
            code="encoding",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_of(content, error.start)
        excerpt = content[max(0, error.start - 30) : error.start + 30].decode("cp1252", errors="replace")
        excerpt = excerpt.replace("\n", " ").replace("\r", " ").strip()
        raise FileRefused(
            _(
                "Le fichier n'est pas encodé en UTF-8 : ligne %(line)s, l'octet 0x%(byte)02X ressemble à du "
                "Latin-1 / Windows-1252 (« %(excerpt)s »). Enregistrez-le au format « CSV UTF-8 » puis "
                "importez-le à nouveau."
            )
            % {"line": line, "byte": content[error.start], "excerpt": excerpt},
            code="encoding",
        ) from error
    return text.replace("\ufeff", ""), "utf-8"


def mojibake(value: str) -> str | None:
    """What ``value`` should have read if it was converted to UTF-8 twice ("CrÃ©teil" -> "Créteil")."""
    if value.isascii():
        return None
    fixed = ftfy.fix_encoding(value)
    return fixed if fixed != value else None


def normalise_column(name: str) -> str:
    """ "Code postal", " CODE_POSTAL " and "code-postal" are the column ``code_postal``."""
    return normalize_search(name).replace(" ", "_")


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: 0 for delimiter in DELIMITERS}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_json(text: str, encoding: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRefused(
            _("Le fichier JSON est mal formé (ligne %(line)s : %(message)s).")
            % {"line": error.lineno, "message": error.msg},
            code="json",
        ) from error
    if isinstance(data, dict):
        data = next((value for value in data.values() if isinstance(value, list)), None)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FileRefused(_("Le fichier JSON doit contenir une liste de lieux (objets)."), code="json")
    header: list[str] = []
    records = []
    for number, item in enumerate(data, start=1):
        record = {}
        for key, value in item.items():
            column = normalise_column(str(key))
            if column not in header:
                header.append(column)
            if isinstance(value, list):
                value = "|".join(str(part) for part in value if part is not None)
            record[column] = "" if value is None else str(value).strip()
        records.append((number, record))
    return Table(encoding=encoding, delimiter="", header=header, records=records)


def read_table(content: bytes) -> Table:
    """Decode ``content`` and split it into records keyed by normalised column names."""
    text, encoding = decode(content)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        return _read_json(stripped, encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise FileRefused(
            _("Le fichier CSV est mal formé (ligne %(line)s : %(message)s).")
            % {"line": reader.line_num, "message": error},
            code="csv",
        ) from error
    if not rows:
        raise FileRefused(_("Le fichier est vide."), code="empty_file")
    header = [normalise_column(name) for name in rows[0]]
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise FileRefused(
            _("L'en-tête contient des colonnes en double : %(columns)s.") % {"columns": ", ".join(duplicates)},
            code="header",
        )
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {name: (row[index].strip() if index < len(row) else "") for index, name in enumerate(header) if name}
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            record["__extra_cells__"] = str(len(row) - len(header))
        records.append((number, record))
    return Table(encoding=encoding, delimiter=delimiter, header=[name for name in header if name], records=records)


def looks_double_encoded(table: Table) -> bool:
    """True when most records with accents read as text converted to UTF-8 twice (the whole file is)."""
    accented = damaged = 0
    for _number, record in table.records:
        values = [value for value in record.values() if not value.isascii()]
        if values:
            accented += 1
            if any(mojibake(value) for value in values):
                damaged += 1
    return accented > 0 and damaged * 2 > accented


def mojibake_example(table: Table) -> tuple[str, str]:
    for _number, record in table.records:
        for value in record.values():
            fixed = mojibake(value)
            if fixed:
                return value, fixed
    return "", ""


def _strip_cedex(name: str) -> str:
    return re.sub(r"\s+cedex(\s+\d+)?$", "", name, flags=re.IGNORECASE).strip()


def commune_key(name: str) -> str:
    """ "ST-ÉTIENNE CEDEX 2" -> "saint etienne": the commune name as the directory of communes spells it."""
    key = normalize_search(_strip_cedex(name))
    key = re.sub(r"\bst\b", "saint", key)
    key = re.sub(r"\bste\b", "sainte", key)
    return key
