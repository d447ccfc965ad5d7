import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from aptic.errors import BusinessError
from cheques import codes
from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus, PrintStatus
from cheques.models import Carnet, Cheque, PrintJob
from cheques.selectors import cheque_for_code, outstanding_value
from cheques.services import distribution
from cheques.services.expiry import cheques_expire
from cheques.services.issuance import order_issue
from cheques.services.printing import carnet_pdf, print_chunk_render, print_job_finish, print_job_start
from cheques.services.sealing import codes_seal, codes_unseal
from ledger.enums import AccountCode as A
from ledger.services import account_balance, journal_is_balanced
from tests.factories import member, order_through

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def issued(quantity=30, carnet_size=10, **kwargs):
    order = order_through(OrderStatus.PAID, quantity=quantity, carnet_size=carnet_size, **kwargs)
    sink = []
    order_issue(order_id=order.pk, chunk_cheques=10, code_sink=sink.extend)
    order.refresh_from_db()
    return order, dict(sink)


def test_issuance_creates_numbered_carnets_and_cheques_and_stores_only_hashes():
    order, clear = issued(quantity=30, carnet_size=10)
    assert order.status == OrderStatus.ISSUED and order.cheques_issued == 30 and order.carnets_created == 3
    carnets = list(order.carnets.order_by("position"))
    assert [c.size for c in carnets] == [10, 10, 10]
    assert all(codes.parse_number(c.number) == (c.number, None) for c in carnets)
    cheques = list(Cheque.objects.filter(order=order).order_by("number"))
    assert len(cheques) == 30 and set(clear) == {c.number for c in cheques}
    for cheque in cheques:
        assert cheque.code_hash == codes.code_hash(clear[cheque.number])
        assert cheque.status == ChequeStatus.ISSUED and cheque.valid_until == order.valid_until
    # No clear code anywhere in the cheques table.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cheques_cheque")
        dump = repr(cursor.fetchall())
    assert not any(code.replace("-", "") in dump or code in dump for code in clear.values())


def test_issuance_is_idempotent_and_resumes_where_it_stopped():
    order = order_through(OrderStatus.PAID, quantity=50, carnet_size=10)
    calls = []

    def crash_after_first_chunk(pairs):
        calls.append(len(pairs))
        if len(calls) == 1:
            raise RuntimeError("worker lost")

    with pytest.raises(RuntimeError):
        order_issue(order_id=order.pk, chunk_cheques=20, code_sink=crash_after_first_chunk)
    order.refresh_from_db()
    assert order.cheques_issued == 0 and not order.carnets.exists()  # the chunk in flight rolled back
    order_issue(order_id=order.pk, chunk_cheques=20)
    order_issue(order_id=order.pk, chunk_cheques=20)
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and Cheque.objects.filter(order=order).count() == 50
    assert account_balance(A.CHEQUES_OUTSTANDING) == 50 * 1000


def test_only_a_paid_order_is_issued():
    order = order_through(OrderStatus.CONFIRMED)
    with pytest.raises(BusinessError):
        order_issue(order_id=order.pk)


def test_the_ledger_from_order_to_expiry_is_balanced_and_matches_the_counts():
    order, clear = issued(quantity=40, carnet_size=10)
    funder = order.funder
    assert account_balance(A.ORDERS_TO_ISSUE, party=funder) == 0
    assert account_balance(A.CHEQUES_OUTSTANDING) == 40 * 1000 == outstanding_value()
    # Somebody spends two cheques (issue 6 will do it with its guarded update), one carnet is lost.
    Cheque.objects.filter(number__in=sorted(clear)[:2]).update(status=ChequeStatus.REDEEMED)
    lost = order.carnets.order_by("position")[1]
    distribution.carnet_block(carnet=lost, by=order.created_by, organisation=funder)
    replacement = distribution.carnet_replace(carnet=lost, by=order.created_by, organisation=funder)
    assert replacement.size == 10 and replacement.replaces == lost
    # Redemptions are issue 6's postings: the outstanding account still counts those two here.
    assert account_balance(A.CHEQUES_OUTSTANDING) == 40 * 1000
    assert outstanding_value() == 38 * 1000
    with time_machine.travel(order.valid_until + datetime.timedelta(days=1)):
        notes = cheques_expire()
        assert cheques_expire() == []  # the second run finds nothing
    assert len(notes) == 1
    note = notes[0]
    # 38 unspent: 28 in the carnets still valid + 10 replacement cheques; the blocked ones moved.
    assert note.cheque_count == 38 and note.total_ttc == 38 * 1000 and note.vat == 0
    assert note.number.startswith("AV-")
    assert account_balance(A.FUNDER_CREDIT, party=funder) == 38 * 1000
    assert account_balance(A.CHEQUES_OUTSTANDING) == 2 * 1000  # only the redeemed ones remain
    assert Cheque.objects.filter(status=ChequeStatus.EXPIRED).count() == 38
    assert Cheque.objects.filter(status=ChequeStatus.BLOCKED, carnet=lost).count() == 10
    assert account_balance(A.UPSTREAM_FEE_REVENUE) == 40 * 40  # fees are not refunded
    assert journal_is_balanced()


def test_expired_and_blocked_cheques_are_not_spendable_and_valid_codes_still_open_the_carnet():
    order, clear = issued(quantity=10, carnet_size=10)
    number = sorted(clear)[0]
    cheque = cheque_for_code(number=number.split("-")[0], code=clear[number])
    assert cheque.number == number and cheque.is_spendable
    distribution.carnet_block(carnet=cheque.carnet, by=order.created_by, organisation=order.funder)
    cheque.refresh_from_db()
    assert not cheque.is_spendable


def test_printing_renders_each_chunk_to_a_pdf_with_every_cheque_then_forgets_the_codes():
    order, clear = issued(quantity=40, carnet_size=10)
    # A stale sealed file (a chunk retried with other codes) must never reach the paper.
    stale = {number: codes.code_generate() for number in clear}
    codes_seal(order_id=order.pk, first=1, last=4, codes=stale)
    job = print_job_start(order=order, chunk_cheques=20)
    assert job.chunks_total == 2 and job.status == PrintStatus.RUNNING
    for chunk in job.chunks.all():
        print_chunk_render(chunk_id=chunk.pk)
        print_chunk_render(chunk_id=chunk.pk)  # twice: nothing changes
    job.refresh_from_db()
    assert job.chunks_done == 2
    print_job_finish(job_id=job.pk)
    job.refresh_from_db()
    assert job.is_done and job.archive.name.endswith(".zip")
    text = ""
    for chunk in job.chunks.all():
        with chunk.file.open("rb") as handle:
            text += "".join(page.extract_text() for page in PdfReader(handle).pages)
    for number, code in clear.items():
        assert number in text and code in text and stale[number] not in text
    assert order.funder.name in text
    assert codes_unseal(order_id=order.pk, first=1, last=4) == {}  # only the paper has them now
    # A reprint of one carnet is cut out of its chunk: its own cheques, no other carnet's.
    carnet = order.carnets.get(position=3)
    reprint = "".join(p.extract_text() for p in PdfReader(io.BytesIO(carnet_pdf(carnet=carnet))).pages)
    assert all(f"{carnet.number}-{i:02d}" in reprint for i in range(1, 11))
    assert order.carnets.get(position=2).number not in reprint


def test_a_replacement_carnet_gets_new_codes_and_its_own_pdf(django_capture_on_commit_callbacks):
    order, clear = issued(quantity=20, carnet_size=10)
    funder = order.funder
    lost = order.carnets.get(position=1)
    old_code = clear[f"{lost.number}-01"]
    distribution.carnet_block(carnet=lost, by=order.created_by, organisation=funder, reason="vol")
    with django_capture_on_commit_callbacks(execute=True):
        replacement = distribution.carnet_replace(carnet=lost, by=order.created_by, organisation=funder)
    job = PrintJob.objects.get(carnet=replacement)
    assert job.is_done and job.chunks.get().status == PrintStatus.DONE
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(carnet_pdf(carnet=replacement))).pages)
    assert f"{replacement.number}-01" in text and old_code not in text
    assert cheque_for_code(number=lost.number, code=old_code).status == ChequeStatus.BLOCKED
    with pytest.raises(BusinessError) as error:
        cheque_for_code(number=replacement.number, code=old_code)
    assert error.value.code == "wrong_code"
    lost.refresh_from_db()
    assert lost.status == CarnetStatus.REPLACED


def test_issuance_on_a_big_order_uses_chunks_and_posts_each_one():
    order = order_through(OrderStatus.PAID, quantity=500, carnet_size=5)
    order_issue(order_id=order.pk, chunk_cheques=100)
    order.refresh_from_db()
    assert order.carnets.count() == 100 and order.cheques.count() == 500
    from ledger.models import Transaction

    assert Transaction.objects.filter(kind="cheques.issued").count() == 5
    assert len(set(order.carnets.values_list("number", flat=True))) == 100


def test_two_orders_never_share_a_carnet_number():
    first, _ = issued(quantity=20)
    second, _ = issued(quantity=20, funder=member().memberships.get().organisation)
    numbers = list(Carnet.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 4
    assert timezone.now()


def test_expiry_runs_every_night_from_beat():
    from aptic.celery import app

    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert "cheques.tasks.cheques_expire_task" in entries


def test_the_expiry_task_expires_through_the_service():
    from cheques.tasks import cheques_expire_task

    order, _clear = issued(quantity=10, carnet_size=10)
    with time_machine.travel(order.valid_until + datetime.timedelta(days=1)):
        assert cheques_expire_task() == 1
        assert cheques_expire_task() == 0
    assert Cheque.objects.filter(status=ChequeStatus.EXPIRED).count() == 10
