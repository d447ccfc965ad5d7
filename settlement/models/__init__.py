"""Bank accounts and Mutations choices (``bank.py``); monthly runs, payouts and their lines (``runs.py``)."""

from settlement.models.bank import BankAccount, MutationsConsent, first_day_of_next_month
from settlement.models.runs import Payout, PayoutLine, SettledRedemption, SettlementRun

__all__ = [
    "BankAccount",
    "MutationsConsent",
    "Payout",
    "PayoutLine",
    "SettledRedemption",
    "SettlementRun",
    "first_day_of_next_month",
]
