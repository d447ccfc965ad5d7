"""A Celery worker process SIGKILLed in the middle of issuance or printing: the task comes back (``acks_late`` and
``reject_on_worker_lost``) to a new worker process, which ends the work with nothing lost and nothing doubled."""

import pytest
from django.conf import settings
from django.utils import timezone

from cheques.enums import OrderStatus, PrintStatus
from cheques.models import Cheque, Order
from cheques.services import orders
from tests.factories import order_through, staff_user
from tests.faults.outcomes import issued_once, printed_once
from tests.workers import Pause, WorkerProcess, app_sends_to, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# 8 carnets of 5: issued 10 cheques per transaction (4 chunks), printed 20 cheques per PDF file (2 files).
CHUNKS = {"ISSUANCE_CHUNK_CHEQUES": "10", "PRINT_CHUNK_CHEQUES": "20"}


def _paid_through_redis(order: Order, queue: str) -> None:
    """Finance records the transfer: after commit, issuance is queued in Redis for the worker."""
    with app_sends_to(settings.REDIS_URL, queue):
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            by=staff_user("finance"),
        )


def _printed(order: Order) -> bool:
    job = order.print_jobs.filter(carnet__isnull=True).first()
    return job is not None and job.status == PrintStatus.DONE


def _run(tmp_path, files, queue, point: str, *, while_paused=None) -> tuple[Order, WorkerProcess, int]:
    order = order_through(OrderStatus.CONFIRMED, quantity=40, carnet_size=5)
    pause = Pause(tmp_path, point)
    worker = WorkerProcess(
        broker_url=settings.REDIS_URL, queue=queue, directory=tmp_path, files=files, **CHUNKS, **pause.environment
    ).start()
    try:
        _paid_through_redis(order, queue)
        pause.reached()
        if while_paused:
            while_paused(order)
        killed = pause.kill()
        wait_until(lambda: _printed(order), timeout=90, what="the order to be issued and printed after the kill")
    except BaseException:
        print(worker.output())
        raise
    finally:
        worker.stop()
    return order, worker, killed


def test_a_worker_killed_in_the_middle_of_an_issuance_chunk_issues_each_cheque_once(tmp_path, files, queue):
    def one_chunk_committed_the_second_in_flight(order):
        assert Cheque.objects.filter(order=order).count() == 10

    order, worker, killed = _run(
        tmp_path, files, queue, "issuance.chunk#2", while_paused=one_chunk_committed_the_second_in_flight
    )
    assert "WorkerLostError" in worker.output()  # the pool process died; its task came back
    issued_once(order)
    printed_once(order)


@pytest.mark.parametrize("point", ["printing.chunk#2", "printing.archive#1"])
def test_a_worker_killed_in_the_middle_of_printing_prints_each_carnet_once(tmp_path, files, queue, point):
    """Killed with a PDF (or the ZIP) written but not yet recorded: the rerun replaces it, keeps no second copy."""
    order, worker, _killed = _run(tmp_path, files, queue, point)
    assert "WorkerLostError" in worker.output()
    issued_once(order)
    printed_once(order)
