import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from aptic.money import format_percent
from cheques.pricing import SEED_RATES, order_price, settlement_price_for
from ledger.enums import AccountCode as A
from ledger.models import AppendOnlyError, Leg, Transaction
from ledger.services import (
    UnbalancedTransaction,
    account_balance,
    credit,
    debit,
    journal_is_balanced,
    transaction_post,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_balanced_transaction_is_written_with_its_legs():
    funder = OrganisationFactory(commanditaire=True)
    txn = transaction_post(
        kind="order.paid",
        reference="order:1",
        entries=[debit(A.BANK, 1048), credit(A.FUNDER_RECEIVABLE, 1048, party=funder)],
    )
    assert sorted(txn.legs.values_list("amount", flat=True)) == [-1048, 1048]
    assert account_balance(A.BANK) == 1048
    assert account_balance(A.FUNDER_RECEIVABLE, party=funder) == -1048
    assert journal_is_balanced()


def test_an_unbalanced_transaction_is_refused_and_writes_nothing():
    with pytest.raises(UnbalancedTransaction):
        transaction_post(kind="x", reference="x", entries=[debit(A.BANK, 1000), credit(A.CHEQUES_OUTSTANDING, 999)])
    with pytest.raises(UnbalancedTransaction):
        transaction_post(kind="x", reference="x", entries=[debit(A.BANK, 0), credit(A.CHEQUES_OUTSTANDING, 0)])
    assert not Transaction.objects.exists()


def test_amounts_must_be_integer_cents():
    with pytest.raises(TypeError):
        debit(A.BANK, 10.40)


def test_posting_twice_with_the_same_key_writes_once():
    entries = [debit(A.CHEQUES_OUTSTANDING, 1000), credit(A.STRUCTURE_PAYABLE, 1000)]
    first = transaction_post(kind="redemption", reference="r:1", entries=entries, idempotency_key="redemption:1")
    second = transaction_post(kind="redemption", reference="r:1", entries=entries, idempotency_key="redemption:1")
    assert first.pk == second.pk
    assert account_balance(A.STRUCTURE_PAYABLE) == 1000


def test_the_balance_at_a_date_ignores_later_transactions():
    day = timezone.make_aware(datetime.datetime(2026, 3, 1, 12))
    transaction_post(
        kind="a", reference="a", occurred_at=day, entries=[debit(A.BANK, 500), credit(A.FUNDER_RECEIVABLE, 500)]
    )
    transaction_post(
        kind="b",
        reference="b",
        occurred_at=day + datetime.timedelta(days=10),
        entries=[debit(A.BANK, 700), credit(A.FUNDER_RECEIVABLE, 700)],
    )
    assert account_balance(A.BANK, at=day) == 500
    assert account_balance(A.BANK, at=day + datetime.timedelta(days=10)) == 1200
    assert account_balance(A.BANK, at=day - datetime.timedelta(seconds=1)) == 0


def test_the_orm_cannot_update_or_delete_the_journal():
    txn = transaction_post(kind="a", reference="a", entries=[debit(A.BANK, 1), credit(A.FUNDER_RECEIVABLE, 1)])
    leg = txn.legs.first()
    with pytest.raises(AppendOnlyError):
        leg.amount = 2
        leg.save()
    with pytest.raises(AppendOnlyError):
        Leg.objects.filter(pk=leg.pk).update(amount=5)
    with pytest.raises(AppendOnlyError):
        Leg.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        txn.delete()


def test_the_seed_ratios_come_out_of_the_ledger():
    """A funder buys 1 000 cheques, sites redeem them, the cooperative settles: 95,20 % and 91,54 %."""
    funder = OrganisationFactory(commanditaire=True)
    structure = OrganisationFactory(structure=True)
    order = order_price(quantity=1_000, rates=SEED_RATES)
    site = settlement_price_for(cheques=1_000, rates=SEED_RATES, mutations=False)

    transaction_post(
        kind="order.invoiced",
        reference="o",
        entries=[
            debit(A.FUNDER_RECEIVABLE, order.total_ttc, funder),
            credit(A.ORDERS_TO_ISSUE, order.face_value_total, funder),
            credit(A.UPSTREAM_FEE_REVENUE, order.upstream_fee_ht),
            credit(A.VAT_COLLECTED, order.vat),
        ],
    )
    transaction_post(
        kind="order.paid",
        reference="o",
        entries=[debit(A.BANK, order.total_ttc), credit(A.FUNDER_RECEIVABLE, order.total_ttc, funder)],
    )
    transaction_post(
        kind="cheques.issued",
        reference="o",
        entries=[
            debit(A.ORDERS_TO_ISSUE, order.face_value_total, funder),
            credit(A.CHEQUES_OUTSTANDING, order.face_value_total),
        ],
    )
    transaction_post(
        kind="redemption",
        reference="r",
        entries=[
            debit(A.CHEQUES_OUTSTANDING, site.face_value_total),
            credit(A.STRUCTURE_PAYABLE, site.face_value_total, structure),
        ],
    )
    transaction_post(
        kind="settlement.computed",
        reference="s",
        entries=[
            debit(A.STRUCTURE_PAYABLE, site.face_value_total, structure),
            credit(A.DOWNSTREAM_FEE_REVENUE, site.downstream_fee_ht),
            credit(A.VAT_COLLECTED, site.vat),
            credit(A.SETTLEMENT_CLEARING, site.paid, structure),
        ],
    )
    transaction_post(
        kind="settlement.paid",
        reference="s",
        entries=[debit(A.SETTLEMENT_CLEARING, site.paid, structure), credit(A.BANK, site.paid)],
    )

    paid_to_sites = -account_balance(A.BANK, kinds=["settlement.paid"])
    face_value_redeemed = -account_balance(A.CHEQUES_OUTSTANDING, kinds=["redemption"])
    funder_money_ht = account_balance(A.BANK, kinds=["order.paid"]) - account_balance(
        A.VAT_COLLECTED, kinds=["order.invoiced"]
    )
    assert format_percent(paid_to_sites, face_value_redeemed) == "95,20\u00a0%"
    assert format_percent(paid_to_sites, funder_money_ht) == "91,54\u00a0%"
    assert account_balance(A.CHEQUES_OUTSTANDING) == 0
    assert account_balance(A.STRUCTURE_PAYABLE, party=structure) == 0
    assert account_balance(A.SETTLEMENT_CLEARING) == 0
    assert journal_is_balanced()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_an_unbalanced_transaction():
    """Raw SQL, bypassing every Python check: the deferred trigger rejects the commit."""
    with pytest.raises(IntegrityError, match="unbalanced"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_transaction (kind, reference, memo, occurred_at, created_at) "
                "VALUES ('raw', 'raw', '', now(), now()) RETURNING id"
            )
            txn_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, 1000), (%s, %s, -999)",
                [txn_id, "bank", txn_id, "funder_receivable"],
            )
    assert not Transaction.objects.exists()

    # A balanced one goes through the same path.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_transaction (kind, reference, memo, occurred_at, created_at) "
            "VALUES ('raw', 'raw', '', now(), now()) RETURNING id"
        )
        txn_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, 1000), (%s, %s, -1000)",
            [txn_id, "bank", txn_id, "funder_receivable"],
        )
    assert Leg.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_updates_and_deletes_of_the_journal():
    txn = transaction_post(kind="a", reference="a", entries=[debit(A.BANK, 1), credit(A.FUNDER_RECEIVABLE, 1)])
    for statement in (
        "UPDATE ledger_leg SET amount = amount * 2",
        "DELETE FROM ledger_leg",
        "UPDATE ledger_transaction SET reference = 'changed'",
        "DELETE FROM ledger_transaction",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert sorted(Leg.objects.values_list("amount", flat=True)) == [-1, 1]
    assert Transaction.objects.get().reference == txn.reference


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_a_transaction_without_legs():
    with pytest.raises(IntegrityError, match="fewer than two legs"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_transaction (kind, reference, memo, occurred_at, created_at) "
                "VALUES ('raw', 'raw', '', now(), now())"
            )


def _raw_transaction(cursor) -> int:
    cursor.execute(
        "INSERT INTO ledger_transaction (kind, reference, memo, occurred_at, created_at, created_txid) "
        "VALUES ('raw', 'raw', '', now(), now(), txid_current() + 1000) RETURNING id"
    )
    return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_legs_appended_to_a_transaction_committed_earlier():
    """A balanced pair added later would pass the balance check: the transaction is sealed at its commit."""
    txn = transaction_post(kind="a", reference="a", entries=[debit(A.BANK, 100), credit(A.FUNDER_RECEIVABLE, 100)])
    with pytest.raises(IntegrityError, match="another database transaction"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, 5000), (%s, %s, -5000)",
                [txn.pk, "bank", txn.pk, "funder_receivable"],
            )
    assert account_balance(A.BANK) == 100

    # A forged stamp does not help: the database writes its own, so legs in the same transaction still pass.
    with transaction.atomic(), connection.cursor() as cursor:
        txn_id = _raw_transaction(cursor)
        cursor.execute(
            "INSERT INTO ledger_leg (transaction_id, account_id, amount) VALUES (%s, %s, 7), (%s, %s, -7)",
            [txn_id, "bank", txn_id, "funder_receivable"],
        )
    assert account_balance(A.BANK) == 107
    assert journal_is_balanced()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_truncate_the_journal():
    transaction_post(kind="a", reference="a", entries=[debit(A.BANK, 1), credit(A.FUNDER_RECEIVABLE, 1)])
    for statement in (
        "TRUNCATE ledger_leg",
        "TRUNCATE ledger_leg, ledger_transaction",
        "TRUNCATE accounts_organisation CASCADE",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert Leg.objects.count() == 2
