"""Imports of lieux sent by staff: stored, then run by a task that reports its progress."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aptic.errors import BusinessError
from qualification.standard.enums import LieuImportStatus
from qualification.standard.importer import FileRefused, ImportReport, lieux_import
from qualification.standard.models import LieuImport

MAX_FILE_SIZE = 20 * 1024 * 1024
PROGRESS_TIMEOUT = 6 * 3600


def progress_key(lieu_import_id: int) -> str:
    return f"qualification:lieu-import:{lieu_import_id}:progress"


def lieu_import_progress(lieu_import: LieuImport) -> tuple[int, int] | None:
    """(rows read, rows in the file) while a task works on ``lieu_import``, from the shared cache."""
    return cache.get(progress_key(lieu_import.pk))


@transaction.atomic
def lieu_import_create(*, content: bytes, filename: str, by, dry_run: bool = False) -> LieuImport:
    """Keep the file privately and queue its import once this transaction commits."""
    from qualification.standard.tasks import lieu_import_run_task

    if not content:
        raise BusinessError(_("Le fichier est vide."), code="empty_file")
    if len(content) > MAX_FILE_SIZE:
        raise BusinessError(
            _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
            % {"size": MAX_FILE_SIZE // 2**20},
            code="file_too_large",
        )
    lieu_import = LieuImport(
        original_name=filename[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
        created_by=by,
    )
    lieu_import.file.save(filename or "lieux.csv", ContentFile(content), save=False)
    lieu_import.save()
    lieu_import_run_task.delay_on_commit(lieu_import.pk)
    return lieu_import


def lieu_import_run(*, lieu_import_id: int) -> LieuImport:
    """Run a pending import (the task's body). Safe to run twice: a finished import is left as it is.

    The import row stays locked while the lieux are written, in the same transaction: a second worker
    that got the same task waits, then finds it done; a worker that dies leaves it pending for a retry."""
    with transaction.atomic():
        lieu_import = LieuImport.objects.select_for_update().get(pk=lieu_import_id)
        if lieu_import.status != LieuImportStatus.PENDING:
            return lieu_import
        with lieu_import.file.open("rb") as handle:
            content = handle.read()

        def progress(done: int, total: int) -> None:
            cache.set(progress_key(lieu_import.pk), (done, total), timeout=PROGRESS_TIMEOUT)

        try:
            with transaction.atomic():
                report = lieux_import(
                    content=content,
                    by=lieu_import.created_by,
                    filename=lieu_import.original_name,
                    dry_run=lieu_import.dry_run,
                    progress=progress,
                )
        except FileRefused as refusal:
            lieu_import.status = LieuImportStatus.FAILED
            lieu_import.error = str(refusal)
        else:
            lieu_import.status = LieuImportStatus.DONE
            lieu_import.total_rows = report.total
            lieu_import.created_count = report.created
            lieu_import.updated_count = report.updated
            lieu_import.refused_count = report.refused
            lieu_import.report = report.as_dict()
        lieu_import.finished_at = timezone.now()
        lieu_import.save()
    cache.delete(progress_key(lieu_import.pk))
    return lieu_import


def lieu_import_report(lieu_import: LieuImport) -> ImportReport | None:
    return ImportReport.from_dict(lieu_import.report) if lieu_import.report else None
