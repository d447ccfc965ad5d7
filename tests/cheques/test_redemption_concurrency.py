"""Real concurrent transactions on PostgreSQL: however many people try at once, a cheque is spent once."""

import random
import threading
from collections import Counter as Tally

import pytest
from django.db import connection

from aptic.errors import BusinessError
from cheques.enums import ChequeStatus
from cheques.models import Cheque, RedeemedCheque, Redemption
from cheques.services import redemptions as services
from ledger.enums import AccountCode as A
from ledger.services import account_balance, journal_is_balanced
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at

RUNS = 100
CHEQUES_PER_RUN = 100
THREADS = 50
ATTEMPTS_PER_CHEQUE = 2  # each cheque is presented at both lieux at once, by two of the threads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_threads_racing_on_a_hundred_cheques_redeem_each_exactly_once_a_hundred_runs_in_a_row():
    order, codes = issued_codes(quantity=RUNS * CHEQUES_PER_RUN, carnet_size=10)
    assert len(codes) == RUNS * CHEQUES_PER_RUN
    lieux = [counter_lieu(commune_code="69123"), counter_lieu(commune_code="15001")]
    counters = [services.counter_for_user(user=mediateur_at(lieu)[0], lieu=lieu) for lieu in lieux]
    numbers = sorted(codes)
    rng = random.Random(20261126)

    start, finish = threading.Barrier(THREADS + 1), threading.Barrier(THREADS + 1)
    work: list[list[tuple[str, int]]] = [[] for _ in range(THREADS)]
    outcomes: list[list[str]] = [[] for _ in range(THREADS)]
    stop = threading.Event()

    def worker(index: int) -> None:
        try:
            while True:
                start.wait()
                if stop.is_set():
                    return
                for number, lieu_index in work[index]:
                    try:
                        services.redemption_validate(
                            counter=counters[lieu_index],
                            lieu=lieux[lieu_index],
                            service_code="smartphone-premiers-pas",
                            cheques_count=1,
                            ip=f"10.0.{lieu_index}.{index}",
                            number=number,
                            code=codes[number],
                        )
                        outcomes[index].append("ok")
                    except BusinessError as refusal:
                        outcomes[index].append(refusal.code)
                finish.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        for run in range(RUNS):
            batch = numbers[run * CHEQUES_PER_RUN : (run + 1) * CHEQUES_PER_RUN]
            attempts = [
                (number, (number_index + attempt) % 2)
                for number_index, number in enumerate(batch)
                for attempt in range(ATTEMPTS_PER_CHEQUE)
            ]
            rng.shuffle(attempts)
            for index in range(THREADS):
                work[index] = attempts[index::THREADS]
                outcomes[index] = []
            start.wait()
            finish.wait()
            tally = Tally(code for results in outcomes for code in results)
            assert tally == {"ok": CHEQUES_PER_RUN, "already_redeemed": CHEQUES_PER_RUN * (ATTEMPTS_PER_CHEQUE - 1)}, (
                f"run {run}: {tally}"
            )
            assert Cheque.objects.filter(number__in=batch, status=ChequeStatus.REDEEMED).count() == CHEQUES_PER_RUN
    finally:
        stop.set()
        start.wait()
        for thread in threads:
            thread.join()

    total = RUNS * CHEQUES_PER_RUN
    assert Redemption.objects.count() == total
    assert RedeemedCheque.objects.filter(live=True).values("cheque").distinct().count() == total
    assert account_balance(A.CHEQUES_OUTSTANDING) == 0
    assert sum(account_balance(A.STRUCTURE_PAYABLE, party=lieu.structure) for lieu in lieux) == total * 1000
    assert journal_is_balanced()
