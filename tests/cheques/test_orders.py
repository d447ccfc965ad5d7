import datetime

import pytest
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import AuditEvent
from aptic.errors import BusinessError
from cheques.enums import InvoiceKind, OrderStatus
from cheques.models import FeeRates, Invoice, Order, OrderTransition
from cheques.services import orders
from cheques.services.common import AlreadyDone
from ledger.enums import AccountCode as A
from ledger.services import account_balance, journal_is_balanced
from tests.factories import OrderFactory, member, order_through, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def next_year_end():
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def test_a_funder_creates_an_order_with_its_restrictions():
    buyer = member(OrganisationKind.COMMANDITAIRE)
    funder = buyer.memberships.get().organisation
    from territories.models import Commune, Departement

    order = orders.order_create(
        funder=funder,
        quantity=100,
        carnet_size=10,
        valid_until=next_year_end(),
        communes=[Commune.objects.get(code="15001")],
        departements=[Departement.objects.get(code="63")],
        by=buyer,
    )
    assert order.status == OrderStatus.DRAFT and order.carnet_count == 10
    assert list(order.communes.values_list("code", flat=True)) == ["15001"]
    assert AuditEvent.objects.filter(action="cheques.order.created", target_id=str(order.pk)).exists()


@pytest.mark.parametrize(
    ("quantity", "size", "days", "code"),
    [
        (105, 10, 400, "invalid_quantity"),  # not whole carnets
        (0, 10, 400, "invalid_quantity"),
        (100, 51, 400, "invalid_carnet_size"),
        (100, 10, 5, "invalid_validity"),  # too short to be used
        (100, 10, 365 * 7, "invalid_validity"),
    ],
)
def test_an_order_the_cooperative_cannot_issue_is_refused_with_a_reason(quantity, size, days, code):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    with pytest.raises(BusinessError) as error:
        orders.order_create(
            funder=buyer.memberships.get().organisation,
            quantity=quantity,
            carnet_size=size,
            valid_until=timezone.localdate() + datetime.timedelta(days=days),
            by=buyer,
        )
    assert error.value.code == code
    assert not Order.objects.exists()


def test_only_a_funder_orders():
    distributeur = member(OrganisationKind.DISTRIBUTEUR)
    with pytest.raises(BusinessError, match="Seul un commanditaire"):
        orders.order_create(
            funder=distributeur.memberships.get().organisation,
            quantity=10,
            carnet_size=10,
            valid_until=next_year_end(),
            by=distributeur,
        )


def test_confirming_copies_the_rates_numbers_the_invoice_and_posts_it():
    order = order_through(OrderStatus.CONFIRMED, quantity=1000, carnet_size=10)
    assert order.face_value == 1000 and order.upstream_fee_bp == 400 and order.vat_bp == 2000
    assert (order.face_value_total, order.upstream_fee_ht, order.vat, order.total_ttc) == (
        1_000_000,
        40_000,
        8_000,
        1_048_000,
    )
    invoice = order.invoices.get(kind=InvoiceKind.INVOICE)
    year = timezone.localdate().year
    assert invoice.number == f"FA-{year}-00001" and invoice.total_ttc == 1_048_000
    assert invoice.buyer["name"] == order.funder.name and invoice.seller["siren"]
    assert order.transfer_reference.startswith("APTIC-")
    funder = order.funder
    assert account_balance(A.FUNDER_RECEIVABLE, party=funder) == 1_048_000
    assert account_balance(A.ORDERS_TO_ISSUE, party=funder) == 1_000_000
    assert account_balance(A.UPSTREAM_FEE_REVENUE) == 40_000
    assert account_balance(A.VAT_COLLECTED) == 8_000
    assert journal_is_balanced()
    assert list(order.transitions.values_list("from_status", "to_status")) == [
        ("draft", "quoted"),
        ("quoted", "confirmed"),
    ]


def test_a_confirmed_order_keeps_its_rates_when_new_ones_come_into_force():
    order = order_through(OrderStatus.CONFIRMED, quantity=10, carnet_size=10)
    FeeRates.objects.create(valid_from=timezone.localdate(), face_value=1000, upstream_fee_bp=500, vat_bp=2000)
    assert orders.price_for(10).upstream_fee_ht == 500
    order.refresh_from_db()
    assert orders.order_price_now(order).upstream_fee_ht == 400


def test_invoice_numbers_are_consecutive_per_year():
    numbers = [order_through(OrderStatus.CONFIRMED).invoices.get().number for _ in range(3)]
    year = timezone.localdate().year
    assert numbers == [f"FA-{year}-00001", f"FA-{year}-00002", f"FA-{year}-00003"]


def test_confirming_twice_says_already_done_and_changes_nothing():
    order = order_through(OrderStatus.CONFIRMED)
    with pytest.raises(AlreadyDone, match="Déjà effectué"):
        orders.order_confirm(order=order, by=order.created_by)
    assert Invoice.objects.count() == 1


def test_a_draft_must_be_quoted_before_it_is_confirmed():
    order = OrderFactory()
    with pytest.raises(BusinessError, match="devis"):
        orders.order_confirm(order=order, by=order.created_by)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_editing_a_quoted_order_sends_it_back_to_draft():
    order = order_through(OrderStatus.QUOTED)
    orders.order_update(order=order, quantity=30, carnet_size=10, valid_until=next_year_end(), by=order.created_by)
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and order.quantity == 30
    assert order.transitions.last().reason == "Commande modifiée après le devis"


def test_a_confirmed_order_can_no_longer_be_edited():
    order = order_through(OrderStatus.CONFIRMED)
    with pytest.raises(BusinessError, match="ne se modifie plus"):
        orders.order_update(order=order, quantity=30, carnet_size=10, valid_until=next_year_end(), by=order.created_by)


def test_cancelling_before_the_invoice_writes_no_money():
    order = order_through(OrderStatus.QUOTED)
    orders.order_cancel(order=order, by=order.created_by, reason="erreur")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and not order.invoices.exists()
    assert OrderTransition.objects.filter(order=order, to_status="cancelled", reason="erreur").exists()
    with pytest.raises(AlreadyDone):
        orders.order_cancel(order=order, by=order.created_by)


def test_cancelling_after_the_invoice_issues_a_credit_note_that_reverses_it():
    order = order_through(OrderStatus.CONFIRMED, quantity=100)
    orders.order_cancel(order=order, by=order.created_by)
    note = order.invoices.get(kind=InvoiceKind.CREDIT_NOTE)
    invoice = order.invoices.get(kind=InvoiceKind.INVOICE)
    assert note.corrects == invoice and note.total_ttc == invoice.total_ttc
    assert note.number == f"AV-{timezone.localdate().year}-00001"
    for account in (A.FUNDER_RECEIVABLE, A.ORDERS_TO_ISSUE, A.UPSTREAM_FEE_REVENUE, A.VAT_COLLECTED):
        assert account_balance(account) == 0
    assert journal_is_balanced()


def test_a_paid_order_cannot_be_cancelled():
    order = order_through(OrderStatus.PAID)
    with pytest.raises(BusinessError, match="payée"):
        orders.order_cancel(order=order, by=order.created_by)


def test_recording_the_transfer_posts_to_the_bank_and_is_idempotent():
    order = order_through(OrderStatus.CONFIRMED, quantity=100)
    finance = staff_user("finance")
    typed = order.transfer_reference.replace("-", " ").lower()
    orders.order_payment_record(
        transfer_reference=typed, amount=order.total_ttc, received_on=timezone.localdate(), by=finance
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.payment.amount == order.total_ttc
    assert account_balance(A.BANK) == order.total_ttc
    assert account_balance(A.FUNDER_RECEIVABLE, party=order.funder) == 0
    with pytest.raises(AlreadyDone, match="Déjà effectué"):
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=finance,
        )
    assert account_balance(A.BANK) == order.total_ttc


@pytest.mark.parametrize(
    ("reference", "delta", "code"),
    [("APTIC-0000000-00", 0, "invalid_reference"), (None, 1, "amount_mismatch"), (None, -100, "amount_mismatch")],
)
def test_a_wrong_reference_or_amount_records_nothing(reference, delta, code):
    order = order_through(OrderStatus.CONFIRMED)
    with pytest.raises(BusinessError) as error:
        orders.order_payment_record(
            transfer_reference=reference or order.transfer_reference,
            amount=order.total_ttc + delta,
            received_on=timezone.localdate(),
            by=staff_user("finance"),
        )
    assert error.value.code == code
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and account_balance(A.BANK) == 0


def test_a_transfer_for_a_cancelled_order_is_refused():
    order = order_through(OrderStatus.CONFIRMED)
    orders.order_cancel(order=order, by=order.created_by)
    with pytest.raises(BusinessError, match="Remboursez"):
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=staff_user("finance"),
        )


def test_recording_the_transfer_starts_issuance_after_commit(django_capture_on_commit_callbacks):
    order = order_through(OrderStatus.CONFIRMED, quantity=20)
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=staff_user("finance"),
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.cheques.count() == 20


def test_members_who_are_not_admins_cannot_confirm(client):
    admin = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.QUOTED, by=admin)
    colleague = member(OrganisationKind.COMMANDITAIRE, MembershipRole.MEMBER, organisation=order.funder)
    client.force_login(colleague)
    assert client.post(f"/espace/commandes/{order.pk}/confirmer/").status_code == 403
