"""Demo bank details: Les Connecteurs has a verified account and gives to Mutations; the rural structure has
entered none yet (its payouts would be held back, which staff see on their dashboard)."""

from django.utils import timezone

from accounts.models import Organisation, User
from settlement.enums import BankAccountStatus
from settlement.models import BankAccount, MutationsConsent


def load(stdout) -> None:
    structure = Organisation.objects.get(name="Les Connecteurs — Lyon (démo)")
    admin = User.objects.get(email="structure@demo.aptic.test")
    finance = User.objects.get(email="finance@demo.aptic.test")
    now = timezone.now()
    BankAccount.objects.get_or_create(
        structure=structure,
        status=BankAccountStatus.VERIFIED,
        defaults={
            "holder": structure.name,
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPPXXX",
            "requested_by": admin,
            "mfa_confirmed_at": now,
            "verified_by": finance,
            "verified_at": now,
        },
    )
    MutationsConsent.objects.get_or_create(
        structure=structure,
        defaults={
            "opted_in": True,
            "effective_from": timezone.localdate().replace(day=1),
            "consent_text": "Contribution de démonstration",
            "given_by": admin,
        },
    )
    stdout.write("  settlement: a verified bank account and a Mutations choice for Les Connecteurs")
