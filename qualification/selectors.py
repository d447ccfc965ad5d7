"""Reads about lieux and qualifications, used by the directory, the cheques and the counter."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from qualification.enums import QualificationStatus
from qualification.models import Lieu, MediateurQualification, Qualification


def lieux_qualified(on: datetime.date | None = None) -> QuerySet[Lieu]:
    """Lieux whose qualification is active on ``on`` (today by default): the only ones shown to the public
    and the only ones where cheques may be redeemed."""
    on = on or timezone.localdate()
    return Lieu.objects.filter(
        qualifications__status=QualificationStatus.ACTIVE,
        qualifications__valid_from__lte=on,
        qualifications__valid_until__gte=on,
    ).distinct()


def lieu_qualification_on(lieu: Lieu, on: datetime.date | None = None) -> Qualification | None:
    """The active qualification of ``lieu`` on ``on``, if any."""
    on = on or timezone.localdate()
    return lieu.qualifications.filter(
        status=QualificationStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on
    ).first()


def mediateur_qualification_on(*, user, lieu: Lieu, on: datetime.date | None = None) -> MediateurQualification | None:
    """The active qualification of the médiateur ``user`` at ``lieu`` on ``on``, if any."""
    on = on or timezone.localdate()
    return (
        MediateurQualification.objects.filter(
            mediateur__user=user,
            mediateur__lieu=lieu,
            status=QualificationStatus.ACTIVE,
            valid_from__lte=on,
            valid_until__gte=on,
            qualification__status=QualificationStatus.ACTIVE,
        )
        .select_related("mediateur", "qualification")
        .first()
    )
