import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cheques.enums import RedemptionStatus
from cheques.models import Cheque, Redemption
from ledger.enums import AccountCode
from ledger.services import account_balance
from settlement.enums import BankAccountStatus, PayoutStatus
from settlement.models import BankAccount, MutationsConsent, Payout, SettledRedemption, SettlementRun


def bank_account_in_use(structure) -> BankAccount | None:
    """The verified account payments go to, or None (the payout is then held back)."""
    return BankAccount.objects.filter(structure=structure, status=BankAccountStatus.VERIFIED).first()


def mutations_consent_on(structure, day: datetime.date) -> MutationsConsent | None:
    return (
        MutationsConsent.objects.filter(structure=structure, effective_from__lte=day)
        .order_by("-effective_from", "-given_at", "-id")
        .first()
    )


def mutations_opted_in(structure, day: datetime.date) -> bool:
    """Whether the structure gives 1 % to Mutations for the period starting ``day``."""
    consent = mutations_consent_on(structure, day)
    return bool(consent and consent.opted_in)


# --- The staff dashboard: money reconciled against counts ----------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    ledger: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.ledger == self.expected


def reconciliation() -> list[Check]:
    """Ledger balances against what the counts say they must be (DESIGN §2's invariants)."""
    unspent = Cheque.objects.outstanding().aggregate(total=Coalesce(Sum("face_value"), 0))["total"]
    unsettled = Redemption.objects.filter(status=RedemptionStatus.VALIDATED).aggregate(
        total=Coalesce(Sum("face_value_total"), 0)
    )["total"]
    to_transfer = Payout.objects.filter(status=PayoutStatus.PENDING).aggregate(total=Coalesce(Sum("paid_amount"), 0))[
        "total"
    ]
    return [
        Check(
            _("Chèques en circulation = valeur faciale des chèques non utilisés ni expirés"),
            account_balance(AccountCode.CHEQUES_OUTSTANDING),
            unspent,
        ),
        Check(
            _("Contrepaiements dus = validations non encore contrepayées"),
            account_balance(AccountCode.STRUCTURE_PAYABLE),
            unsettled,
        ),
        Check(
            _("Virements en cours = contrepaiements calculés non encore payés"),
            account_balance(AccountCode.SETTLEMENT_CLEARING),
            to_transfer,
        ),
    ]


def median_days_to_payment() -> float | None:
    """Median number of days between a validation and the payment of its month, over every paid payout."""
    histogram: Counter[int] = Counter()
    rows = (
        SettledRedemption.objects.filter(payout__status=PayoutStatus.PAID)
        .values("payout__paid_at", validated_on=TruncDate("redemption__validated_at"))
        .annotate(count=Count("id"))
    )
    for row in rows:
        paid_on = timezone.localdate(row["payout__paid_at"])
        histogram[(paid_on - row["validated_on"]).days] += row["count"]
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())
    middle = [total // 2, (total - 1) // 2]  # the two middle positions (the same one when total is odd)
    values, seen = [], 0
    for days, count in ordered:
        for position in middle:
            if seen <= position < seen + count:
                values.append(days)
        seen += count
    return sum(values) / len(values)


def mutations_fund() -> dict:
    return {
        "balance": account_balance(AccountCode.MUTATIONS_PAYABLE),
        "by_period": list(SettlementRun.objects.filter(mutations__gt=0).values("period", "mutations")),
        "structures": MutationsConsent.objects.values("structure").distinct().count(),
    }
