"""The full stack: a transfer recorded on PostgreSQL sends issuance and printing through Redis to a real
Celery worker, which issues the cheques and renders the carnet PDFs."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from aptic.celery import app as celery_app
from cheques.enums import OrderStatus, PrintStatus
from cheques.models import Cheque, Order
from cheques.services import orders
from tests.factories import order_through, staff_user

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_recorded_transfer_is_issued_and_printed_by_a_real_worker():
    order = order_through(OrderStatus.CONFIRMED, quantity=20, carnet_size=10)
    queue = f"test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, shutdown_timeout=30):
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
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_default_queue = "celery"
    assert order.status == OrderStatus.ISSUED
    assert Cheque.objects.filter(order=order).count() == 20
    chunk = order.print_jobs.get().chunks.get()
    assert chunk.status == PrintStatus.DONE and chunk.file.size > 0
