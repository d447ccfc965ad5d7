"""A month of redemptions at several structures, made through the real services."""

import datetime

import time_machine
from django.utils import timezone

from cheques.services.redemptions import counter_for_user, redemption_validate
from settlement.enums import BankAccountStatus
from settlement.models import BankAccount, MutationsConsent
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import staff_user

OCTOBER = datetime.date(2026, 10, 1)
SERVICE_OF_COST = {1: "smartphone-premiers-pas", 2: "retraite-en-ligne", 3: "parcours-bien-demarrer"}


def verified_account(structure, iban: str = "FR7630006000011234567890189", bic: str = "AGRIFRPPXXX"):
    return BankAccount.objects.create(
        structure=structure,
        holder=structure.name,
        iban=iban,
        bic=bic,
        status=BankAccountStatus.VERIFIED,
        requested_by=staff_user("support"),
        mfa_confirmed_at=timezone.now(),
        verified_by=staff_user("finance"),
        verified_at=timezone.now(),
    )


def redeemed(counts: list[int], *, day: datetime.date = datetime.date(2026, 10, 15), lieu=None, commune="69123"):
    """Validate one redemption per item of ``counts`` (that many cheques each) at a lieu, on ``day``."""
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10)), tick=True):
        order, codes = issued_codes(quantity=10 * (1 + sum(counts) // 10), carnet_size=10)
        lieu = lieu or counter_lieu(commune_code=commune)
        user, _mediateur = mediateur_at(lieu)
        counter = counter_for_user(user=user, lieu=lieu)
        numbers = iter(sorted(codes))
        redemptions = []
        for count in counts:
            number = next(numbers)
            redemptions.append(
                redemption_validate(
                    counter=counter,
                    lieu=lieu,
                    service_code=SERVICE_OF_COST[count],
                    cheques_count=count,
                    ip="10.1.1.1",
                    number=number,
                    code=codes[number],
                ).redemption
            )
            for _other in range(count - 1):
                next(numbers)
    return lieu, redemptions


def opted_in_to_mutations(structure, since: datetime.date = OCTOBER):
    return MutationsConsent.objects.create(
        structure=structure, opted_in=True, effective_from=since, consent_text="oui", given_by=staff_user("support")
    )
