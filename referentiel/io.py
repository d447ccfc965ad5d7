"""Export and import of a version of the référentiel, as JSON or CSV.

Both formats hold the same content: categories (code, label, description, order) and services (code,
category, label, description, publics, formats, services of the national standard, duration, cost in
cheques, order). Exporting, importing and exporting again gives the same bytes (the JSON export also
carries the version's number and state, which an import does not keep: it always creates a new draft).

- **JSON**: ``{"format": "referentiel-aptic", "format_version": 1, "version": {...}, "categories": [...],
  "services": [...]}`` — the version's title, notes and date travel with it.
- **CSV** (UTF-8 with a BOM so that spreadsheets read accents, comma or semicolon separated): one line per
  service, its category described on the same line; a category without services is a line whose service
  columns are empty. Lists are separated by ``|``, as in the national standard.

Vocabularies (publics, formats, services of the standard) are written with their stable value
(``a_distance``); an import also accepts their label, accents and case ignored ("Compréhension du monde
numérique" or "Comprehension du monde numerique").

An import checks every row before writing anything: if one is wrong, the whole file is refused with each
problem's line (CSV) or position (JSON) and its reason, in French.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aptic.errors import BusinessError
from aptic.text import normalize_search
from referentiel.models import (
    MAX_COST_IN_CHEQUES,
    MAX_DURATION_MINUTES,
    Category,
    Format,
    Public,
    Service,
    StandardService,
    Version,
)

FORMAT_NAME = "referentiel-aptic"
FORMAT_VERSION = 1
LIST_SEPARATOR = "|"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 100

CATEGORY_COLUMNS = ["categorie", "categorie_libelle", "categorie_description", "categorie_ordre"]
SERVICE_COLUMNS = [
    "code",
    "libelle",
    "description",
    "publics",
    "formats",
    "services_standard",
    "duree_minutes",
    "cout_cheques",
    "cout_reductible",
    "ordre",
]
CSV_COLUMNS = CATEGORY_COLUMNS + SERVICE_COLUMNS
CSV_REQUIRED_COLUMNS = [
    "categorie",
    "code",
    "libelle",
    "description",
    "services_standard",
    "duree_minutes",
    "cout_cheques",
]

CATEGORY_LABEL_MAX = Category._meta.get_field("label").max_length
SERVICE_LABEL_MAX = Service._meta.get_field("label").max_length
CODE_MAX = Service._meta.get_field("code").max_length


# --- Export -------------------------------------------------------------------------------------------


def _values(queryset) -> list[str]:
    return [item.value for item in sorted(queryset, key=lambda item: (item.position, item.value))]


def _export_rows(version: Version) -> tuple[list[Category], dict[int, list[Service]]]:
    categories = sorted(version.categories.all(), key=lambda c: (c.position, c.code))
    services: dict[int, list[Service]] = {category.pk: [] for category in categories}
    for service in version.services.prefetch_related("publics", "formats", "standard_services"):
        services[service.category_id].append(service)
    for rows in services.values():
        rows.sort(key=lambda s: (s.position, s.code))
    return categories, services


def _service_dict(service: Service, category: Category) -> dict:
    return {
        "code": service.code,
        "categorie": category.code,
        "libelle": service.label,
        "description": service.description,
        "publics": _values(service.publics.all()),
        "formats": _values(service.formats.all()),
        "services_standard": _values(service.standard_services.all()),
        "duree_minutes": service.duration_minutes,
        "cout_cheques": service.cost_in_cheques,
        "cout_reductible": service.cost_adjustable,
        "ordre": service.position,
    }


def export_json(version: Version) -> str:
    categories, services = _export_rows(version)
    data = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "version": {
            "numero": version.number,
            "etat": version.status,
            "libelle": version.label,
            "notes": version.notes,
            "en_vigueur_le": version.valid_from.isoformat() if version.valid_from else None,
        },
        "categories": [
            {"code": c.code, "libelle": c.label, "description": c.description, "ordre": c.position} for c in categories
        ],
        "services": [_service_dict(s, c) for c in categories for s in services[c.pk]],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_csv(version: Version) -> bytes:
    categories, services = _export_rows(version)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for category in categories:
        category_cells = [category.code, category.label, category.description, category.position]
        if not services[category.pk]:
            writer.writerow(category_cells + [""] * len(SERVICE_COLUMNS))
        for service in services[category.pk]:
            row = _service_dict(service, category)
            writer.writerow(
                category_cells
                + [
                    row["code"],
                    row["libelle"],
                    row["description"],
                    LIST_SEPARATOR.join(row["publics"]),
                    LIST_SEPARATOR.join(row["formats"]),
                    LIST_SEPARATOR.join(row["services_standard"]),
                    row["duree_minutes"],
                    row["cout_cheques"],
                    "oui" if row["cout_reductible"] else "non",
                    row["ordre"],
                ]
            )
    return buffer.getvalue().encode("utf-8-sig")


def export_filename(version: Version, extension: str) -> str:
    return f"referentiel-aptic-v{version.number}.{extension}"


# --- Import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self):
        return f"{self.where} : {self.message}" if self.where else self.message


class ImportRefused(BusinessError):
    """The file is refused as a whole; ``problems`` says where and why. Nothing was written."""

    code = "import_refused"

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        message = ngettext(
            "Import refusé, rien n'a été modifié : %(count)s problème à corriger dans le fichier.",
            "Import refusé, rien n'a été modifié : %(count)s problèmes à corriger dans le fichier.",
            len(problems),
        ) % {"count": len(problems)}
        super().__init__(message, problems=[{"where": p.where, "message": p.message} for p in shown])


@dataclass
class CategoryRow:
    code: str
    label: str
    description: str
    position: int
    where: str = ""


@dataclass
class ServiceRow:
    code: str
    category: str
    label: str
    description: str
    publics: list = field(default_factory=list)
    formats: list = field(default_factory=list)
    standard_services: list = field(default_factory=list)
    duration_minutes: int = 0
    cost_in_cheques: int = 0
    position: int = 0
    where: str = ""
    cost_adjustable: bool = False


@dataclass
class ParsedVersion:
    label: str = ""
    notes: str = ""
    valid_from: datetime.date | None = None
    categories: list[CategoryRow] = field(default_factory=list)
    services: list[ServiceRow] = field(default_factory=list)


class _Vocabulary:
    """Values of a controlled list, found by value or by label (accents, case and punctuation ignored)."""

    def __init__(self, model, unknown: str, retired: str):
        self.unknown, self.retired = unknown, retired
        self.by_key = {}
        for item in model.objects.all():
            self.by_key.setdefault(normalize_search(item.value), item)
            self.by_key.setdefault(normalize_search(item.label), item)

    def resolve(self, tokens: list[str], problems: list[str]) -> list:
        found = []
        for token in tokens:
            item = self.by_key.get(normalize_search(token))
            if item is None:
                problems.append(self.unknown % {"value": token})
            elif item.retired:
                problems.append(self.retired % {"value": token})
            elif item not in found:
                found.append(item)
        return found


class _Checker:
    """Checks rows one by one, collecting every problem instead of stopping at the first."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.publics = _Vocabulary(
            Public, _("le public « %(value)s » est inconnu"), _("le public « %(value)s » est retiré")
        )
        self.formats = _Vocabulary(
            Format, _("le format « %(value)s » est inconnu"), _("le format « %(value)s » est retiré")
        )
        self.standards = _Vocabulary(
            StandardService,
            _("le service du standard national « %(value)s » est inconnu"),
            _("le service du standard national « %(value)s » est retiré du standard"),
        )

    def add(self, where: str, messages: list[str]) -> None:
        self.problems += [Problem(where, message) for message in messages]

    @staticmethod
    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value.strip()
        return json.dumps(value, ensure_ascii=False)

    @staticmethod
    def not_lists(data: dict, keys: tuple[str, ...], errors: list[str]) -> None:
        for key in keys:
            if isinstance(data.get(key), (list, dict)):
                errors.append(_("« %(key)s » doit être une valeur simple, pas une liste") % {"key": key})

    @staticmethod
    def code(value: str, what: str, errors: list[str]) -> str:
        if not value:
            errors.append(_("le code %(what)s est manquant") % {"what": what})
            return value
        try:
            validate_slug(value)
        except ValidationError:
            errors.append(
                _("le code %(what)s « %(value)s » ne doit contenir que des lettres sans accent, chiffres, - et _")
                % {"what": what, "value": value}
            )
        if len(value) > CODE_MAX:
            errors.append(_("le code « %(value)s » dépasse %(max)s caractères") % {"value": value, "max": CODE_MAX})
        return value

    @staticmethod
    def integer(value, *, label: str, minimum: int, maximum: int, errors: list[str], default=None):
        text = _Checker.text(value)
        if text == "" and default is not None:
            return default
        if isinstance(value, bool) or not re.fullmatch(r"-?\d+", text):
            errors.append(_("%(label)s « %(value)s » n'est pas un nombre entier") % {"label": label, "value": text})
            return None
        number = int(text)
        if not minimum <= number <= maximum:
            errors.append(
                _("%(label)s doit être un nombre entre %(min)s et %(max)s (lu : %(value)s)")
                % {"label": label, "min": minimum, "max": maximum, "value": number}
            )
            return None
        return number

    @staticmethod
    def boolean(value, *, label: str, errors: list[str]) -> bool:
        """``true``/``false`` in JSON, ``oui``/``non`` (or 1/0, true/false) in CSV; missing means no."""
        if value is None or value == "" or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text in ("oui", "true", "1", "vrai"):
            return True
        if text in ("non", "false", "0", "faux"):
            return False
        errors.append(_("%(label)s vaut « oui » ou « non », pas « %(value)s »") % {"label": label, "value": value})
        return False

    @staticmethod
    def tokens(value) -> list[str]:
        if isinstance(value, list):
            return [_Checker.text(item) for item in value if _Checker.text(item)]
        return [token.strip() for token in _Checker.text(value).split(LIST_SEPARATOR) if token.strip()]

    def category(self, where: str, data: dict) -> CategoryRow | None:
        errors: list[str] = []
        self.not_lists(data, ("code", "libelle", "description", "ordre"), errors)
        code = self.code(self.text(data.get("code")), _("de la catégorie"), errors)
        label = self.text(data.get("libelle"))
        if not label:
            errors.append(_("le libellé de la catégorie « %(code)s » est manquant") % {"code": code})
        elif len(label) > CATEGORY_LABEL_MAX:
            errors.append(_("le libellé de la catégorie dépasse %(max)s caractères") % {"max": CATEGORY_LABEL_MAX})
        position = self.integer(
            data.get("ordre"), label=_("l'ordre"), minimum=0, maximum=32767, errors=errors, default=0
        )
        self.add(where, errors)
        if errors:
            return None
        return CategoryRow(code, label, self.text(data.get("description")), position, where)

    def service(self, where: str, data: dict) -> ServiceRow | None:
        errors: list[str] = []
        self.not_lists(
            data, ("code", "categorie", "libelle", "description", "duree_minutes", "cout_cheques", "ordre"), errors
        )
        code = self.code(self.text(data.get("code")), _("du service"), errors)
        label = self.text(data.get("libelle"))
        if not label:
            errors.append(_("le libellé du service est manquant"))
        elif len(label) > SERVICE_LABEL_MAX:
            errors.append(_("le libellé du service dépasse %(max)s caractères") % {"max": SERVICE_LABEL_MAX})
        description = self.text(data.get("description"))
        if not description:
            errors.append(_("la description pour le public est manquante"))
        category = self.text(data.get("categorie"))
        if not category:
            errors.append(_("la catégorie du service est manquante"))
        publics = self.publics.resolve(self.tokens(data.get("publics")), errors)
        formats = self.formats.resolve(self.tokens(data.get("formats")), errors)
        standard_tokens = self.tokens(data.get("services_standard"))
        standards = self.standards.resolve(standard_tokens, errors)
        if not standard_tokens:
            errors.append(_("le service doit correspondre à au moins un service du standard national"))
        duration = self.integer(
            data.get("duree_minutes"),
            label=_("la durée (minutes)"),
            minimum=1,
            maximum=MAX_DURATION_MINUTES,
            errors=errors,
        )
        cost = self.integer(
            data.get("cout_cheques"),
            label=_("le coût en chèques"),
            minimum=1,
            maximum=MAX_COST_IN_CHEQUES,
            errors=errors,
        )
        position = self.integer(
            data.get("ordre"), label=_("l'ordre"), minimum=0, maximum=32767, errors=errors, default=0
        )
        adjustable = self.boolean(data.get("cout_reductible"), label=_("le coût réductible"), errors=errors)
        self.add(where, errors)
        if errors:
            return None
        return ServiceRow(
            code,
            category,
            label,
            description,
            publics,
            formats,
            standards,
            duration,
            cost,
            position,
            where,
            adjustable,
        )

    def cross_checks(self, parsed: ParsedVersion) -> None:
        categories: dict[str, CategoryRow] = {}
        for row in parsed.categories:
            if row.code in categories:
                self.add(
                    row.where,
                    [
                        _("le code de catégorie « %(code)s » est en double (déjà utilisé : %(first)s)")
                        % {"code": row.code, "first": categories[row.code].where}
                    ],
                )
            else:
                categories[row.code] = row
        services: dict[str, ServiceRow] = {}
        for row in parsed.services:
            if row.code in services:
                self.add(
                    row.where,
                    [
                        _("le code de service « %(code)s » est en double (déjà utilisé : %(first)s)")
                        % {"code": row.code, "first": services[row.code].where}
                    ],
                )
            else:
                services[row.code] = row
            if row.category not in categories:
                self.add(row.where, [_("la catégorie « %(code)s » est inconnue") % {"code": row.category}])


def _decode(content: bytes) -> str:
    if len(content) > MAX_FILE_BYTES:
        raise ImportRefused(
            [Problem("", _("le fichier dépasse %(max)s Mo") % {"max": MAX_FILE_BYTES // (1024 * 1024)})]
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Spreadsheets on Windows still save "CSV" in this encoding.
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused([Problem("", _("le fichier n'est pas un texte lisible (UTF-8 attendu)"))]) from None


def parse(content: bytes, *, filename: str = "") -> ParsedVersion:
    """Read and check a whole file; raise :class:`ImportRefused` listing every problem found."""
    text = _decode(content)
    if not text.strip():
        raise ImportRefused([Problem("", _("le fichier est vide"))])
    is_json = filename.lower().endswith(".json") or (
        not filename.lower().endswith(".csv") and text.lstrip().startswith("{")
    )
    return parse_json(text) if is_json else parse_csv(text)


def parse_json(text: str) -> ParsedVersion:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    "",
                    _("le JSON est mal formé (ligne %(line)s, colonne %(column)s)")
                    % {"line": exc.lineno, "column": exc.colno},
                )
            ]
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise ImportRefused([Problem("", _("le JSON doit être un objet avec une liste « services »"))])
    if data.get("format", FORMAT_NAME) != FORMAT_NAME or data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        raise ImportRefused(
            [
                Problem(
                    "",
                    _("format de fichier inconnu : « %(format)s » version %(version)s")
                    % {"format": data.get("format"), "version": data.get("format_version")},
                )
            ]
        )
    checker = _Checker()
    parsed = ParsedVersion()
    meta = data.get("version") or {}
    if not isinstance(meta, dict):
        meta = {}
        checker.add(_("Version"), [_("« version » doit être un objet")])
    parsed.label = checker.text(meta.get("libelle"))
    parsed.notes = checker.text(meta.get("notes"))
    if meta.get("en_vigueur_le"):
        try:
            parsed.valid_from = datetime.date.fromisoformat(checker.text(meta["en_vigueur_le"]))
        except ValueError:
            checker.add(
                _("Version"),
                [_("la date « %(value)s » n'est pas au format AAAA-MM-JJ") % {"value": meta["en_vigueur_le"]}],
            )
    categories = data.get("categories") or []
    if not isinstance(categories, list):
        categories = []
        checker.add("", [_("« categories » doit être une liste")])
    for index, item in enumerate(categories, start=1):
        where = _("Catégorie n° %(number)s") % {"number": index}
        if not isinstance(item, dict):
            checker.add(where, [_("chaque catégorie doit être un objet")])
        elif row := checker.category(where, item):
            parsed.categories.append(row)
    for index, item in enumerate(data["services"], start=1):
        where = _("Service n° %(number)s") % {"number": index}
        if not isinstance(item, dict):
            checker.add(where, [_("chaque service doit être un objet")])
        elif row := checker.service(where, item):
            parsed.services.append(row)
    return _finish(checker, parsed, has_services=bool(data["services"]))


def parse_csv(text: str) -> ParsedVersion:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise ImportRefused([Problem("", _("le fichier CSV n'a pas de ligne d'en-tête"))]) from None
    unknown = [column for column in header if column not in CSV_COLUMNS]
    missing = [column for column in CSV_REQUIRED_COLUMNS if column not in header]
    header_problems = []
    if unknown:
        header_problems.append(_("colonnes inconnues : %(columns)s") % {"columns": ", ".join(unknown)})
    if missing:
        header_problems.append(_("colonnes manquantes : %(columns)s") % {"columns": ", ".join(missing)})
    if len(set(header)) != len(header):
        header_problems.append(_("une colonne apparaît deux fois"))
    if header_problems:
        where = _("Ligne %(number)s") % {"number": 1}
        raise ImportRefused(
            [Problem(where, message) for message in header_problems]
            + [Problem("", _("colonnes attendues : %(columns)s") % {"columns": ", ".join(CSV_COLUMNS)})]
        )
    checker = _Checker()
    parsed = ParsedVersion()
    categories: dict[str, CategoryRow] = {}
    has_services = False
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            where = _("Ligne %(number)s") % {"number": start}
            if len(cells) > len(header):
                checker.add(
                    where,
                    [
                        _("%(count)s cellules pour %(columns)s colonnes")
                        % {"count": len(cells), "columns": len(header)}
                    ],
                )
                continue
            row = dict(zip(header, cells, strict=False))
            code = row.get("categorie", "").strip()
            if row.get("categorie_libelle", "").strip():
                category = checker.category(
                    where,
                    {
                        "code": code,
                        "libelle": row.get("categorie_libelle"),
                        "description": row.get("categorie_description"),
                        "ordre": row.get("categorie_ordre"),
                    },
                )
                if category is not None:
                    known = categories.get(category.code)
                    if known is None:
                        categories[category.code] = category
                        parsed.categories.append(category)
                    elif (known.label, known.description, known.position) != (
                        category.label,
                        category.description,
                        category.position,
                    ):
                        checker.add(
                            where,
                            [
                                _("la catégorie « %(code)s » est décrite autrement qu'à la %(first)s")
                                % {"code": code, "first": known.where.lower()}
                            ],
                        )
            if not any(row.get(column, "").strip() for column in SERVICE_COLUMNS):
                if not code:
                    checker.add(where, [_("la ligne ne décrit ni catégorie ni service")])
                continue
            has_services = True
            service = checker.service(
                where,
                {
                    "code": row.get("code"),
                    "categorie": code,
                    "libelle": row.get("libelle"),
                    "description": row.get("description"),
                    "publics": row.get("publics"),
                    "formats": row.get("formats"),
                    "services_standard": row.get("services_standard"),
                    "duree_minutes": row.get("duree_minutes"),
                    "cout_cheques": row.get("cout_cheques"),
                    "cout_reductible": row.get("cout_reductible"),
                    "ordre": row.get("ordre"),
                },
            )
            if service is not None:
                parsed.services.append(service)
    except csv.Error as exc:
        checker.add(
            _("Ligne %(number)s") % {"number": reader.line_num}, [_("CSV mal formé (%(error)s)") % {"error": exc}]
        )
    return _finish(checker, parsed, has_services=has_services)


def _finish(checker: _Checker, parsed: ParsedVersion, *, has_services: bool) -> ParsedVersion:
    checker.cross_checks(parsed)
    if not has_services:
        checker.add("", [_("le fichier ne contient aucun service")])
    if checker.problems:
        raise ImportRefused(checker.problems)
    return parsed
