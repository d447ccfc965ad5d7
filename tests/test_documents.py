"""What the cooperative's documents must say: its legal mentions (variable capital, RCS), one wording of the
late-payment penalties, and on a credit note the invoices it credits."""

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from cheques.enums import InvoiceKind, OrderStatus
from cheques.models import Invoice
from cheques.services.expiry import cheques_expire
from cheques.services.invoices import invoice_render
from cheques.services.orders import order_cancel
from settlement.documents import payout_documents
from settlement.models import Payout
from settlement.services import runs
from tests.factories import order_through
from tests.settlement.helpers import OCTOBER, redeemed, verified_account

pytestmark = pytest.mark.django_db

LATE_PAYMENT = (
    "Pas d'escompte pour paiement anticipé. En cas de retard de paiement : pénalités au taux d'intérêt appliqué "
    "par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points de "
    "pourcentage, et indemnité forfaitaire pour frais de recouvrement de 40 € (articles L441-10 et D441-5 du "
    "code de commerce)."
)


@pytest.fixture
def cooperative(settings):
    settings.APTIC_COOPERATIVE = {
        **settings.APTIC_COOPERATIVE,
        "legal_form": "SCIC SA à conseil d'administration",
        "capital": "à capital variable",
        "siren": "912345678",
        "rcs_city": "Clermont-Ferrand",
    }
    return settings.APTIC_COOPERATIVE


def pdf_text(content: bytes) -> str:
    """The text of a PDF, lines kept, no-break spaces read as spaces."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def flat(text: str) -> str:
    return " ".join(text.split())


def _invoice_pdf(invoice: Invoice) -> str:
    invoice = invoice_render(invoice=invoice)
    with invoice.pdf.open("rb") as handle:
        return pdf_text(handle.read())


def _documents(client) -> dict[str, str]:
    """Each kind of document the cooperative issues, as text."""
    quoted = order_through(OrderStatus.QUOTED)
    client.force_login(quoted.created_by)
    quote = client.get(reverse("cheques:order-quote-pdf", args=[quoted.pk]))
    confirmed = order_through(OrderStatus.CONFIRMED)
    invoice = Invoice.objects.get(order=confirmed)
    order_cancel(order=confirmed, by=confirmed.created_by, reason="Erreur de quantité")
    lieu, _redemptions = redeemed([1, 2])
    verified_account(lieu.structure)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True):
        runs.settlement_compute(period=OCTOBER)
    payout = Payout.objects.get(structure=lieu.structure)
    payout_documents(payout.pk)
    payout.refresh_from_db()
    with payout.statement.open("rb") as statement, payout.fee_invoice.open("rb") as fee_invoice:
        return {
            "devis": pdf_text(quote.content),
            "facture": _invoice_pdf(invoice),
            "avoir": _invoice_pdf(Invoice.objects.get(corrects=invoice)),
            "relevé": pdf_text(statement.read()),
            "facture des frais": pdf_text(fee_invoice.read()),
        }


def test_every_document_carries_the_legal_mentions_and_the_late_payment_terms(client, cooperative):
    for name, text in _documents(client).items():
        assert "SCIC SA à conseil d'administration à capital variable" in flat(text), name
        assert "RCS Clermont-Ferrand 912345678" in text, name  # on one line
        assert re.search(r"SIREN 912345678", text), name  # the number never wraps away from "SIREN"
        assert LATE_PAYMENT in flat(text), name
        assert "taux légal" not in text, name


def test_a_cancelled_order_s_credit_note_cites_its_invoice(cooperative):
    order = order_through(OrderStatus.CONFIRMED)
    invoice = Invoice.objects.get(order=order)
    order_cancel(order=order, by=order.created_by)
    text = flat(_invoice_pdf(Invoice.objects.get(corrects=invoice)))
    assert f"Avoir sur la facture : n° {invoice.number} du {invoice.issued_on:%d/%m/%Y}" in text


def test_an_expiry_credit_note_cites_every_invoice_whose_cheques_it_returns(cooperative):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10), tick=True):
        first = order_through(OrderStatus.ISSUED, valid_until=datetime.date(2027, 12, 31))
    second = order_through(OrderStatus.ISSUED, funder=first.funder, valid_until=datetime.date(2027, 12, 31))
    order_through(OrderStatus.ISSUED, valid_until=datetime.date(2027, 12, 31))  # another funder's
    with time_machine.travel(datetime.datetime(2028, 1, 2, 10), tick=True):
        notes = cheques_expire()
    note = next(note for note in notes if note.funder == first.funder)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE, order__in=[first, second]).order_by("issued_on")
    text = flat(_invoice_pdf(note))
    cited = ", ".join(f"n° {invoice.number} du {invoice.issued_on:%d/%m/%Y}" for invoice in invoices)
    assert f"Avoir sur les factures : {cited}" in text
    assert invoices[0].issued_on == datetime.date(2026, 3, 2)
