"""Issuance speed: N cheques (codes drawn, hashed, sealed; carnets; ledger) against a bare SQL insert.

Runs in a throw-away test database (``test_<name>``) created and dropped here, on whatever DATABASE_URL
points at (PostgreSQL in the full stack). The target (issue 5): 100 000 cheques in at most 15 s on a
2-core machine. The reference is the same-run time of inserting as many prebuilt rows into a bare table
(no index, no constraint) the fastest way the database allows (COPY on PostgreSQL).
"""

import datetime
import time

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import setup_test_environment, teardown_test_environment
from django.utils import timezone

TARGET_SECONDS = 15.0


def _paid_order(cheques: int, carnet_size: int):
    from accounts.enums import OrganisationKind
    from accounts.models import Membership, Organisation, User
    from cheques.services import orders

    user = User.objects.create_user("bench@exemple.test", "bench-password-2026")
    funder = Organisation.objects.create(kind=OrganisationKind.COMMANDITAIRE, name="Bench")
    Membership.objects.create(user=user, organisation=funder, role="admin")
    finance = User.objects.create_user("finance@exemple.test", "bench-password-2026", is_staff=True)
    order = orders.order_create(
        funder=funder,
        quantity=cheques,
        carnet_size=carnet_size,
        valid_until=datetime.date(timezone.localdate().year + 1, 12, 31),
        by=user,
    )
    orders.order_quote(order=order, by=user)
    order = orders.order_confirm(order=order, by=user)
    return orders.order_payment_record(
        transfer_reference=order.transfer_reference,
        amount=order.total_ttc,
        received_on=timezone.localdate(),
        by=finance,
    )


def _bare_insert(rows: list[tuple]) -> float:
    from cheques.services.issuance import _CHEQUE_COLUMNS, _copy

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare (carnet_id bigint, order_id bigint, funder_id bigint, number varchar(15), "
            "position smallint, code_hash varchar(64), face_value integer, valid_until date, status varchar(20))"
        )
    started = time.perf_counter()
    with transaction.atomic():
        _copy("bench_bare", _CHEQUE_COLUMNS, rows)
    return time.perf_counter() - started


def run(*, cheques: int, carnet_size: int) -> int:
    from cheques import tasks
    from cheques.models import Cheque
    from cheques.services.issuance import order_issue

    # Measure issuance alone: no task is sent to a broker, nothing is printed.
    tasks.order_issue_task.delay_on_commit = lambda *args, **kwargs: None
    tasks.print_job_start_task.delay_on_commit = lambda *args, **kwargs: None
    tasks.invoice_render_task.delay_on_commit = lambda *args, **kwargs: None
    settings.STORAGES["default"]["OPTIONS"]["location"] = settings.VAR_DIR / "bench-files"
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        order = _paid_order(cheques, carnet_size)
        started = time.perf_counter()
        order_issue(order_id=order.pk)
        issuance = time.perf_counter() - started
        rows = list(
            Cheque.objects.filter(order=order).values_list(
                "carnet_id",
                "order_id",
                "funder_id",
                "number",
                "position",
                "code_hash",
                "face_value",
                "valid_until",
                "status",
            )
        )
        bare = _bare_insert(rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    vendor = connection.vendor
    ratio = issuance / bare if bare else float("inf")
    print(f"database: {vendor}")
    print(
        f"issuance: {cheques} cheques in {cheques // carnet_size} carnets: {issuance:.2f} s "
        f"({cheques / issuance:,.0f} cheques/s)"
    )
    print(f"bare SQL insert of {len(rows)} rows: {bare:.2f} s")
    print(f"ratio issuance / bare insert: {ratio:.1f}")
    ok = issuance <= TARGET_SECONDS * cheques / 100_000
    print(f"target: 100 000 cheques in <= {TARGET_SECONDS:.0f} s: {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1
