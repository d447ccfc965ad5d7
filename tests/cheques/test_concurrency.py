"""Real concurrent transactions on PostgreSQL: one payment per order, gapless invoice numbers."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from aptic.errors import BusinessError
from cheques.enums import OrderStatus
from cheques.models import Invoice, Payment
from cheques.services import orders
from cheques.services.common import AlreadyDone
from ledger.enums import AccountCode as A
from ledger.models import Transaction
from ledger.services import account_balance, journal_is_balanced
from tests.factories import order_through, staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(functions):
    """Start ``functions`` in threads at the same moment; returns what each returned or raised."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_transfer_recorded_twice_at_once_is_posted_once():
    order = order_through(OrderStatus.CONFIRMED, quantity=20)
    finance = staff_user("finance")

    def record():
        return orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=finance,
        )

    results = run_together([record] * 4)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(r, AlreadyDone) for r in results if isinstance(r, Exception))
    assert Payment.objects.count() == 1
    assert Transaction.objects.filter(kind="order.paid").count() == 1
    assert account_balance(A.BANK) == order.total_ttc
    assert journal_is_balanced()


def test_invoice_numbers_stay_gapless_under_concurrent_confirmations():
    quoted = [order_through(OrderStatus.QUOTED) for _ in range(6)]

    def confirm(order):
        return lambda: orders.order_confirm(order=order, by=order.created_by)

    results = run_together([confirm(order) for order in quoted])
    assert not [r for r in results if isinstance(r, (Exception, BusinessError))]
    year = timezone.localdate().year
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [f"FA-{year}-{i:05d}" for i in range(1, 7)]
    assert connection.vendor == "postgresql"
