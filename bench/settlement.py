"""Settlement at scale: 1 000 000 redemptions across 5 000 structures, settled by the monthly run.

Needs PostgreSQL (``DATABASE_URL=postgres://…``); a throw-away database is created and dropped. The data is
written in bulk SQL (structures, lieux, médiateurs and bank accounts through the ORM; cheques, redemptions
and their lines with ``generate_series``); then ``settlement_compute`` runs exactly as beat runs it (the
statements and invoices, rendered afterwards by their own tasks, are not part of the measure).

It prints the run's time and the process's peak memory, and the same-run time of the bare SQL aggregate
of those redemptions per structure as the reference. Goals (issue 7): at most 2 minutes and 500 MB.
"""

import datetime
import resource
import sys
import time

from django.db import connection

GOAL_SECONDS = 120.0
GOAL_MB = 500.0
OCTOBER = datetime.date(2026, 10, 1)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _prepare(redemptions: int, structures: int) -> int:
    from django.utils import timezone

    from accounts.enums import OrganisationKind
    from accounts.models import Organisation, User
    from cheques.models import Carnet, Order
    from qualification.models import Lieu, Mediateur
    from referentiel.models import Version
    from settlement.enums import BankAccountStatus
    from settlement.models import BankAccount, MutationsConsent
    from territories.models import Commune

    now = timezone.now()
    staff = User.objects.create_user("finance@bench.test", "bench-password-2026", is_staff=True)
    # Whoever enters an account never verifies it (a database rule).
    requester = User.objects.create_user("structure@bench.test", "bench-password-2026")
    funder = Organisation.objects.create(kind=OrganisationKind.COMMANDITAIRE, name="Bench funder")
    order = Order.objects.create(
        funder=funder, quantity=redemptions, carnet_size=10, valid_until=datetime.date(2027, 12, 31), created_by=staff
    )
    carnet = Carnet.objects.create(
        order=order,
        funder=funder,
        number="99999999",
        position=1,
        size=10,
        face_value=1000,
        valid_until=datetime.date(2027, 12, 31),
    )
    lyon = Commune.objects.get(code="69123")
    service = Version.objects.in_force(OCTOBER).services.get(code="smartphone-premiers-pas")
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrganisationKind.STRUCTURE, name=f"Structure {n}") for n in range(structures)],
        batch_size=2000,
    )
    lieux = Lieu.objects.bulk_create(
        [
            Lieu(structure=org, name=f"Lieu {n}", address="1 rue", postcode="69001", commune=lyon)
            for n, org in enumerate(orgs)
        ],
        batch_size=2000,
    )
    mediateurs = Mediateur.objects.bulk_create(
        [
            Mediateur(
                structure=org,
                lieu=lieu,
                first_name="M",
                last_name=str(n),
                email=f"m{n}@bench.test",
                employment_status="salarie",
                convention_start=OCTOBER,
            )
            for n, (org, lieu) in enumerate(zip(orgs, lieux, strict=True))
        ],
        batch_size=2000,
    )
    # Every structure but one in a hundred has a verified account; three in ten give to Mutations.
    BankAccount.objects.bulk_create(
        [
            BankAccount(
                structure=org,
                holder=org.name,
                iban="FR7630006000011234567890189",
                bic="AGRIFRPPXXX",
                status=BankAccountStatus.VERIFIED,
                requested_by=requester,
                mfa_confirmed_at=now,
                verified_by=staff,
                verified_at=now,
            )
            for n, org in enumerate(orgs)
            if n % 100
        ],
        batch_size=2000,
    )
    MutationsConsent.objects.bulk_create(
        [
            MutationsConsent(structure=org, opted_in=True, effective_from=OCTOBER, consent_text="oui", given_by=staff)
            for n, org in enumerate(orgs)
            if n % 10 < 3
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_places (idx int PRIMARY KEY, structure_id bigint, lieu_id bigint, "
            "mediateur_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO bench_places VALUES (%s, %s, %s, %s)",
            [
                (n, org.pk, lieu.pk, mediateur.pk)
                for n, (org, lieu, mediateur) in enumerate(zip(orgs, lieux, mediateurs, strict=True))
            ],
        )
        cursor.execute(
            """INSERT INTO cheques_cheque (id, carnet_id, order_id, funder_id, number, position, code_hash,
                   face_value, valid_until, status, status_changed_at)
               SELECT g, %(carnet)s, %(order)s, %(funder)s, 'B' || g, 1, 'bench', 1000, '2027-12-31', 'redeemed',
                   now() FROM generate_series(1, %(n)s) g""",
            {"carnet": carnet.pk, "order": order.pk, "funder": funder.pk, "n": redemptions},
        )
        cursor.execute(
            """INSERT INTO cheques_redemption (id, carnet_id, order_id, funder_id, lieu_id, structure_id, mediateur_id,
                   service_id, cheques_count, face_value_total, downstream_fee_bp, vat_bp, validated_at, period,
                   status, void_reason)
               SELECT g, %(carnet)s, %(order)s, %(funder)s, p.lieu_id, p.structure_id, p.mediateur_id, %(service)s,
                   1, 1000, 400, 2000, TIMESTAMPTZ '2026-10-01 10:00+02' + (g %% 28) * INTERVAL '1 day',
                   '2026-10-01', 'validated', ''
               FROM generate_series(1, %(n)s) g JOIN bench_places p ON p.idx = g %% %(places)s""",
            {
                "carnet": carnet.pk,
                "order": order.pk,
                "funder": funder.pk,
                "service": service.pk,
                "n": redemptions,
                "places": structures,
            },
        )
        cursor.execute(
            "INSERT INTO cheques_redeemedcheque (redemption_id, cheque_id, live) "
            "SELECT g, g, true FROM generate_series(1, %s) g",
            [redemptions],
        )
        for table in ("cheques_cheque", "cheques_redemption"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [redemptions])
        cursor.execute("ANALYZE")
    return structures


def run(*, redemptions: int, structures: int) -> int:
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "postgresql":
        print("The settlement benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    from settlement import tasks
    from settlement.services import runs

    tasks.payout_documents_task.delay = lambda *args, **kwargs: None  # documents are their own tasks
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        _prepare(redemptions, structures)
        prepared = time.perf_counter() - started
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "SELECT structure_id, SUM(cheques_count), SUM(face_value_total) FROM cheques_redemption "
                "WHERE period = %s AND status = 'validated' GROUP BY structure_id",
                [OCTOBER],
            )
            reference_rows = len(cursor.fetchall())
            reference = time.perf_counter() - started
        memory_before = _peak_mb()
        started = time.perf_counter()
        settlement_run = runs.settlement_compute(period=OCTOBER)
        elapsed = time.perf_counter() - started
        peak = _peak_mb()
        payouts = settlement_run.payouts.count()
        held = settlement_run.payouts.filter(status="held").count()
        expected_paid = settlement_run.cheques * 952 - settlement_run.mutations
        correct = settlement_run.paid_total == expected_paid and settlement_run.cheques > 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"data: {redemptions:,} redemptions across {structures:,} structures, written in {prepared:.1f} s")
    print(
        f"settlement run: {elapsed:.1f} s; peak memory of the process {peak:.0f} MB "
        f"(before the run: {memory_before:.0f} MB); {payouts} payouts ({held} held back)"
    )
    print(
        f"reference (bare SQL aggregate per structure, {reference_rows} rows): {reference:.2f} s; "
        f"ratio run / reference: {elapsed / reference:.1f}"
    )
    print(
        f"paid total {settlement_run.paid_total / 100:,.2f} EUR for {settlement_run.cheques:,} cheques: "
        f"{'consistent' if correct else 'INCONSISTENT'}"
    )
    ok = elapsed <= GOAL_SECONDS and peak <= GOAL_MB and correct
    print(f"goals (<= {GOAL_SECONDS:.0f} s, <= {GOAL_MB:.0f} MB): {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1
