"""Invoices and credit notes: gapless yearly numbers, a snapshot of identities and lines, a PDF."""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from aptic.money import format_rate
from aptic.pdf import render_pdf
from cheques.enums import CreditNoteReason, InvoiceKind
from cheques.models import Invoice, Order
from cheques.selectors import credited_invoices
from cheques.services.common import counter_reserve

SERIES = {InvoiceKind.INVOICE: "FA", InvoiceKind.CREDIT_NOTE: "AV"}
PAYMENT_TERM_DAYS = 30


def buyer_snapshot(funder: Organisation) -> dict:
    return {
        "name": funder.name,
        "address": funder.full_address,
        "siret": funder.siret,
        "siren": funder.siren,
        "vat_number": funder.vat_number,
        "legal_form": funder.get_legal_form_display() if funder.legal_form else "",
    }


def _number(kind: str, year: int) -> tuple[int, str]:
    series = SERIES[kind]
    sequence = counter_reserve(f"invoice:{series}:{year}")
    return sequence, f"{series}-{year}-{sequence:05d}"


def invoice_create(
    *,
    kind: str,
    funder: Organisation,
    lines: list[dict],
    cheque_count: int,
    face_value_total: int,
    fee_ht: int,
    vat_bp: int,
    vat: int,
    order: Order | None = None,
    corrects: Invoice | None = None,
    reason: str = "",
    by: User | None = None,
) -> Invoice:
    """Number and store an invoice or credit note (inside the caller's transaction), then render its PDF
    once the transaction commits."""
    issued_on = timezone.localdate()
    sequence, number = _number(kind, issued_on.year)
    invoice = Invoice.objects.create(
        kind=kind,
        reason=reason,
        number=number,
        year=issued_on.year,
        sequence=sequence,
        funder=funder,
        order=order,
        corrects=corrects,
        issued_on=issued_on,
        due_on=issued_on + datetime.timedelta(days=PAYMENT_TERM_DAYS) if kind == InvoiceKind.INVOICE else None,
        seller=dict(settings.APTIC_COOPERATIVE),
        buyer=buyer_snapshot(funder),
        lines=lines,
        cheque_count=cheque_count,
        face_value_total=face_value_total,
        fee_ht=fee_ht,
        vat_bp=vat_bp,
        vat=vat,
        total_ht=face_value_total + fee_ht,
        total_ttc=face_value_total + fee_ht + vat,
        transfer_reference=order.transfer_reference or "" if order else "",
        purchase_reference=order.purchase_reference if order else "",
        created_by=by,
    )
    from cheques.tasks import invoice_render_task

    invoice_render_task.delay_on_commit(invoice.pk)
    return invoice


def order_invoice_lines(order: Order) -> list[dict]:
    return [
        {
            "label": _("Chèques #APTIC — valeur faciale (bon à usages multiples, hors champ de la TVA)"),
            "quantity": order.quantity,
            "unit": order.face_value,
            "total": order.face_value_total,
            "vat_bp": None,
        },
        {
            "label": _("Frais contributifs amont (%(rate)s de la valeur faciale)")
            % {"rate": format_rate(order.upstream_fee_bp)},
            "quantity": 1,
            "unit": order.upstream_fee_ht,
            "total": order.upstream_fee_ht,
            "vat_bp": order.vat_bp,
        },
    ]


def order_invoice_create(*, order: Order, by: User | None) -> Invoice:
    return invoice_create(
        kind=InvoiceKind.INVOICE,
        funder=order.funder,
        order=order,
        lines=order_invoice_lines(order),
        cheque_count=order.quantity,
        face_value_total=order.face_value_total,
        fee_ht=order.upstream_fee_ht,
        vat_bp=order.vat_bp,
        vat=order.vat,
        by=by,
    )


def order_credit_note_create(*, order: Order, invoice: Invoice, by: User | None) -> Invoice:
    """The credit note that cancels ``invoice`` in full (an order cancelled before payment)."""
    return invoice_create(
        kind=InvoiceKind.CREDIT_NOTE,
        reason=CreditNoteReason.CANCELLATION,
        funder=order.funder,
        order=order,
        corrects=invoice,
        lines=invoice.lines,
        cheque_count=invoice.cheque_count,
        face_value_total=invoice.face_value_total,
        fee_ht=invoice.fee_ht,
        vat_bp=invoice.vat_bp,
        vat=invoice.vat,
        by=by,
    )


def invoice_render(*, invoice: Invoice) -> Invoice:
    """(Re)build the PDF of ``invoice`` from its snapshot; records the file's SHA-256. Idempotent."""
    pdf = render_pdf("cheques/pdf/invoice.html", {"invoice": invoice, "credited": credited_invoices(invoice)})
    if invoice.pdf:
        invoice.pdf.delete(save=False)
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
    invoice.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name, pdf_sha256=invoice.pdf_sha256)
    return invoice
