"""What a rerun must end with, whatever killed the first run: nothing lost, nothing doubled."""

from collections import Counter

from django.core.files.storage import default_storage

from cheques.enums import OrderStatus, PrintStatus
from cheques.models import Carnet, Cheque, Order
from cheques.services.printing import carnet_pdf
from cheques.services.sealing import sealed_dir
from ledger.enums import AccountCode as A
from ledger.models import Transaction
from ledger.services import account_balance, journal_is_balanced


def issued_once(order: Order) -> None:
    """Exactly the cheques ordered, each number once, and a ledger that says so."""
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    cheques = Cheque.objects.filter(order=order)
    assert cheques.count() == order.quantity == order.cheques_issued
    assert len(set(cheques.values_list("number", flat=True))) == order.quantity
    carnets = Carnet.objects.filter(order=order)
    assert sorted(carnets.values_list("position", flat=True)) == list(range(1, order.carnet_count + 1))
    assert all(
        Counter(carnet.cheques.values_list("position", flat=True)) == Counter(range(1, order.carnet_size + 1))
        for carnet in carnets
    )
    assert journal_is_balanced()
    issued = Transaction.objects.filter(kind="cheques.issued", reference=order.reference)
    assert sum(leg.amount for txn in issued for leg in txn.legs.all() if leg.account_id == A.CHEQUES_OUTSTANDING) == (
        -order.quantity * order.face_value
    )
    assert account_balance(A.CHEQUES_OUTSTANDING) == order.quantity * order.face_value
    assert account_balance(A.ORDERS_TO_ISSUE, party=order.funder) == 0


def printed_once(order: Order) -> None:
    """Every carnet in one PDF file, every file recorded once, nothing else left in the job's folder."""
    job = order.print_jobs.get(carnet__isnull=True)
    assert job.status == PrintStatus.DONE and job.chunks_done == job.chunks_total == job.chunks.count()
    chunks = list(job.chunks.order_by("index"))
    assert all(chunk.status == PrintStatus.DONE and chunk.file for chunk in chunks)
    printed = Counter(number for chunk in chunks for number in chunk.pages)
    assert printed == Counter(Carnet.objects.filter(order=order).values_list("number", flat=True))
    folder = f"cheques/print/order-{order.pk}/job-{job.pk}"
    on_disk = sorted(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
    expected = sorted([chunk.file.name for chunk in chunks] + ([job.archive.name] if job.archive else []))
    assert on_disk == expected, "a file of an interrupted run is left beside the one recorded"
    for carnet in Carnet.objects.filter(order=order):
        assert carnet_pdf(carnet=carnet).startswith(b"%PDF")
    assert not default_storage.exists(sealed_dir(order.pk)) or not default_storage.listdir(sealed_dir(order.pk))[1]
