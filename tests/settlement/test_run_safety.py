"""A run started twice at once, or killed halfway and started again, pays each structure once (PostgreSQL)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from ledger.models import Leg, Transaction
from ledger.services import journal_is_balanced
from settlement.models import Payout, SettledRedemption, SettlementRun
from settlement.services import runs
from tests.settlement.helpers import OCTOBER, opted_in_to_mutations, redeemed, verified_account

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.clock]


@pytest.fixture
def october():
    lieu_a, _a = redeemed([1, 2, 1])
    lieu_b, _b = redeemed([1, 3], commune="15001")
    lieu_c, _c = redeemed([2])
    opted_in_to_mutations(lieu_a.structure)
    verified_account(lieu_a.structure)
    verified_account(lieu_b.structure, iban="FR1420041010050500013M02606", bic="PSSTFRPPXXX")
    return lieu_a.structure, lieu_b.structure, lieu_c.structure


def _figures():
    """Everything a run decides, to compare two runs."""
    payouts = sorted(
        Payout.objects.values_list(
            "structure_id",
            "status",
            "cheques",
            "face_value_total",
            "downstream_fee_ht",
            "vat",
            "mutations",
            "paid_amount",
        )
    )
    return {
        "payouts": payouts,
        "settled": SettledRedemption.objects.count(),
        "ledger": sorted(
            Leg.objects.filter(transaction__kind="settlement.computed").values_list("account_id", "party_id", "amount")
        ),
        "runs": SettlementRun.objects.count(),
    }


EXPECTED_PAID = [(3768, "pending"), (3808, "pending"), (1904, "held")]


def test_two_runs_started_at_once_make_one_set_of_payouts(october):
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            with time_machine.travel("2026-11-02 06:00 +01:00", tick=True):
                results.append(runs.settlement_compute(period=OCTOBER).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1
    figures = _figures()
    assert figures["runs"] == 1 and len(figures["payouts"]) == 3
    assert sorted((payout[-1], payout[1]) for payout in figures["payouts"]) == sorted(EXPECTED_PAID)
    assert Transaction.objects.filter(kind="settlement.computed").count() == 2  # one per payout to pay
    assert journal_is_balanced()


def test_a_run_killed_halfway_then_started_again_ends_like_an_uninterrupted_one(october):
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    url = f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    script = (
        "import django, time\n"
        "django.setup()\n"
        "from settlement.services import runs\n"
        "original = runs._create_payouts\n"
        "def pausing(*args, **kwargs):\n"
        "    payouts = original(*args, **kwargs)\n"
        "    if kwargs['status'] == 'held':\n"
        "        print('paused in the middle of the run', flush=True)\n"
        "        time.sleep(120)\n"
        "    return payouts\n"
        "runs._create_payouts = pausing\n"
        "import datetime\n"
        "runs.settlement_compute(period=datetime.date(2026, 10, 1))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "paused in the middle of the run"
    finally:
        worker.kill()  # SIGKILL: the worker dies holding its transaction and the month's lock
        worker.wait(timeout=30)
        worker.stdout.close()
    assert worker.returncode == -9
    assert SettlementRun.objects.count() == 0 and Payout.objects.count() == 0  # nothing of it was kept

    with time_machine.travel("2026-11-02 06:00 +01:00", tick=True):
        resumed = runs.settlement_compute(period=OCTOBER)
    figures = _figures()
    assert resumed.paid_total == 3768 + 3808 and resumed.held_total == 1904
    assert sorted((payout[-1], payout[1]) for payout in figures["payouts"]) == sorted(EXPECTED_PAID)
    assert figures["settled"] == 5 and figures["runs"] == 1
    assert journal_is_balanced()
    assert settings.IS_POSTGRES
