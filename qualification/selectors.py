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


def applications_visible_to(access):
    """Staff of the qualification team see every application; a structure sees its own; others none."""
    from accounts.enums import StaffRole
    from qualification.models import Application

    applications = Application.objects.select_related("structure", "lieu__commune")
    if access.has_staff_role(StaffRole.QUALIFICATION) or access.has_staff_role(StaffRole.SUPPORT):
        return applications
    if access.is_structure:
        return applications.filter(structure=access.organisation)
    return applications.none()


def qualifications_of_structure(structure):
    return (
        Qualification.objects.filter(lieu__structure=structure)
        .select_related("lieu__commune", "application")
        .order_by("lieu__name", "-valid_from")
    )


def mediateur_qualification_of(*, mediateur, lieu: Lieu, on: datetime.date | None = None):
    """The active qualification of ``mediateur`` (a Mediateur row) at ``lieu`` on ``on``, if any."""
    on = on or timezone.localdate()
    if mediateur.lieu_id != lieu.pk:
        return None
    return (
        MediateurQualification.objects.filter(
            mediateur=mediateur,
            status=QualificationStatus.ACTIVE,
            valid_from__lte=on,
            valid_until__gte=on,
            qualification__status=QualificationStatus.ACTIVE,
        )
        .select_related("mediateur", "qualification")
        .first()
    )
