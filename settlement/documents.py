"""The documents of a settlement: the SEPA file of a run, and per payout its statement and fee invoice (PDF)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import MembershipRole
from aptic.faults import pause_point
from aptic.pdf import render_pdf
from settlement.enums import PayoutStatus
from settlement.models import Payout, SettlementRun
from settlement.sepa import Debtor, Transfer, sepa_credit_transfer


def sepa_file_for(run: SettlementRun) -> bytes:
    """The pain.001 file of a run, built from the payouts' bank snapshot only (so rebuilding gives the same bytes)."""
    cooperative = settings.APTIC_COOPERATIVE
    payouts = run.payouts.filter(status__in=[PayoutStatus.PENDING, PayoutStatus.PAID], paid_amount__gt=0)
    transfers = [
        Transfer(
            name=payout.holder,
            iban=payout.iban,
            bic=payout.bic,
            amount=payout.paid_amount,
            end_to_end_id=payout.end_to_end_id,
            description=_("#APTIC contrepaiement %(month)s - releve %(number)s")
            % {"month": run.period.strftime("%m/%Y"), "number": payout.fee_invoice_number},
        )
        for payout in payouts.order_by("pk")
    ]
    return sepa_credit_transfer(
        message_id=f"APTIC-{run.period:%Y%m}-R{run.pk}",  # distinct from the payouts' end-to-end ids ("P")
        created_at=timezone.localtime(run.approved_at),
        execution_date=run.execution_date,
        debtor=Debtor(name=cooperative["name"], iban=cooperative["iban"], bic=cooperative["bic"]),
        transfers=transfers,
    )


def _context(payout: Payout) -> dict:
    return {
        "payout": payout,
        "structure": payout.structure,
        "lines": payout.lines.select_related("lieu__commune", "service").order_by("lieu__name", "service__label"),
        "redemptions": (
            payout.settled.select_related("redemption__lieu", "redemption__service").order_by(
                "redemption__validated_at"
            )
        ),
        "period_label": payout.period.strftime("%m/%Y"),
    }


def payout_documents(payout_id: int) -> None:
    """Render the statement and the fee invoice once, then e-mail them to the structure's admins once.

    Safe to run twice: stored documents are reused; sent documents are not sent again (a worker dying between
    sending and recording may send them twice, never zero times).
    """
    payout = Payout.objects.select_related("structure", "run").get(pk=payout_id)
    if payout.status == PayoutStatus.HELD:
        return
    if not payout.statement or not payout.fee_invoice:
        context = _context(payout)
        statement = render_pdf("settlement/pdf/statement.html", context)
        invoice = render_pdf("settlement/pdf/fee_invoice.html", context)
        with transaction.atomic():
            locked = Payout.objects.select_for_update().get(pk=payout_id)
            if not locked.statement:
                locked.statement.save(
                    f"settlement/{payout.period:%Y-%m}/releve-{payout.pk}.pdf", ContentFile(statement), save=False
                )
            if not locked.fee_invoice:
                locked.fee_invoice.save(
                    f"settlement/{payout.period:%Y-%m}/facture-{payout.fee_invoice_number}.pdf",
                    ContentFile(invoice),
                    save=False,
                )
            locked.save(update_fields=["statement", "fee_invoice"])
        payout.refresh_from_db()
    pause_point("settlement.documents")  # fault tests cut Redis here, between two payouts' e-mails
    if payout.documents_sent_at:
        return
    recipients = sorted(
        {
            membership.user.email
            for membership in payout.structure.memberships.filter(
                role=MembershipRole.ADMIN, user__is_active=True
            ).select_related("user")
        }
        | ({payout.structure.email} if payout.structure.email else set())
    )
    if recipients:
        body = render_to_string("settlement/emails/payout.txt", {"payout": payout, "site_url": settings.SITE_URL})
        message = EmailMessage(
            subject=_("[#APTIC] Votre contrepaiement de %(month)s") % {"month": payout.period.strftime("%m/%Y")},
            body=body,
            to=recipients,
        )
        for field, name in (
            (payout.statement, f"releve-{payout.period:%Y-%m}.pdf"),
            (payout.fee_invoice, f"facture-{payout.fee_invoice_number}.pdf"),
        ):
            with field.open("rb") as handle:
                message.attach(name, handle.read(), "application/pdf")
        message.send()
    Payout.objects.filter(pk=payout_id, documents_sent_at__isnull=True).update(documents_sent_at=timezone.now())
