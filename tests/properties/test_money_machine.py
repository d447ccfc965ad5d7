"""The money, whatever happens: a Hypothesis state machine orders, pays, issues, hands out, redeems, voids,
blocks, replaces, expires, settles and pays out through the real services, lets time pass, and after every step
checks the ledger and the database against each other and against its own model (``world.py``).

Deterministic (``derandomize``, tests/conftest.py) and bounded; ``HYPOTHESIS_PROFILE=explore`` searches wider.
"""

import datetime
import shutil
import tempfile
import uuid

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cheques.codes import code_hash_raw
from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus, RedemptionStatus
from cheques.models import Carnet, Order
from cheques.services import orders
from cheques.services.distribution import carnet_block, carnet_hand_out, carnet_replace, carnets_assign
from cheques.services.expiry import cheques_expire
from cheques.services.issuance import order_issue
from cheques.services.sealing import codes_unseal
from ledger.models import Leg
from settlement.enums import PayoutStatus, RunStatus
from settlement.models import SettlementRun
from settlement.services import runs
from tests.conftest import test_now
from tests.factories import OrderFactory
from tests.properties import checks
from tests.properties.counter_rules import CounterRules, raises
from tests.properties.world import (
    CarnetModel,
    ChequeModel,
    Model,
    World,
    world_build,
)

pytestmark = pytest.mark.django_db  # CI also runs it at New Year's Eve 23:59 (.ci/run)

HORIZON = datetime.timedelta(days=200)  # the médiateurs' qualifications last 300 days from the start


class MoneyMachine(CounterRules, RuleBasedStateMachine):
    world: World  # set by the test

    def __init__(self):
        super().__init__()
        self.model = Model()
        self.failed_codes = 0
        # Each example starts from the world as built, at the test's instant, with fresh files and limits.
        self._files = tempfile.mkdtemp(prefix="aptic-money-machine-")
        self._settings = override_settings(
            CACHES={"default": {**django_settings.CACHES["default"], "KEY_PREFIX": f"machine-{uuid.uuid4().hex}"}},
            STORAGES={
                **django_settings.STORAGES,
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": self._files},
                },
            },
        )
        self._settings.enable()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._clock = time_machine.travel(test_now(), tick=False)
        self._now = self._clock.start()
        self.start = timezone.localdate()

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._settings.disable()
        shutil.rmtree(self._files, ignore_errors=True)

    # --- helpers -----------------------------------------------------------------------------------

    def _tick(self):
        """A second passes before each action, as on a real clock."""
        self._now.shift(datetime.timedelta(seconds=1))

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def _orders_in(self, *statuses) -> list[int]:
        return sorted(pk for pk, status in self.model.orders.items() if status in statuses)

    def _cheques_in(self, *statuses) -> list[int]:
        return sorted(pk for pk, cheque in self.model.cheques.items() if cheque.status in statuses)

    def _funder_user(self, order_pk: int):
        funder_id = Order.objects.values_list("funder_id", flat=True).get(pk=order_pk)
        return next(user for funder, user in self.world.funders if funder.pk == funder_id)

    def _carnet_learn(self, carnet: Carnet, codes: dict[str, str]) -> None:
        cheques = list(carnet.cheques.order_by("position"))
        self.model.carnets[carnet.pk] = CarnetModel(
            pk=carnet.pk,
            number=carnet.number,
            order=carnet.order_id,
            valid_until=carnet.valid_until,
            status=carnet.status,
            cheques=[cheque.pk for cheque in cheques],
        )
        for cheque in cheques:
            self.model.cheques[cheque.pk] = ChequeModel(
                pk=cheque.pk,
                number=cheque.number,
                code=codes[cheque.number],
                carnet=carnet.pk,
                position=cheque.position,
                valid_until=cheque.valid_until,
                face_value=cheque.face_value,
            )

    def _ledger_size(self) -> int:
        return Leg.objects.count()

    # --- orders ------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model.orders) < 3)
    @rule(
        funder=st.integers(0, 1),
        carnets=st.integers(1, 3),
        size=st.sampled_from([1, 2, 3, 5]),
        validity=st.integers(31, 120),
    )
    def order(self, funder, carnets, size, validity):
        self._tick()
        organisation, user = self.world.funders[funder]
        order = OrderFactory(
            funder=organisation,
            created_by=user,
            quantity=carnets * size,
            carnet_size=size,
            valid_until=self.today + datetime.timedelta(days=validity),
        )
        order = orders.order_quote(order=order, by=user)
        order = orders.order_confirm(order=order, by=user)
        self.model.orders[order.pk] = OrderStatus.CONFIRMED

    @initialize(carnets=st.integers(1, 2), size=st.sampled_from([2, 3]), validity=st.integers(31, 60))
    def an_order_issued(self, carnets, size, validity):
        """Every example starts with carnets to play with."""
        self.order(funder=0, carnets=carnets, size=size, validity=validity)
        pk = max(self.model.orders)
        self._pay(pk)
        self._issue(pk, chunk=size)

    @precondition(lambda self: self.model.orders)
    @rule(data=st.data())
    def pay(self, data):
        """Finance records the funder's transfer; recording it again changes nothing."""
        self._tick()
        self._pay(data.draw(st.sampled_from(sorted(self.model.orders))))

    def _pay(self, pk: int) -> None:
        order = Order.objects.get(pk=pk)
        record = lambda: orders.order_payment_record(  # noqa: E731
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=self.today,
            by=self.world.finance[0],
        )
        if self.model.orders[pk] == OrderStatus.CONFIRMED:
            record()
            self.model.orders[pk] = OrderStatus.PAID
        else:
            before = self._ledger_size()
            raises("already_done", record)
            assert self._ledger_size() == before

    @precondition(lambda self: self.model.orders)
    @rule(data=st.data(), chunk=st.integers(1, 7))
    def issue(self, data, chunk):
        """Issuance in chunks of ``chunk`` cheques; issuing an issued order again changes nothing."""
        self._tick()
        self._issue(data.draw(st.sampled_from(sorted(self.model.orders))), chunk)

    def _issue(self, pk: int, chunk: int) -> None:
        pairs: list[tuple[str, str]] = []
        issue = lambda: order_issue(order_id=pk, chunk_cheques=chunk, code_sink=pairs.extend)  # noqa: E731
        if self.model.orders[pk] == OrderStatus.CONFIRMED:
            raises("invalid_transition", issue)
            return
        before = self._ledger_size()
        issue()
        if self.model.orders[pk] == OrderStatus.ISSUED:
            assert not pairs and self._ledger_size() == before
            return
        self.model.orders[pk] = OrderStatus.ISSUED
        codes = dict(pairs)
        assert len(codes) == len(pairs) == Order.objects.get(pk=pk).quantity
        for carnet in Carnet.objects.filter(order_id=pk).order_by("position"):
            self._carnet_learn(carnet, codes)

    # --- distribution ------------------------------------------------------------------------------

    @precondition(lambda self: self.model.carnets)
    @rule(data=st.data())
    def hand_out(self, data):
        """The funder gives a carnet to its distributeur, who hands it to someone."""
        self._tick()
        pk = data.draw(st.sampled_from(sorted(self.model.carnets)))
        carnet = Carnet.objects.get(pk=pk)
        funder, user = next((f, u) for f, u in self.world.funders if f.pk == carnet.funder_id)
        if carnet.status == CarnetStatus.ISSUED:
            carnets_assign(
                funder=funder, carnets=Carnet.objects.filter(pk=pk), distributeur=self.world.distributeur, by=user
            )
        hand_out = lambda: carnet_hand_out(  # noqa: E731
            carnet=carnet, distributeur=self.world.distributeur, by=self.world.distributeur_user
        )
        if carnet.status in (CarnetStatus.ISSUED, CarnetStatus.ASSIGNED):
            hand_out()
            self.model.carnets[pk].status = CarnetStatus.DISTRIBUTED
        elif carnet.status == CarnetStatus.DISTRIBUTED:
            raises("already_done", hand_out)
        else:
            raises("not_in_stock", hand_out)

    @precondition(lambda self: self.model.carnets)
    @rule(data=st.data())
    def block(self, data):
        """Reported lost or stolen: its unspent cheques are blocked at once."""
        self._tick()
        open_ = [
            pk for pk, c in self.model.carnets.items() if c.status not in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED)
        ]
        pk = data.draw(st.sampled_from(sorted(open_ or self.model.carnets)))
        carnet = self.model.carnets[pk]
        block = lambda: carnet_block(  # noqa: E731
            carnet=Carnet.objects.get(pk=pk), by=self.world.distributeur_user, organisation=self.world.distributeur
        )
        if carnet.status in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED):
            raises("already_done", block)
            return
        blocked = block()
        expected = [c for c in carnet.cheques if self.model.cheques[c].status == ChequeStatus.ISSUED]
        assert blocked == len(expected)
        for cheque in expected:
            self.model.cheques[cheque].status = ChequeStatus.BLOCKED
        carnet.status = CarnetStatus.BLOCKED

    @precondition(lambda self: any(c.status == CarnetStatus.BLOCKED for c in self.model.carnets.values()))
    @rule(data=st.data())
    def replace(self, data):
        """A blocked carnet's unspent cheques come back in a new carnet, same value, new numbers and codes."""
        self._tick()
        pk = data.draw(
            st.sampled_from(sorted(pk for pk, c in self.model.carnets.items() if c.status == CarnetStatus.BLOCKED))
        )
        carnet = self.model.carnets[pk]
        blocked = [c for c in carnet.cheques if self.model.cheques[c].status == ChequeStatus.BLOCKED]
        replace = lambda: carnet_replace(  # noqa: E731
            carnet=Carnet.objects.get(pk=pk), by=self.world.distributeur_user, organisation=self.world.distributeur
        )
        if not blocked:
            raises("nothing_to_replace", replace)
            return
        replacement = replace()
        assert replacement.size == len(blocked) and replacement.valid_until == carnet.valid_until
        carnet.status = CarnetStatus.REPLACED
        # The new codes wait, sealed, for the printer: read them as it does.
        sealed = codes_unseal(order_id=replacement.order_id, first=replacement.position, last=replacement.position)
        hashes = dict(replacement.cheques.values_list("number", "code_hash"))
        codes = {
            number: next(c for c in candidates if code_hash_raw(c.replace("-", "")) == hashes[number])
            for number, candidates in sealed.items()
        }
        self._carnet_learn(replacement, codes)

    # --- expiry and settlement -----------------------------------------------------------------------

    @rule()
    def expire(self):
        """The nightly run: cheques past validity expire, their face value goes back to the funder."""
        self._tick()
        cheques_expire()
        for cheque in self.model.outstanding():
            if cheque.valid_until < self.today:
                cheque.status = ChequeStatus.EXPIRED

    @rule(months_back=st.integers(1, 3))
    def settle(self, months_back):
        """A month's run (again, if it ran already: nothing changes)."""
        self._tick()
        period = self.today.replace(day=1)
        for _month in range(months_back):
            period = runs.previous_month(period)
        before = self._ledger_size()
        run = runs.settlement_compute(period=period)
        if period in self.model.runs:
            assert run.pk == self.model.runs[period] and self._ledger_size() == before
            return
        self.model.runs[period] = run.pk
        paid_structures = set(self.world.structure_ids[:2])  # those with a verified bank account
        for redemption in self.model.redemptions.values():
            if (
                redemption.status == RedemptionStatus.VALIDATED
                and redemption.period <= period
                and redemption.structure_id in paid_structures
            ):
                redemption.status = RedemptionStatus.SETTLED
                for pk in redemption.cheques:
                    self.model.cheques[pk].status = ChequeStatus.SETTLED

    @precondition(lambda self: self.model.runs)
    @rule(data=st.data())
    def settle_again(self, data):
        """A month settled again (beat and a person, or a retry): the same run, not a cent more."""
        self._tick()
        period = data.draw(st.sampled_from(sorted(self.model.runs)))
        before = self._ledger_size()
        assert runs.settlement_compute(period=period).pk == self.model.runs[period]
        assert self._ledger_size() == before

    @precondition(lambda self: self.model.runs)
    @rule(data=st.data())
    def pay_out(self, data):
        """Two people review and approve a run, the SEPA file is exported, the bank confirms: paid once."""
        self._tick()
        run = SettlementRun.objects.get(pk=data.draw(st.sampled_from(sorted(self.model.runs.values()))))
        first, second = self.world.finance
        if run.status == RunStatus.PAID:
            raises("already_done", lambda: runs.settlement_mark_paid(run=run, by=first, bank_reference="REMISE-1"))
            return
        if run.status == RunStatus.COMPUTED:
            run = runs.settlement_review(run=run, by=first)
            run = runs.settlement_approve(run=run, by=second)
        if not run.payouts.filter(status=PayoutStatus.PENDING, paid_amount__gt=0).exists():
            raises("nothing_to_pay", lambda: runs.settlement_export(run=run, by=first))
            return
        content = runs.settlement_export(run=run, by=first)
        run.refresh_from_db()
        assert runs.settlement_export(run=run, by=second) == content  # exported again: the same bytes
        runs.settlement_mark_paid(run=run, by=second, bank_reference="REMISE-1")
        assert not run.payouts.filter(status=PayoutStatus.PENDING).exists()

    # --- time ----------------------------------------------------------------------------------------

    @precondition(lambda self: timezone.localdate() < self.start + HORIZON)
    @rule(days=st.integers(1, 20))
    def days_pass(self, days):
        self._now.shift(datetime.timedelta(days=days))

    @precondition(lambda self: timezone.localdate() < self.start + HORIZON)
    @rule()
    def month_ends(self):
        """To the first working hours of next month, when the run of the month that ended is due."""
        first = (self.today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        self._now.move_to(datetime.datetime.combine(first, datetime.time(6), tzinfo=timezone.get_current_timezone()))

    @precondition(lambda self: self.model.carnets and timezone.localdate() < self.start + HORIZON)
    @rule(data=st.data())
    def validity_passes(self, data):
        """To the day after some carnet's last valid day."""
        last = data.draw(st.sampled_from(sorted({c.valid_until for c in self.model.carnets.values()})))
        if last >= self.today:
            after = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(0, 40))
            self._now.move_to(after.replace(tzinfo=timezone.get_current_timezone()))

    # --- invariants ----------------------------------------------------------------------------------

    @invariant()
    def the_money_holds(self):
        """The journal balances; cheques outstanding, payables, clearing, bank, receivables and credit notes are
        what the cheques, redemptions, payouts and orders say; no cheque is spent twice, no redemption paid twice."""
        checks.all_hold(self.world, self.model)


# 15 examples of up to 40 steps: about a minute. The explore profile (tests/conftest.py) brings its own count.
EXAMPLES = 15 if settings().derandomize else settings().max_examples


def test_the_money_holds_whatever_happens(db):
    MoneyMachine.world = world_build()
    run_state_machine_as_test(MoneyMachine, settings=settings(max_examples=EXAMPLES, stateful_step_count=40))
