"""The full stack: a transfer recorded on PostgreSQL sends issuance and printing through Redis to a real
Celery worker, which issues the cheques and renders the carnet PDFs."""

import time

import pytest
from django.utils import timezone

from cheques.enums import OrderStatus, PrintStatus
from cheques.models import Cheque, Order
from cheques.services import orders
from tests.factories import order_through, staff_user
from tests.workers import worker_in_thread

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_recorded_transfer_is_issued_and_printed_by_a_real_worker():
    order = order_through(OrderStatus.CONFIRMED, quantity=20, carnet_size=10)
    with worker_in_thread():
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=staff_user("finance"),
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            order = Order.objects.get(pk=order.pk)
            job = order.print_jobs.first()
            if job is not None and job.status == PrintStatus.DONE:
                break
            time.sleep(0.5)
    assert order.status == OrderStatus.ISSUED
    assert Cheque.objects.filter(order=order).count() == 20
    chunk = order.print_jobs.get().chunks.get()
    assert chunk.status == PrintStatus.DONE and chunk.file.size > 0
