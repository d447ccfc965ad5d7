import datetime

from settlement.enums import BankAccountStatus
from settlement.models import BankAccount, MutationsConsent


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
