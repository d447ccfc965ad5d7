"""What must hold after every step, read from the ledger (``ledger/services.py`` balances) and the database.

Everything is read once per step (a dozen queries), then checked in Python: the machine runs these checks
after each of its hundreds of steps.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Sum

from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus, RedemptionStatus
from cheques.models import Carnet, Cheque, Order, Payment, RedeemedCheque, Redemption
from ledger.enums import ACCOUNT_KINDS, CREDIT_NORMAL_KINDS
from ledger.enums import AccountCode as A
from ledger.models import Leg
from ledger.services import account_balance, journal_is_balanced
from settlement.enums import PayoutStatus
from settlement.models import Payout, SettledRedemption
from tests.properties.world import Model, World


@dataclass
class Snapshot:
    balances: dict[tuple[str, int | None], int]  # (account, party) -> natural balance
    unbalanced: list[int]  # transactions whose legs do not sum to zero
    cheques: dict[int, tuple]  # pk -> (status, face value, carnet status, funder)
    carnets: dict[int, str]
    redemptions: dict[int, tuple]  # pk -> (status, structure, face value total, cheques count)
    live_lines: list[tuple[int, int]]  # (cheque, redemption)
    settled: list[int]  # redemption ids paid by a payout
    payouts: list[tuple]  # (structure, period, status, face value, fee HT, Mutations, paid amount)
    orders: dict[int, tuple]  # pk -> (status, funder, total TTC, face value total, cheques issued, face value)
    payments: int

    @classmethod
    def read(cls) -> "Snapshot":
        balances = {}
        for account, party, total in Leg.objects.values_list("account_id", "party_id").annotate(total=Sum("amount")):
            natural = -total if ACCOUNT_KINDS[A(account)] in CREDIT_NORMAL_KINDS else total
            balances[(account, party)] = natural
        unbalanced = Leg.objects.values("transaction_id").annotate(total=Sum("amount")).exclude(total=0)
        return cls(
            balances=balances,
            unbalanced=list(unbalanced.values_list("transaction_id", flat=True)),
            cheques={
                pk: rest
                for pk, *rest in Cheque.objects.values_list(
                    "pk", "status", "face_value", "carnet__status", "funder_id"
                )
            },
            carnets=dict(Carnet.objects.values_list("pk", "status")),
            redemptions={
                pk: rest
                for pk, *rest in Redemption.objects.values_list(
                    "pk", "status", "structure_id", "face_value_total", "cheques_count"
                )
            },
            live_lines=list(RedeemedCheque.objects.filter(live=True).values_list("cheque_id", "redemption_id")),
            settled=list(SettledRedemption.objects.values_list("redemption_id", flat=True)),
            payouts=list(
                Payout.objects.values_list(
                    "structure_id",
                    "period",
                    "status",
                    "face_value_total",
                    "downstream_fee_ht",
                    "mutations",
                    "paid_amount",
                )
            ),
            orders={
                pk: rest
                for pk, *rest in Order.objects.values_list(
                    "pk", "status", "funder_id", "total_ttc", "face_value_total", "cheques_issued", "face_value"
                )
            },
            payments=Payment.objects.aggregate(total=Sum("amount"))["total"] or 0,
        )

    def balance(self, account: str, party: int | None = None) -> int:
        """One party's sub-ledger, or the whole account when ``party`` is None."""
        if party is None:
            return sum(total for (code, _party), total in self.balances.items() if code == account)
        return self.balances.get((account, party), 0)


def journal_balances(snapshot: Snapshot) -> None:
    assert journal_is_balanced() and not snapshot.unbalanced, snapshot.unbalanced
    for account in (A.CHEQUES_OUTSTANDING, A.STRUCTURE_PAYABLE, A.BANK):  # the ledger service agrees
        assert account_balance(account) == snapshot.balance(account), account


def cheques_outstanding_match(snapshot: Snapshot, model: Model) -> None:
    """The liability is face value × the cheques still owed (``Cheque.objects.outstanding``); the model agrees."""
    owed = {
        pk
        for pk, (status, _value, carnet_status, _funder) in snapshot.cheques.items()
        if status == ChequeStatus.ISSUED or (status == ChequeStatus.BLOCKED and carnet_status != CarnetStatus.REPLACED)
    }
    assert owed == {cheque.pk for cheque in model.outstanding()}
    face_values = sum(snapshot.cheques[pk][1] for pk in owed)
    assert snapshot.balance(A.CHEQUES_OUTSTANDING) == face_values
    assert face_values == sum(Cheque.objects.outstanding().values_list("face_value", flat=True))


def no_cheque_redeemed_twice(snapshot: Snapshot) -> None:
    lines = Counter(cheque for cheque, _redemption in snapshot.live_lines)
    assert not [cheque for cheque, n in lines.items() if n > 1], "a cheque in two live redemptions"
    spent = {
        pk
        for pk, (status, *_rest) in snapshot.cheques.items()
        if status in (ChequeStatus.REDEEMED, ChequeStatus.SETTLED)
    }
    assert spent == set(lines), "a spent cheque is in exactly one live redemption line, an unspent one in none"
    per_redemption = Counter(redemption for _cheque, redemption in snapshot.live_lines)
    for pk, (status, _structure, _value, count) in snapshot.redemptions.items():
        assert per_redemption[pk] == (0 if status == RedemptionStatus.VOIDED else count), pk
    # A settled cheque was paid through a settled redemption; a redeemed one waits for its run.
    expected = {ChequeStatus.SETTLED: RedemptionStatus.SETTLED, ChequeStatus.REDEEMED: RedemptionStatus.VALIDATED}
    for cheque, redemption in snapshot.live_lines:
        assert snapshot.redemptions[redemption][0] == expected[snapshot.cheques[cheque][0]], (cheque, redemption)


def payables_match(snapshot: Snapshot, world: World, model: Model) -> None:
    """Each structure is owed face value × its validated, unsettled redemptions."""
    for structure_id in world.structure_ids:
        unsettled = sum(
            value
            for status, structure, value, _count in snapshot.redemptions.values()
            if structure == structure_id and status == RedemptionStatus.VALIDATED
        )
        expected = sum(
            redemption.face_value_total
            for redemption in model.redemptions.values()
            if redemption.structure_id == structure_id and redemption.status == RedemptionStatus.VALIDATED
        )
        assert snapshot.balance(A.STRUCTURE_PAYABLE, structure_id) == unsettled == expected, structure_id
    assert snapshot.balance(A.STRUCTURE_PAYABLE) == sum(
        snapshot.balance(A.STRUCTURE_PAYABLE, structure_id) for structure_id in world.structure_ids
    )


def settlement_pays_once(snapshot: Snapshot, world: World) -> None:
    """A redemption is paid by one payout at most; what payouts owe and paid is what the ledger says."""
    assert len(snapshot.settled) == len(set(snapshot.settled)), "a redemption paid twice"
    settled = {
        pk: (structure, value)
        for pk, (status, structure, value, _count) in snapshot.redemptions.items()
        if status == RedemptionStatus.SETTLED
    }
    assert set(settled) == set(snapshot.settled)
    assert len({(structure, period) for structure, period, *_rest in snapshot.payouts}) == len(snapshot.payouts)
    payable = [payout for payout in snapshot.payouts if payout[2] != PayoutStatus.HELD]
    for structure_id in world.structure_ids:
        mine = [payout for payout in payable if payout[0] == structure_id]
        settled_value = sum(value for structure, value in settled.values() if structure == structure_id)
        assert sum(payout[3] for payout in mine) == settled_value, structure_id
        pending = sum(payout[6] for payout in mine if payout[2] == PayoutStatus.PENDING)
        assert snapshot.balance(A.SETTLEMENT_CLEARING, structure_id) == pending, structure_id
    assert snapshot.balance(A.DOWNSTREAM_FEE_REVENUE) == sum(payout[4] for payout in payable)
    assert snapshot.balance(A.MUTATIONS_PAYABLE) == sum(payout[5] for payout in payable)
    paid_out = sum(payout[6] for payout in payable if payout[2] == PayoutStatus.PAID)
    assert snapshot.balance(A.BANK) == snapshot.payments - paid_out


def orders_match(snapshot: Snapshot, model: Model) -> None:
    """What funders owe, what the cooperative still has to issue, what expired cheques gave back."""
    assert {pk: order[0] for pk, order in snapshot.orders.items()} == model.orders
    confirmed = [order for order in snapshot.orders.values() if order[0] == OrderStatus.CONFIRMED]
    assert snapshot.balance(A.FUNDER_RECEIVABLE) == sum(order[2] for order in confirmed)
    to_issue = sum(
        face_value_total - issued * face_value
        for status, _funder, _ttc, face_value_total, issued, face_value in snapshot.orders.values()
        if status in (OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.ISSUED)
    )
    assert snapshot.balance(A.ORDERS_TO_ISSUE) == to_issue
    expired = defaultdict(int)
    for status, face_value, _carnet_status, funder in snapshot.cheques.values():
        if status == ChequeStatus.EXPIRED:
            expired[funder] += face_value
    for funder in {order[1] for order in snapshot.orders.values()}:
        assert snapshot.balance(A.FUNDER_CREDIT, funder) == expired[funder], funder


def statuses_match(snapshot: Snapshot, model: Model) -> None:
    """The database's cheques, carnets and redemptions are where the rules that ran should have left them."""
    assert {pk: cheque[0] for pk, cheque in snapshot.cheques.items()} == {
        pk: cheque.status for pk, cheque in model.cheques.items()
    }
    assert snapshot.carnets == {pk: carnet.status for pk, carnet in model.carnets.items()}
    assert {pk: redemption[0] for pk, redemption in snapshot.redemptions.items()} == {
        pk: redemption.status for pk, redemption in model.redemptions.items()
    }


def all_hold(world: World, model: Model) -> None:
    snapshot = Snapshot.read()
    journal_balances(snapshot)
    cheques_outstanding_match(snapshot, model)
    no_cheque_redeemed_twice(snapshot)
    payables_match(snapshot, world, model)
    settlement_pays_once(snapshot, world)
    orders_match(snapshot, model)
    statuses_match(snapshot, model)
