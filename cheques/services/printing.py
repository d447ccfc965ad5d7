"""Carnet PDFs (WeasyPrint + segno), rendered in the background chunk by chunk.

An order's carnets are split into chunks of about ``settings.PRINT_CHUNK_CHEQUES`` cheques; each chunk is one
task, one PDF file, so memory stays flat whatever the order size and chunks spread over workers. When
the last chunk is done, a ZIP of all the files is written (streamed from disk) for a one-click download,
and the sealed codes are deleted. A single carnet is reprinted by cutting its pages out of its chunk.
"""

import hashlib
import io
import tempfile
import zipfile

import segno
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML

from aptic.errors import BusinessError
from aptic.faults import pause_point
from aptic.pdf import PDF_STYLESHEET, local_url_fetcher
from cheques.codes import code_hash_raw, qr_payload
from cheques.enums import PrintStatus
from cheques.models import Carnet, Order, PrintChunk, PrintJob
from cheques.selectors import restrictions_words
from cheques.services.sealing import codes_discard, codes_unseal

CARNET_STYLESHEET = settings.BASE_DIR / "static" / "css" / "carnet-pdf.css"


@transaction.atomic
def print_job_start(*, order: Order, carnet: Carnet | None = None, chunk_cheques: int | None = None) -> PrintJob:
    """Plan the printing of the order's carnets (or of one replacement carnet) and queue its chunks."""
    lookup = {"order": order, "carnet": carnet}
    job = PrintJob.objects.select_for_update().filter(**lookup).first()
    if job is not None:
        return job
    if carnet is not None:
        ranges = [(carnet.position, carnet.position)]
    else:
        per_chunk = max(1, (chunk_cheques or settings.PRINT_CHUNK_CHEQUES) // order.carnet_size)
        ranges = [
            (first, min(first + per_chunk - 1, order.carnet_count))
            for first in range(1, order.carnet_count + 1, per_chunk)
        ]
    job = PrintJob.objects.create(order=order, carnet=carnet, chunks_total=len(ranges), status=PrintStatus.RUNNING)
    PrintChunk.objects.bulk_create(
        PrintChunk(job=job, index=index, first_position=first, last_position=last)
        for index, (first, last) in enumerate(ranges)
    )
    from cheques.tasks import print_chunk_task

    for chunk_id in job.chunks.values_list("pk", flat=True):
        print_chunk_task.delay_on_commit(chunk_id)
    return job


def _qr_data_uri(payload: str) -> str:
    return segno.make(payload, error="m").svg_data_uri(scale=4, border=1)


def _carnets_context(carnets: list[Carnet], codes: dict[str, list[str]]) -> list[dict]:
    restrictions_by_order: dict[int, list[str]] = {}
    balance_url = settings.SITE_URL + reverse("cheques:balance")
    items = []
    for carnet in carnets:
        if carnet.order_id not in restrictions_by_order:
            restrictions_by_order[carnet.order_id] = restrictions_words(carnet.order)
        cheques = []
        for cheque in carnet.cheques.order_by("position"):
            code = next(
                (c for c in codes.get(cheque.number, []) if code_hash_raw(c.replace("-", "")) == cheque.code_hash),
                None,
            )
            if code is None:
                raise BusinessError(
                    _("Les codes du carnet %(number)s ne sont plus disponibles : il ne peut pas être imprimé.")
                    % {"number": carnet.number},
                    code="codes_unavailable",
                )
            cheques.append({"cheque": cheque, "code": code, "qr": _qr_data_uri(qr_payload(cheque.number, code))})
        items.append(
            {
                "carnet": carnet,
                "cheques": cheques,
                "restrictions": restrictions_by_order[carnet.order_id],
                "funder": carnet.order.funder,
                "balance_url": balance_url,
            }
        )
    return items


def carnets_render(carnets: list[Carnet], codes: dict[str, list[str]]) -> tuple[bytes, dict[str, list[int]]]:
    """The PDF of ``carnets`` and the pages of each (0-based, inclusive)."""
    html = render_to_string(
        "cheques/pdf/carnets.html",
        {"cooperative": settings.APTIC_COOPERATIVE, "items": _carnets_context(carnets, codes)},
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=local_url_fetcher()).render(
        stylesheets=[CSS(filename=str(PDF_STYLESHEET)), CSS(filename=str(CARNET_STYLESHEET))]
    )
    # A block's anchor is on every page it spans: a carnet runs from its first page to its last.
    pages: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("carnet-"):
                span = pages.setdefault(anchor.removeprefix("carnet-"), [index, index])
                span[1] = index
    return document.write_pdf(), pages


def _storage_free(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)


def print_chunk_render(*, chunk_id: int) -> PrintChunk:
    """Render one chunk to its PDF file. Safe to run twice: a done chunk is left as it is."""
    chunk = PrintChunk.objects.select_related("job", "job__order").get(pk=chunk_id)
    if chunk.status == PrintStatus.DONE:
        return chunk
    job = chunk.job
    carnets = Carnet.objects.filter(
        order=job.order, position__gte=chunk.first_position, position__lte=chunk.last_position
    )
    carnets = list(carnets.select_related("order", "order__funder").order_by("position"))
    codes = codes_unseal(order_id=job.order_id, first=chunk.first_position, last=chunk.last_position)
    pdf, pages = carnets_render(carnets, codes)
    name = f"carnets-{carnets[0].number}-{carnets[-1].number}.pdf"
    if chunk.file:
        chunk.file.delete(save=False)
    # A render killed before it was recorded left its file behind: replaced, not kept beside a second copy.
    _storage_free(chunk.file.field.generate_filename(chunk, name))
    chunk.file.save(name, ContentFile(pdf), save=False)
    pause_point("printing.chunk")  # fault tests kill the worker here, the file written but not recorded
    with transaction.atomic():
        done = (
            PrintChunk.objects.filter(pk=chunk.pk)
            .exclude(status=PrintStatus.DONE)
            .update(
                status=PrintStatus.DONE,
                file=chunk.file.name,
                sha256=hashlib.sha256(pdf).hexdigest(),
                pages=pages,
                rendered_at=timezone.now(),
            )
        )
        if done:
            PrintJob.objects.filter(pk=job.pk).update(chunks_done=F("chunks_done") + 1)
            job.refresh_from_db()
            if job.chunks_done == job.chunks_total:
                from cheques.tasks import print_job_finish_task

                print_job_finish_task.delay_on_commit(job.pk)
    chunk.refresh_from_db()
    return chunk


def print_job_finish(*, job_id: int) -> PrintJob:
    """All chunks rendered: write the ZIP (several files), forget the sealed codes, mark the job done."""
    job = PrintJob.objects.select_related("order").get(pk=job_id)
    if job.status == PrintStatus.DONE:
        return job
    chunks = list(job.chunks.order_by("index"))
    if any(chunk.status != PrintStatus.DONE for chunk in chunks):
        return job
    archive_name = ""
    archive_hash = ""
    if len(chunks) > 1:
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
                for chunk in chunks:
                    member = chunk.file.name.rsplit("/", 1)[-1]
                    with chunk.file.open("rb") as source, archive.open(member, "w") as target:
                        while block := source.read(1 << 20):
                            target.write(block)
            handle.seek(0)
            digest = hashlib.sha256()
            while block := handle.read(1 << 20):
                digest.update(block)
            handle.seek(0)
            archive_hash = digest.hexdigest()
            archive_name = f"cheques/print/order-{job.order_id}/job-{job.pk}/{job.order.reference}-carnets.zip"
            _storage_free(archive_name)  # left by a run killed before it was recorded
            archive_name = default_storage.save(archive_name, File(handle))
            pause_point("printing.archive")
    with transaction.atomic():
        PrintJob.objects.filter(pk=job.pk).exclude(status=PrintStatus.DONE).update(
            status=PrintStatus.DONE, archive=archive_name, archive_sha256=archive_hash, finished_at=timezone.now()
        )
    if job.carnet_id:
        codes_discard(order_id=job.order_id, first=job.carnet.position, last=job.carnet.position)
    else:
        codes_discard(order_id=job.order_id, first=1, last=job.order.carnet_count)
    job.refresh_from_db()
    return job


def carnet_pdf(*, carnet: Carnet) -> bytes:
    """One carnet's pages, cut out of the file it was printed in (for a reprint)."""
    chunk = (
        PrintChunk.objects.filter(
            job__order=carnet.order_id,
            first_position__lte=carnet.position,
            last_position__gte=carnet.position,
            status=PrintStatus.DONE,
        )
        .order_by("-job__created_at")
        .first()
    )
    if chunk is None or carnet.number not in chunk.pages:
        raise BusinessError(_("Ce carnet n'est pas encore imprimé : réessayez dans un instant."), code="not_printed")
    first, last = chunk.pages[carnet.number]
    with chunk.file.open("rb") as source:
        reader = PdfReader(source)
        writer = PdfWriter()
        for index in range(first, last + 1):
            writer.add_page(reader.pages[index])
        output = io.BytesIO()
        writer.write(output)
    return output.getvalue()
