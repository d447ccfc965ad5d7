"""Who may be qualified to redeem cheques, and why (seed 000, "consolidation économique").

#APTIC favours salaried jobs carried directly by a structure, and the people that cooperatives of activity
and employment (CAE) and employers' groups employ. It does not qualify auto-entrepreneurs nor volunteers.
Service civique volunteers are neither: each one needs an explicit decision of the reviewer, and stays
flagged in reports. The rules live here only; the application, the review and the reports read them.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from qualification.enums import EmploymentStatus


class Decision(models.TextChoices):
    ELIGIBLE = "eligible", _("Éligible")
    NEEDS_REVIEW = "needs_review", _("Décision de l'instructeur nécessaire")
    NOT_ELIGIBLE = "not_eligible", _("Non éligible")


@dataclass(frozen=True)
class Eligibility:
    status: str
    decision: str
    reason: str

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label


RULES = {
    EmploymentStatus.SALARIE: (
        Decision.ELIGIBLE,
        _("Un emploi salarié porté directement par la structure : c'est l'emploi durable que #APTIC veut consolider."),
    ),
    EmploymentStatus.CAE: (
        Decision.ELIGIBLE,
        _(
            "Une coopérative d'activités et d'emploi porte l'emploi d'intervenants pour qui la médiation numérique "
            "complète leurs revenus : un cadre salarié, agile et durable."
        ),
    ),
    EmploymentStatus.GROUPEMENT_EMPLOYEURS: (
        Decision.ELIGIBLE,
        _(
            "Un groupement d'employeurs porte des emplois salariés partagés entre plusieurs structures : un cadre "
            "durable pour les intervenants."
        ),
    ),
    EmploymentStatus.SERVICE_CIVIQUE: (
        Decision.NEEDS_REVIEW,
        _(
            "Le service civique est un engagement qui peut déboucher sur un emploi durable, mais il peut aussi "
            "devenir un mécanisme de moins-disant : l'équipe de la coopérative décide au cas par cas, et la "
            "personne reste signalée dans les rapports."
        ),
    ),
    EmploymentStatus.AUTO_ENTREPRENEUR: (
        Decision.NOT_ELIGIBLE,
        _(
            "L'auto-entreprenariat crée une inégalité de traitement avec les structures qui créent de l'emploi "
            "durable, ne permet pas la formation continue et se prête mal à une relation durable avec les personnes "
            "accompagnées : il ne peut pas être qualifié pour valider des chèques."
        ),
    ),
    EmploymentStatus.BENEVOLE: (
        Decision.NOT_ELIGIBLE,
        _(
            "Le bénévolat ne redistribue pas la valeur produite à celles et ceux qui rendent le service, et favorise "
            "les territoires denses où les bénévoles sont nombreux : il ne peut pas être qualifié pour valider des "
            "chèques."
        ),
    ),
}


def eligibility_of(status: str) -> Eligibility:
    decision, reason = RULES[EmploymentStatus(status)]
    return Eligibility(status=status, decision=decision, reason=str(reason))


@dataclass(frozen=True)
class StatusMix:
    status: str
    label: str
    count: int
    decision: str


def status_mix(statuses: Iterable[str]) -> list[StatusMix]:
    """The structure's mix of employment statuses, as shown to the reviewer and in reports."""
    counts = Counter(statuses)
    return [
        StatusMix(status=status.value, label=status.label, count=counts[status.value], decision=RULES[status][0])
        for status in EmploymentStatus
        if counts[status.value]
    ]
