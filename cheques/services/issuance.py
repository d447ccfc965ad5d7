"""Issuance: the carnets and cheques of a paid order, created in resumable chunks.

Each chunk is one database transaction: it creates its carnets and cheques (COPY on PostgreSQL), seals
their clear codes for printing, advances the order's progress and posts the face value of its cheques
to the ledger (orders to issue → cheques outstanding). A crash loses at most the chunk in flight; the task
run again continues where the last committed chunk stopped.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from aptic.errors import BusinessError
from aptic.faults import pause_point
from cheques import codes as cheque_codes
from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus
from cheques.models import Carnet, Cheque, Order
from cheques.services.common import counter_reserve
from cheques.services.orders import _transition
from cheques.services.sealing import codes_seal
from ledger.enums import AccountCode as A
from ledger.services import credit, debit, transaction_post

CARNET_COUNTER = "carnet"

CodeSink = Callable[[list[tuple[str, str]]], None]

_CARNET_COLUMNS = [
    "order_id",
    "funder_id",
    "number",
    "position",
    "size",
    "face_value",
    "valid_until",
    "status",
    "block_reason",
    "created_at",
]
_CHEQUE_COLUMNS = [
    "carnet_id",
    "order_id",
    "funder_id",
    "number",
    "position",
    "code_hash",
    "face_value",
    "valid_until",
    "status",
]


def _copy(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, one multi-row INSERT per batch elsewhere."""
    if not rows:
        return
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch = max(1, 30_000 // len(columns))
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(part))}",
                [value for row in part for value in row],
            )


def carnets_create(
    *,
    order: Order,
    first: int,
    last: int,
    first_sequence: int,
    size: int,
    face_value: int,
    valid_until,
) -> list[tuple[str, str]]:
    """Create carnets ``first``…``last`` of ``order`` (positions) and their cheques; returns the clear
    ``(cheque number, code)`` pairs, which exist nowhere else."""
    now = timezone.now()
    carnet_rows = []
    for position in range(first, last + 1):
        number = cheque_codes.carnet_number(first_sequence + position - first)
        carnet_rows.append(
            (
                order.pk,
                order.funder_id,
                number,
                position,
                size,
                face_value,
                valid_until,
                CarnetStatus.ISSUED.value,
                "",
                now,
            )
        )
    _copy(Carnet._meta.db_table, _CARNET_COLUMNS, carnet_rows)
    carnets = Carnet.objects.filter(order=order, position__gte=first, position__lte=last).values_list("pk", "number")
    pairs: list[tuple[str, str]] = []
    cheque_rows = []
    hash_raw = cheque_codes.code_hash_raw
    for carnet_id, carnet_number in carnets:
        for position in range(1, size + 1):
            code = cheque_codes.code_generate()
            number = cheque_codes.cheque_number(carnet_number, position)
            pairs.append((number, code))
            cheque_rows.append(
                (
                    carnet_id,
                    order.pk,
                    order.funder_id,
                    number,
                    position,
                    hash_raw(code.replace("-", "")),
                    face_value,
                    valid_until,
                    ChequeStatus.ISSUED.value,
                )
            )
    _copy(Cheque._meta.db_table, _CHEQUE_COLUMNS, cheque_rows)
    return pairs


def order_issue(
    *,
    order_id: int,
    by: User | None = None,
    chunk_cheques: int | None = None,
    code_sink: CodeSink | None = None,
) -> Order:
    """paid → issued, in chunks of ``chunk_cheques`` (setting ``ISSUANCE_CHUNK_CHEQUES``). Safe to run twice or
    concurrently (the order row is locked per chunk); resumes."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == OrderStatus.ISSUED:
            return order
        if order.status != OrderStatus.PAID:
            raise BusinessError(_("Seule une commande payée peut être émise."), code="invalid_transition")
        if order.first_carnet_sequence is None:
            order.first_carnet_sequence = counter_reserve(CARNET_COUNTER, order.carnet_count) + (
                cheque_codes.CARNET_SEQUENCE_START
            )
            order.save(update_fields=["first_carnet_sequence"])
    per_chunk = max(1, (chunk_cheques or settings.ISSUANCE_CHUNK_CHEQUES) // order.carnet_size)
    while True:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.carnets_created >= order.carnet_count:
                break
            first = order.carnets_created + 1
            last = min(order.carnets_created + per_chunk, order.carnet_count)
            pairs = carnets_create(
                order=order,
                first=first,
                last=last,
                first_sequence=order.first_carnet_sequence + first - 1,
                size=order.carnet_size,
                face_value=order.face_value,
                valid_until=order.valid_until,
            )
            codes_seal(order_id=order.pk, first=first, last=last, codes=dict(pairs))
            pause_point("issuance.chunk")  # fault tests kill the worker here, the chunk half done
            Order.objects.filter(pk=order.pk).update(carnets_created=last, cheques_issued=last * order.carnet_size)
            amount = len(pairs) * order.face_value
            transaction_post(
                kind="cheques.issued",
                reference=order.reference,
                memo=_("Carnets %(first)s à %(last)s") % {"first": first, "last": last},
                by=by,
                idempotency_key=f"order:{order.pk}:issued:{first}-{last}",
                entries=[debit(A.ORDERS_TO_ISSUE, amount, order.funder), credit(A.CHEQUES_OUTSTANDING, amount)],
            )
            if code_sink is not None:
                code_sink(pairs)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == OrderStatus.PAID:
            _transition(order, OrderStatus.ISSUED, by=by)
            order.issued_at = timezone.now()
            order.save(update_fields=["status", "issued_at"])
            audit_record(
                action="cheques.order.issued",
                actor=by,
                organisation=order.funder,
                target=order,
                data={"cheques": order.cheques_issued, "carnets": order.carnets_created},
            )
            from cheques.tasks import print_job_start_task

            print_job_start_task.delay_on_commit(order.pk)
    return order
