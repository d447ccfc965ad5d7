"""The voluntary 1 % to the Mutations endowment fund: a structure's choice, effective next period."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from settlement.models import MutationsConsent, first_day_of_next_month

CONSENT_TEXT = _(
    "J'accepte, au nom de ma structure, que 1 % de la valeur faciale des chèques validés dans nos lieux soit "
    "versé au fonds de dotation Mutations, qui finance d'autres projets et outils de l'inclusion numérique. Ce "
    "choix s'applique à partir du mois prochain et peut être changé à tout moment pour les mois suivants."
)
WITHDRAW_TEXT = _("Ma structure ne contribue plus au fonds de dotation Mutations à partir du mois prochain.")


@transaction.atomic
def mutations_choose(*, structure, opted_in: bool, by) -> MutationsConsent:
    consent = MutationsConsent.objects.create(
        structure=structure,
        opted_in=opted_in,
        effective_from=first_day_of_next_month(timezone.localdate()),
        consent_text=str(CONSENT_TEXT if opted_in else WITHDRAW_TEXT),
        given_by=by,
    )
    audit_record(
        action="settlement.mutations.opted_in" if opted_in else "settlement.mutations.opted_out",
        actor=by,
        organisation=structure,
        target=consent,
        data={"effective_from": consent.effective_from.isoformat()},
    )
    return consent
