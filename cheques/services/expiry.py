"""Nightly expiry: cheques past their validity expire; their face value goes back to the funder (credit
note, ledger: cheques outstanding → funder credit). Fees are not refunded. Set-based and idempotent."""

import datetime

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_record
from aptic.money import format_eur
from cheques.enums import CarnetStatus, ChequeStatus, CreditNoteReason, InvoiceKind
from cheques.models import Carnet, Cheque, Invoice
from cheques.models.carnets import OUTSTANDING_CHEQUE_STATUSES
from cheques.services.invoices import invoice_create
from ledger.enums import AccountCode as A
from ledger.services import credit, debit, transaction_post


class _NothingToExpire(Exception):
    pass


def _expirable(today: datetime.date):
    """Cheques still owed and past validity. No join: the UPDATE keeps ``status`` in its own WHERE, so
    PostgreSQL re-checks it on a row a concurrent redemption has just changed."""
    replaced = Carnet.objects.filter(status=CarnetStatus.REPLACED).values("pk")
    return Cheque.objects.filter(status__in=OUTSTANDING_CHEQUE_STATUSES, valid_until__lt=today).exclude(
        status=ChequeStatus.BLOCKED, carnet_id__in=replaced
    )


def cheques_expire(*, today: datetime.date | None = None, by: User | None = None) -> list[Invoice]:
    """Expire every cheque whose last valid day is before ``today``; one credit note per funder."""
    today = today or timezone.localdate()
    notes = []
    funder_ids = list(_expirable(today).values_list("funder_id", flat=True).distinct().order_by("funder_id"))
    for funder in Organisation.objects.filter(pk__in=funder_ids).order_by("pk"):
        try:
            notes.append(_expire_for_funder(funder=funder, today=today, by=by))
        except _NothingToExpire:
            continue
    return notes


@transaction.atomic
def _expire_for_funder(*, funder: Organisation, today: datetime.date, by: User | None) -> Invoice:
    note = invoice_create(
        kind=InvoiceKind.CREDIT_NOTE,
        reason=CreditNoteReason.EXPIRY,
        funder=funder,
        lines=[],
        cheque_count=0,
        face_value_total=0,
        fee_ht=0,
        vat_bp=0,
        vat=0,
        by=by,
    )
    # The guarded, set-based update: a cheque redeemed meanwhile (status no longer issued) is left alone.
    expired = (
        _expirable(today)
        .filter(funder=funder)
        .update(status=ChequeStatus.EXPIRED, expiry_note=note, status_changed_at=timezone.now())
    )
    if not expired:
        transaction.set_rollback(True)  # gives the credit note number back: numbering stays gapless
        raise _NothingToExpire
    groups = (
        Cheque.objects.filter(expiry_note=note)
        .values("face_value", "valid_until")
        .annotate(n=Count("pk"), total=Sum("face_value"))
        .order_by("valid_until", "face_value")
    )
    lines = []
    for group in groups:
        lines.append(
            {
                "label": _("Chèques #APTIC expirés (valables jusqu'au %(date)s) — valeur faciale restituée")
                % {"date": group["valid_until"].strftime("%d/%m/%Y")},
                "quantity": group["n"],
                "unit": group["face_value"],
                "total": group["total"],
                "vat_bp": None,
            }
        )
    total = sum(line["total"] for line in lines)
    Invoice.objects.filter(pk=note.pk).update(
        lines=lines, cheque_count=expired, face_value_total=total, total_ht=total, total_ttc=total
    )
    transaction_post(
        kind="cheques.expired",
        reference=note.number,
        memo=_("%(count)s chèques expirés — %(amount)s") % {"count": expired, "amount": format_eur(total)},
        by=by,
        idempotency_key=f"credit-note:{note.pk}:expiry",
        entries=[debit(A.CHEQUES_OUTSTANDING, total), credit(A.FUNDER_CREDIT, total, funder)],
    )
    audit_record(
        action="cheques.cheques.expired",
        actor=by,
        organisation=funder,
        target=note,
        data={"cheques": expired, "amount": total},
    )
    note.refresh_from_db()
    return note
