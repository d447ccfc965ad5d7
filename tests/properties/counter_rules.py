"""The money machine's rules at the counter: redeem, redeem again, a wrong code, void (``test_money_machine.py``)."""

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from aptic.errors import BusinessError
from cheques.enums import CarnetStatus, ChequeStatus, RedemptionStatus
from cheques.models import Redemption
from cheques.services.redemptions import AlreadyRedeemed, redemption_validate, redemption_void
from tests.properties.world import SERVICE_OF_COST, RedemptionModel

SPENT = (ChequeStatus.REDEEMED, ChequeStatus.SETTLED)


def raises(code_or_class, call):
    """Run ``call``, which must be refused: with this error code, or this BusinessError class."""
    with pytest.raises(BusinessError) as refused:
        call()
    if isinstance(code_or_class, str):
        assert refused.value.code == code_or_class, refused.value
    else:
        assert isinstance(refused.value, code_or_class), refused.value


class CounterRules:
    """Mixed into the machine, whose model, world, clock and ledger helpers these rules use."""

    # --- the counter -------------------------------------------------------------------------------

    @precondition(lambda self: self.model.cheques)
    @rule(data=st.data(), desk=st.integers(0, 2), cost=st.integers(1, 3), count=st.integers(1, 3))
    def redeem(self, data, desk, cost, count):
        """A médiateur validates ``count`` cheques of a carnet, presenting one of them, for a service."""
        self._tick()
        count = min(count, cost)
        spendable_anywhere = self._cheques_in(ChequeStatus.ISSUED)
        pk = data.draw(st.sampled_from(spendable_anywhere or sorted(self.model.cheques)))
        cheque = self.model.cheques[pk]
        carnet = self.model.carnets[cheque.carnet]
        desk = self.world.desks[desk]
        spendable = self.model.spendable_in(carnet.pk, self.today)
        validate = lambda: redemption_validate(  # noqa: E731
            counter=desk.counter,
            lieu=desk.lieu,
            service_code=SERVICE_OF_COST[cost],
            cheques_count=count,
            ip="10.9.9.9",
            number=cheque.number,
            code=cheque.code,
        )
        before = self._ledger_size()
        if cheque.status in (ChequeStatus.REDEEMED, ChequeStatus.SETTLED):
            raises(AlreadyRedeemed, validate)
        elif cheque.status == ChequeStatus.BLOCKED or carnet.status in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED):
            raises("blocked", validate)
        elif cheque.status == ChequeStatus.EXPIRED or cheque.valid_until < self.today:
            raises("expired", validate)
        elif len(spendable) < count:
            raises("not_enough_cheques", validate)
        else:
            redemption = validate().redemption
            chosen = [cheque, *[c for c in spendable if c.pk != cheque.pk][: count - 1]]
            assert redemption.cheque_numbers == [c.number for c in chosen]
            assert redemption.structure_id == desk.structure_id
            for spent in chosen:
                spent.status = ChequeStatus.REDEEMED
            self.model.redemptions[redemption.pk] = RedemptionModel(
                pk=redemption.pk,
                structure_id=desk.structure_id,
                period=self.today.replace(day=1),
                cheques=[c.pk for c in chosen],
                face_value_total=sum(c.face_value for c in chosen),
                status=RedemptionStatus.VALIDATED,
            )
            return
        assert self._ledger_size() == before

    @precondition(lambda self: any(c.status in SPENT for c in self.model.cheques.values()))
    @rule(data=st.data(), desk=st.integers(0, 2))
    def redeem_again(self, data, desk):
        """A spent cheque presented again, anywhere: "already used", and nothing changes."""
        self._tick()
        cheque = self.model.cheques[data.draw(st.sampled_from(self._cheques_in(*SPENT)))]
        desk = self.world.desks[desk]
        before = self._ledger_size()
        raises(
            AlreadyRedeemed,
            lambda: redemption_validate(
                counter=desk.counter,
                lieu=desk.lieu,
                service_code=SERVICE_OF_COST[1],
                cheques_count=1,
                ip="10.9.9.9",
                number=cheque.number,
                code=cheque.code,
            ),
        )
        assert self._ledger_size() == before

    @precondition(lambda self: self.model.cheques and self.failed_codes < 8)
    @rule(data=st.data(), desk=st.integers(0, 2), typo=st.integers(0, 15))
    def wrong_code(self, data, desk, typo):
        """A code typed wrong (or another cheque's code) is refused and changes nothing."""
        self._tick()
        cheque = self.model.cheques[data.draw(st.sampled_from(sorted(self.model.cheques)))]
        others = [c.code for c in self.model.cheques.values() if c.carnet != cheque.carnet]
        if others and typo % 2:
            code = others[typo % len(others)]
        else:
            raw = cheque.code.replace("-", "")
            swapped = "0" if raw[typo] != "0" else "1"
            code = raw[:typo] + swapped + raw[typo + 1 :]
        desk = self.world.desks[desk]
        before = self._ledger_size()
        with pytest.raises(BusinessError) as refused:
            redemption_validate(
                counter=desk.counter,
                lieu=desk.lieu,
                service_code=SERVICE_OF_COST[1],
                cheques_count=1,
                ip="10.9.9.9",
                number=cheque.number,
                code=code,
            )
        assert refused.value.code in ("wrong_code", "invalid_code_format"), refused.value
        self.failed_codes += 1
        assert self._ledger_size() == before

    @precondition(lambda self: self.model.redemptions)
    @rule(data=st.data())
    def void(self, data):
        """The lieu takes a validation back until its month is settled; its cheques can be spent again."""
        self._tick()
        validated = [pk for pk, r in self.model.redemptions.items() if r.status == RedemptionStatus.VALIDATED]
        redemption = self.model.redemptions[data.draw(st.sampled_from(sorted(validated or self.model.redemptions)))]
        desk = next(d for d in self.world.desks if d.structure_id == redemption.structure_id)
        void = lambda: redemption_void(  # noqa: E731
            redemption=Redemption.objects.get(pk=redemption.pk), reason="Erreur de saisie", by=desk.counter.user
        )
        if redemption.status == RedemptionStatus.VOIDED:
            raises("already_done", void)
        elif redemption.status == RedemptionStatus.SETTLED:
            raises("already_settled", void)
        else:
            void()
            redemption.status = RedemptionStatus.VOIDED
            for pk in redemption.cheques:
                cheque = self.model.cheques[pk]
                blocked = self.model.carnets[cheque.carnet].status == CarnetStatus.BLOCKED
                cheque.status = ChequeStatus.BLOCKED if blocked else ChequeStatus.ISSUED
