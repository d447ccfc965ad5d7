"""Import lieux from a file of the national standard (v1.0.2, or the older v0 layout).

``lieux_import`` is the one service the ``import_lieux`` command, the admin upload (through a task) and
the tests call. Each row is accepted (a lieu created, or updated when a lieu with the same ``source`` and
``id`` was imported before) or refused with its reasons; the report says which and why, row by row.

Imported lieux get ``source=standard``, no structure, and are never qualified: they pre-fill "Devenir
#APTIC" applications and load the national cartography. A lieu of #APTIC (declared by a structure) is
never changed by an import.

Rules, in the order they are applied to a row:

- damaged text is refused, never stored (``damage.py``): text converted to UTF-8 twice ("CrÃ©teil"), or
  holding the replacement character "�" of a character lost before the import (unless the value can be
  recovered for certain: a value of the standard's lists, a commune found by its INSEE code);
- the older v0 layout is converted (``legacy.py``);
- lists are split on ``|`` (and on ``;`` when a file uses it), each value is matched to the spelling of
  the schema's pattern (both spellings of the standard are accepted); an unknown value is dropped with a
  warning, the row is kept;
- forgivable shapes are repaired with a warning (``cleaning.py``): a 4-digit postcode, a French phone
  number, a decimal comma, a date written DD/MM/YYYY, a summary longer than 280 characters;
- then every constraint of the schema is checked (``schema.check_row``): a required field that is empty
  or wrong refuses the row; an optional one is dropped with a warning;
- the commune must exist (``communes.py``): by its INSEE code (former codes of merged communes are
  recognised; Paris, Lyon and Marseille keep their arrondissement), or by its name and postcode;
  otherwise the row is refused;
- a lieu is known by its ``source`` and its ``id``: a second row with the same pair updates the lieu of the
  first; the same ``id`` with another ``source`` is another place (producers number their places
  independently) and is kept as such.

The source's ``date_maj`` is kept with the other fields of the standard (``standard_extra``): the export
gives it back for the lieux that no structure manages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.services import audit_record
from qualification.enums import LieuSource
from qualification.models import Lieu
from qualification.standard import legacy, schema
from qualification.standard.cleaning import canonical_lists, repair
from qualification.standard.communes import CommuneResolver
from qualification.standard.damage import REPLACEMENT, mojibake_reason, replacement_reasons
from qualification.standard.mapping import LIEU_FIELDS, formats_of, lieu_values, source_key
from qualification.standard.reading import FileRefused, Table, looks_double_encoded, mojibake_example, read_table
from qualification.standard.report import ImportReport, RowReport
from referentiel.models import Format, StandardService

EXPORT_ID_PREFIX = "aptic-"
PROGRESS_EVERY = 250
BATCH_SIZE = 500


@dataclass
class _Candidate:
    report: RowReport
    key: tuple[str, str]  # (source key, id)
    values: dict  # Lieu field -> value
    standard_services: list[str]  # labels
    formats: list[str]  # Format values
    # Later rows of the file with the same source and id: each updated this lieu again.
    repeats: list[RowReport] = field(default_factory=list)


def _check(row: dict[str, str], report: RowReport) -> bool:
    """Schema constraints: a broken required field refuses the row, a broken optional one is dropped."""
    for problem in schema.check_row(row):
        if schema.field(problem.field).required:
            report.reasons.append(problem.message)
        else:
            report.warnings.append(problem.message + " " + _("Valeur ignorée."))
            row[problem.field] = ""
    return not report.reasons


def _aptic_ids(table: Table) -> set[str]:
    """The ids of the file that are those of lieux of #APTIC in an export (``aptic-<pk>``)."""
    exported_pks = [
        int(record.get("id", "")[len(EXPORT_ID_PREFIX) :])
        for _line, record in table.records
        if re.fullmatch(rf"{EXPORT_ID_PREFIX}\d+", record.get("id", ""))
    ]
    if not exported_pks:
        return set()
    return {
        f"{EXPORT_ID_PREFIX}{pk}"
        for pk in Lieu.objects.filter(pk__in=exported_pks)
        .exclude(source=LieuSource.NATIONAL_STANDARD)
        .values_list("pk", flat=True)
    }


def _prepare_row(record: dict[str, str], *, layout: str, communes: CommuneResolver, report: RowReport):
    """The row in the standard's current columns, repaired and checked, and its commune; or None when it is
    refused (``report`` says why)."""
    extra_cells = record.pop("__extra_cells__", None)
    damaged = mojibake_reason(record)
    if damaged:
        report.reasons.append(damaged)
        return None
    report.reasons += replacement_reasons(record, commune_name=communes.name_of, warnings=report.warnings)
    if report.reasons:
        return None
    if extra_cells:
        report.warnings.append(
            _("%(count)s cellule(s) au-delà des colonnes de l'en-tête ignorée(s).") % {"count": extra_cells}
        )
    if layout == "v0":
        record, unknown = legacy.convert_record(record)
        if unknown:
            report.warnings.append(
                _("valeurs de l'ancien standard sans équivalent, ignorées : %(values)s.")
                % {"values": ", ".join(unknown)}
            )
    row = {name: value for name, value in record.items() if name in schema.field_names()}
    repair(row, report.warnings)
    canonical_lists(row, semicolons=layout == "v0", warnings=report.warnings)
    if not _check(row, report):
        return None
    commune_code, refusal, warning = communes.resolve(
        code_insee=row.get("code_insee", ""), postcode=row["code_postal"], name=row["commune"]
    )
    if refusal:
        report.reasons.append(refusal)
        return None
    if warning:
        report.warnings.append(warning)
    return row, commune_code


def _prepare(table: Table, layout: str, communes: CommuneResolver, report: ImportReport, progress) -> list[_Candidate]:
    candidates: dict[tuple[str, str], _Candidate] = {}
    aptic_ids = _aptic_ids(table)
    for position, (line, record) in enumerate(table.records, start=1):
        if progress and position % PROGRESS_EVERY == 0:
            progress(position, len(table.records))
        row_report = RowReport(line=line, id=record.get("id", ""), name=record.get("nom", ""), outcome="refused")
        report.rows.append(row_report)
        prepared = _prepare_row(dict(record), layout=layout, communes=communes, report=row_report)
        if prepared is None:
            continue
        row, commune_code = prepared
        if row["id"] in aptic_ids:
            row_report.reasons.append(
                _("l'identifiant « %(id)s » est celui d'un lieu #APTIC : un lieu #APTIC ne se modifie pas par import.")
                % {"id": row["id"]}
            )
            continue
        key = (source_key(row.get("source", "")), row["id"])
        values = lieu_values(row, commune_code, row_report.warnings)
        services, formats = schema.split_list(row.get("services", "")), formats_of(row)
        earlier = candidates.get(key)
        if earlier is None:
            candidates[key] = _Candidate(row_report, key, values, services, formats)
            continue
        row_report.outcome = "updated"
        row_report.warnings.append(
            _("même identifiant que la ligne %(line)s : cette ligne met à jour le même lieu.")
            % {"line": earlier.report.line}
        )
        earlier.repeats.append(row_report)
        earlier.values, earlier.standard_services, earlier.formats = values, services, formats
    if progress:
        progress(len(table.records), len(table.records))
    return list(candidates.values())


def _existing(candidates: list[_Candidate]) -> dict[tuple[str, str], Lieu]:
    """The lieux imported before with the (source, id) of a candidate."""
    ids = sorted({candidate.key[1] for candidate in candidates})
    existing: dict[tuple[str, str], Lieu] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        for lieu in Lieu.objects.filter(external_id__in=ids[start : start + BATCH_SIZE]):
            existing[lieu.external_source, lieu.external_id] = lieu
    return existing


def _write(candidates: list[_Candidate], *, dry_run: bool) -> None:
    """Create or update the lieux (each candidate's report says which, or why it was refused)."""
    existing = _existing(candidates)
    to_create: list[tuple[_Candidate, Lieu]] = []
    to_update: list[tuple[_Candidate, Lieu]] = []
    for candidate in candidates:
        lieu = existing.get(candidate.key)
        if lieu is not None and (lieu.source != LieuSource.NATIONAL_STANDARD or lieu.structure_id):
            for row_report in [candidate.report, *candidate.repeats]:
                row_report.outcome = "refused"
                row_report.reasons.append(
                    _(
                        "l'identifiant « %(id)s » est celui d'un lieu #APTIC : un lieu #APTIC ne se modifie pas "
                        "par import."
                    )
                    % {"id": candidate.key[1]}
                )
            continue
        if lieu is None:
            source, external_id = candidate.key
            lieu = Lieu(
                external_id=external_id, external_source=source, source=LieuSource.NATIONAL_STANDARD, structure=None
            )
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
    candidates = _prepare(table, layout, CommuneResolver(), report, progress)
    unreadable = sum(1 for row in report.rows if any(REPLACEMENT in reason for reason in row.reasons))
    if unreadable:
        report.notes.append(
            ngettext(
                "%(count)s ligne refusée contient le caractère illisible « � » : des caractères (souvent les "
                "accents) ont été perdus en enregistrant le fichier dans un autre encodage. Repartez du fichier "
                "d'origine et enregistrez-le en UTF-8.",
                "%(count)s lignes refusées contiennent le caractère illisible « � » : des caractères (souvent les "
                "accents) ont été perdus en enregistrant le fichier dans un autre encodage. Repartez du fichier "
                "d'origine et enregistrez-le en UTF-8.",
                unreadable,
            )
            % {"count": unreadable}
        )
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
