"""Redemptions per second through the HTTP API under gunicorn, against a bare Django view as the reference.

Needs PostgreSQL (``DATABASE_URL=postgres://…``): a throw-away database is created, filled (a structure, a
qualified lieu and médiateur, an API key, issued cheques) and dropped at the end. Gunicorn serves the
platform with ``bench.settings`` (the platform plus one bare view); client threads then

1. POST ``/api/v1/redemptions/`` with every rule on (API key, rate limits, qualification, restrictions,
   idempotency key, ledger, audit); one request in ten presents a cheque already spent, which must get a 409;
2. POST ``/bench/bare/``: a Django view doing only the guarded ``UPDATE … WHERE status = 'issued'`` and one
   ``INSERT``, in one transaction — the reference.

It prints both rates, their ratio and the 95th percentile latency, and counts double spends in the database.
Goals (issue 6): ratio ≥ 0.5, p95 ≤ 100 ms, zero double spends.
"""

import datetime
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

GOAL_RATIO = 0.5
GOAL_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(cheques: int):
    """Everything a redemption needs, created through the platform's own services."""
    from django.utils import timezone

    from accounts.enums import MembershipRole, OrganisationKind
    from accounts.models import Membership, Organisation, User
    from accounts.services import api_key_create
    from cheques import tasks
    from cheques.services import orders
    from cheques.services.issuance import order_issue
    from qualification.models import Lieu, Mediateur, MediateurQualification, Qualification
    from referentiel.models import Version
    from territories.models import Commune

    for task in (tasks.order_issue_task, tasks.print_job_start_task, tasks.invoice_render_task):
        task.delay_on_commit = lambda *args, **kwargs: None
    today = timezone.localdate()
    funder_admin = User.objects.create_user("funder@bench.test", "bench-password-2026")
    funder = Organisation.objects.create(kind=OrganisationKind.COMMANDITAIRE, name="Bench funder")
    Membership.objects.create(user=funder_admin, organisation=funder, role=MembershipRole.ADMIN)
    finance = User.objects.create_user("finance@bench.test", "bench-password-2026", is_staff=True)
    order = orders.order_create(
        funder=funder,
        quantity=cheques,
        carnet_size=10,
        valid_until=datetime.date(today.year + 1, 12, 31),
        by=funder_admin,
    )
    orders.order_quote(order=order, by=funder_admin)
    order = orders.order_confirm(order=order, by=funder_admin)
    orders.order_payment_record(
        transfer_reference=order.transfer_reference, amount=order.total_ttc, received_on=today, by=finance
    )
    pairs: list[tuple[str, str]] = []
    order_issue(order_id=order.pk, code_sink=pairs.extend)

    structure = Organisation.objects.create(kind=OrganisationKind.STRUCTURE, name="Bench structure")
    admin = User.objects.create_user("structure@bench.test", "bench-password-2026")
    Membership.objects.create(user=admin, organisation=structure, role=MembershipRole.ADMIN)
    lieu = Lieu.objects.create(
        structure=structure,
        name="Lieu bench",
        address="1 rue du Banc",
        postcode="69001",
        commune=Commune.objects.get(code="69123"),
    )
    lieu.services.set(Version.objects.in_force().services.filter(code="smartphone-premiers-pas"))
    qualification = Qualification.objects.create(
        lieu=lieu, valid_from=today, valid_until=today.replace(year=today.year + 2)
    )
    mediateur = Mediateur.objects.create(
        structure=structure,
        lieu=lieu,
        first_name="Ben",
        last_name="Ch",
        email="mediateur@bench.test",
        employment_status="salarie",
        convention_start=today,
    )
    MediateurQualification.objects.create(
        mediateur=mediateur, qualification=qualification, valid_from=today, valid_until=qualification.valid_until
    )
    _key, raw_key = api_key_create(organisation=structure, name="bench", by=admin)

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_cheque (id bigint PRIMARY KEY, status varchar(20) NOT NULL)")
        cursor.execute(
            "CREATE TABLE bench_redemption (id bigserial PRIMARY KEY, cheque_id bigint NOT NULL, "
            "validated_at timestamptz NOT NULL)"
        )
        # As many rows as the reference sends requests (the API run adds one replay in ten).
        cursor.execute("INSERT INTO bench_cheque SELECT g, 'issued' FROM generate_series(1, %s) g", [cheques * 2])
    return pairs, lieu.pk, mediateur.pk, raw_key


def _load(port: int, requests: list[tuple[str, dict, dict]], clients: int) -> tuple[list[float], list[int], float]:
    """Send ``requests`` (path, body, headers) from ``clients`` threads; latencies (s), statuses, duration."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    chunks = [requests[index::clients] for index in range(clients)]

    def client(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine_latency, mine_status = [], []
        for path, body, headers in chunk:
            started = time.perf_counter()
            conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers})
            response = conn.getresponse()
            response.read()
            mine_latency.append(time.perf_counter() - started)
            mine_status.append(response.status)
        conn.close()
        with lock:
            latencies.extend(mine_latency)
            statuses.extend(mine_status)

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def _p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[94] * 1000


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run(*, cheques: int, clients: int, workers: int) -> int:
    from django.test.utils import setup_test_environment, teardown_test_environment

    if connection.vendor != "postgresql":
        print("The redemption benchmark needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    process = None
    try:
        pairs, lieu_id, mediateur_id, raw_key = _prepare(cheques)
        connection.close()
        port = _free_port()
        url = urlsplit(os.environ["DATABASE_URL"])
        env = {
            **os.environ,
            "DATABASE_URL": url._replace(path=f"/{test_name}").geturl(),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef",
            "CHEQUE_CODE_PEPPER": settings.CHEQUE_CODE_PEPPER,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "aptic.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        _wait_for(port, process)

        auth = {"Authorization": f"Api-Key {raw_key}"}
        rng = random.Random(6)
        requests, fresh = [], list(pairs)
        for index, (number, code) in enumerate(fresh):
            body = {
                "number": number,
                "code": code,
                "lieu": lieu_id,
                "service": "smartphone-premiers-pas",
                "cheques_count": 1,
                "mediateur": mediateur_id,
            }
            requests.append(("/api/v1/redemptions/", body, {**auth, "Idempotency-Key": f"bench-{index}"}))
        # One request in ten presents a cheque again, under a new key: it must be refused (409).
        replays = [
            (path, body, {**auth, "Idempotency-Key": f"again-{index}"})
            for index, (path, body, _h) in enumerate(rng.sample(requests, len(requests) // 10))
        ]
        warm = requests[:50]
        _warm_latencies, warm_statuses, _d = _load(port, warm, 2)  # warm the workers up (connections, imports)
        measured = requests[50:] + replays
        rng.shuffle(measured)
        latencies, statuses, duration = _load(port, measured, clients)

        bare = [("/bench/bare/", {"cheque": cheque_id}, {}) for cheque_id in range(1, len(measured) + 1)]
        _load(port, bare[:50], 2)
        bare_latencies, bare_statuses, bare_duration = _load(port, bare[50:], clients)

        connection.settings_dict["NAME"] = test_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM (SELECT cheque_id FROM cheques_redeemedcheque WHERE live "
                "GROUP BY cheque_id HAVING COUNT(*) > 1) doubles"
            )
            double_spends = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM cheques_redemption")
            redemptions = cursor.fetchone()[0]
        connection.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        connection.settings_dict["NAME"] = test_name
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    created = statuses.count(201)
    conflicts = statuses.count(409)
    others = len(statuses) - created - conflicts
    rate = len(statuses) / duration
    bare_rate = len(bare_statuses) / bare_duration
    ratio = rate / bare_rate
    p95 = _p95(latencies)
    print(f"gunicorn: {workers} workers, {clients} concurrent clients, PostgreSQL")
    print(
        f"API redemptions: {len(statuses)} requests in {duration:.2f} s = {rate:.0f} requests/s; "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms "
        f"({created} created, {conflicts} refused as already spent, {others} other)"
    )
    print(
        f"reference (bare guarded update + insert view): {len(bare_statuses)} requests in {bare_duration:.2f} s "
        f"= {bare_rate:.0f} requests/s; p95 {_p95(bare_latencies):.1f} ms"
    )
    print(f"ratio API / reference: {ratio:.2f} (goal >= {GOAL_RATIO})")
    print(f"double spends in the database: {double_spends}; redemptions recorded: {redemptions}")
    ok = (
        ratio >= GOAL_RATIO
        and p95 <= GOAL_P95_MS
        and double_spends == 0
        and others == 0
        and conflicts == len(replays)
        and created + warm_statuses.count(201) == redemptions
    )
    print(
        f"goals (ratio >= {GOAL_RATIO}, p95 <= {GOAL_P95_MS:.0f} ms, zero double spends): {'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1
