"""Redis (the broker) killed and restarted while work is under way: the work completes once it is back, nothing
lost, nothing doubled. The test starts its own redis-server (append-only file) on a free port and points the
worker and this process at it; the shared Redis is never touched."""

import datetime
import email
import time
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from accounts.enums import MembershipRole
from cheques.enums import OrderStatus, PrintStatus
from cheques.models import Order
from cheques.services import orders
from settlement.enums import PayoutStatus
from settlement.models import Payout
from settlement.services import runs
from tests.factories import member, order_through, staff_user
from tests.faults.outcomes import issued_once, printed_once
from tests.settlement.helpers import OCTOBER, redeemed, verified_account
from tests.workers import Pause, RedisProcess, WorkerProcess, app_sends_to, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CHUNKS = {"ISSUANCE_CHUNK_CHEQUES": "10", "PRINT_CHUNK_CHEQUES": "20"}
# Redis stays down this long after the work that queues the next task has ended: longer than a publisher's
# retries (Celery's default policy gives up after well under a second).
OUTAGE_AFTER_THE_WORK = 5


@pytest.fixture
def broker(tmp_path):
    server = RedisProcess(tmp_path / "redis").start()
    yield server
    server.kill()


def _printed(order: Order) -> bool:
    job = order.print_jobs.filter(carnet__isnull=True).first()
    return job is not None and job.status == PrintStatus.DONE


def test_redis_down_while_issuance_ends_then_back_the_order_is_issued_and_printed_once(tmp_path, files, queue, broker):
    order = order_through(OrderStatus.CONFIRMED, quantity=40, carnet_size=5)
    pause = Pause(tmp_path, "issuance.chunk#2")
    worker = WorkerProcess(
        broker_url=broker.url(), queue=queue, directory=tmp_path, files=files, **CHUNKS, **pause.environment
    ).start()
    try:
        with app_sends_to(broker.url(), queue):
            orders.order_payment_record(
                transfer_reference=order.transfer_reference,
                amount=order.total_ttc,
                received_on=timezone.localdate(),
                by=staff_user("finance"),
            )
        pause.reached()
        broker.kill()
        pause.release()  # issuance needs only the database: it ends while Redis is down, and queues printing
        wait_until(
            lambda: Order.objects.get(pk=order.pk).status == OrderStatus.ISSUED, timeout=60, what="issuance to end"
        )
        time.sleep(OUTAGE_AFTER_THE_WORK)
        broker.start()
        wait_until(lambda: _printed(order), timeout=90, what="printing, once Redis is back")
    except BaseException:
        print(worker.output())
        raise
    finally:
        worker.stop()
    issued_once(order)
    printed_once(order)


def _sent(mails) -> Counter:
    """Messages the worker's file e-mail backend wrote, by recipient."""
    recipients = Counter()
    for path in mails.iterdir():
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = email.message_from_string(raw.strip())
                recipients.update(address.strip() for address in message["To"].split(","))
    return recipients


def test_redis_down_between_two_payouts_emails_then_back_every_structure_gets_its_documents_once(
    tmp_path, files, queue, broker
):
    structures = [redeemed(counts)[0].structure for counts in ([1, 2], [1], [3])]
    admins = {}
    for structure in structures:
        verified_account(structure)
        admins[structure.pk] = member(organisation=structure, role=MembershipRole.ADMIN).email
    mails = tmp_path / "mails"
    mails.mkdir()
    pause = Pause(tmp_path, "settlement.documents#2")
    worker = WorkerProcess(
        broker_url=broker.url(),
        queue=queue,
        directory=tmp_path,
        files=files,
        EMAIL_URL=f"filemail:///{mails}",  # an absolute path: four slashes
        **pause.environment,
    ).start()
    payouts = Payout.objects.filter(period=OCTOBER, status=PayoutStatus.PENDING)
    try:
        with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True), app_sends_to(broker.url(), queue):
            runs.settlement_compute(period=OCTOBER)  # one documents task per payout, queued in Redis
        pause.reached()
        broker.kill()
        pause.release()  # the second payout's e-mail goes while Redis is down; the third waits in Redis
        wait_until(
            lambda: payouts.filter(documents_sent_at__isnull=False).count() == 2, timeout=60, what="the second e-mail"
        )
        time.sleep(OUTAGE_AFTER_THE_WORK)
        broker.start()
        wait_until(
            lambda: payouts.count() == 3 and not payouts.filter(documents_sent_at__isnull=True).exists(),
            timeout=90,
            what="every payout's documents to be sent",
        )
    except BaseException:
        print(worker.output())
        raise
    finally:
        worker.stop()
    assert _sent(mails) == Counter(admins.values())  # each structure's admin, once
    assert all(payout.statement and payout.fee_invoice for payout in payouts)
