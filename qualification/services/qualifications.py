"""Qualifications of lieux and médiateurs: granted on approval, suspended, reinstated, revoked, expired.

active (valid from … until …) → suspended ↺ → expired / revoked. A lieu's qualification lasts two years;
the structure is reminded before it ends and renews it with a lighter application.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aptic.errors import BusinessError
from qualification import notifications
from qualification.eligibility import Decision, eligibility_of
from qualification.enums import EmploymentStatus, QualificationStatus
from qualification.models import LIVE_STATUSES, Application, MediateurQualification, Qualification, Transition
from qualification.services.transitions import transition

VALIDITY_YEARS = 2
REMINDER_DAYS = 60


def validity_end(valid_from: datetime.date) -> datetime.date:
    """Two years, the day before the anniversary (29 February falls back to the 28th)."""
    try:
        anniversary = valid_from.replace(year=valid_from.year + VALIDITY_YEARS)
    except ValueError:
        anniversary = valid_from.replace(year=valid_from.year + VALIDITY_YEARS, day=28)
    return anniversary - datetime.timedelta(days=1)


def _retire_previous(qualification: Qualification, *, by, reason: str) -> None:
    for mediateur_qualification in qualification.mediateurs.filter(status__in=LIVE_STATUSES):
        transition(
            mediateur_qualification,
            to=QualificationStatus.EXPIRED,
            allowed_from=set(LIVE_STATUSES),
            by=by,
            reason=reason,
            log_field="mediateur_qualification",
            action="qualification.mediateur_qualification.expired",
        )
    transition(
        qualification,
        to=QualificationStatus.EXPIRED,
        allowed_from=set(LIVE_STATUSES),
        by=by,
        reason=reason,
        log_field="qualification",
        action="qualification.qualification.expired",
        organisation=qualification.lieu.structure,
    )


@transaction.atomic
def qualification_grant(
    *,
    application: Application,
    by,
    valid_from: datetime.date | None = None,
    service_civique_accepted: set[int] = frozenset(),
) -> Qualification:
    """Create the lieu's qualification and each eligible médiateur's, from an approved application."""
    lieu = application.lieu
    valid_from = valid_from or timezone.localdate()
    if application.renewal_of_id:
        previous = application.renewal_of
        if previous.status in LIVE_STATUSES:
            _retire_previous(
                previous, by=by, reason=_("Renouvelée par la candidature n° %(id)s") % {"id": application.pk}
            )
    elif lieu.qualifications.filter(status__in=LIVE_STATUSES).exists():
        raise BusinessError(_("Ce lieu est déjà qualifié."), code="already_qualified", status=409)
    qualification = Qualification.objects.create(
        lieu=lieu, application=application, valid_from=valid_from, valid_until=validity_end(valid_from)
    )
    Transition.objects.create(
        qualification=qualification,
        to_status=QualificationStatus.ACTIVE,
        actor=by,
        reason=_("Candidature n° %(id)s approuvée") % {"id": application.pk},
    )
    for mediateur in lieu.mediateurs.all():
        decision = eligibility_of(mediateur.employment_status).decision
        if decision == Decision.NOT_ELIGIBLE:
            continue
        if decision == Decision.NEEDS_REVIEW and mediateur.pk not in service_civique_accepted:
            continue
        if mediateur.convention_end and mediateur.convention_end < valid_from:
            continue
        until = min(qualification.valid_until, mediateur.convention_end or qualification.valid_until)
        mediateur_qualification = MediateurQualification.objects.create(
            mediateur=mediateur,
            qualification=qualification,
            valid_from=valid_from,
            valid_until=until,
            flagged=mediateur.employment_status == EmploymentStatus.SERVICE_CIVIQUE,
        )
        Transition.objects.create(
            mediateur_qualification=mediateur_qualification, to_status=QualificationStatus.ACTIVE, actor=by
        )
    from qualification.tasks import send_certificate

    send_certificate.delay_on_commit(qualification.pk)
    return qualification


def _change(subject, *, to: str, allowed_from: set[str], reason: str, by, kind: str) -> None:
    if not reason.strip():
        raise BusinessError(_("Le motif est obligatoire."), code="reason_required")
    is_lieu = isinstance(subject, Qualification)
    organisation = subject.lieu.structure if is_lieu else subject.mediateur.structure
    transition(
        subject,
        to=to,
        allowed_from=allowed_from,
        by=by,
        reason=reason.strip(),
        log_field="qualification" if is_lieu else "mediateur_qualification",
        action=f"qualification.{kind}.{to}",
        organisation=organisation,
    )


@transaction.atomic
def qualification_suspend(*, qualification: Qualification, reason: str, by) -> None:
    """Suspend a lieu: no cheque can be redeemed there until it is reinstated."""
    _change(
        qualification,
        to=QualificationStatus.SUSPENDED,
        allowed_from={QualificationStatus.ACTIVE},
        reason=reason,
        by=by,
        kind="qualification",
    )
    notifications.qualification_changed(qualification, reason)


@transaction.atomic
def qualification_reinstate(*, qualification: Qualification, reason: str, by) -> None:
    _change(
        qualification,
        to=QualificationStatus.ACTIVE,
        allowed_from={QualificationStatus.SUSPENDED},
        reason=reason,
        by=by,
        kind="qualification",
    )
    notifications.qualification_changed(qualification, reason)


@transaction.atomic
def qualification_revoke(*, qualification: Qualification, reason: str, by) -> None:
    """Revoke a lieu's qualification for good, and its médiateurs' with it."""
    _change(
        qualification,
        to=QualificationStatus.REVOKED,
        allowed_from=set(LIVE_STATUSES),
        reason=reason,
        by=by,
        kind="qualification",
    )
    for mediateur_qualification in qualification.mediateurs.filter(status__in=LIVE_STATUSES):
        _change(
            mediateur_qualification,
            to=QualificationStatus.REVOKED,
            allowed_from=set(LIVE_STATUSES),
            reason=reason,
            by=by,
            kind="mediateur_qualification",
        )
    notifications.qualification_changed(qualification, reason)


@transaction.atomic
def mediateur_qualification_suspend(*, mediateur_qualification: MediateurQualification, reason: str, by) -> None:
    _change(
        mediateur_qualification,
        to=QualificationStatus.SUSPENDED,
        allowed_from={QualificationStatus.ACTIVE},
        reason=reason,
        by=by,
        kind="mediateur_qualification",
    )


@transaction.atomic
def mediateur_qualification_reinstate(*, mediateur_qualification: MediateurQualification, reason: str, by) -> None:
    _change(
        mediateur_qualification,
        to=QualificationStatus.ACTIVE,
        allowed_from={QualificationStatus.SUSPENDED},
        reason=reason,
        by=by,
        kind="mediateur_qualification",
    )


@transaction.atomic
def mediateur_qualification_revoke(*, mediateur_qualification: MediateurQualification, reason: str, by) -> None:
    _change(
        mediateur_qualification,
        to=QualificationStatus.REVOKED,
        allowed_from=set(LIVE_STATUSES),
        reason=reason,
        by=by,
        kind="mediateur_qualification",
    )


@transaction.atomic
def qualifications_expire(*, on: datetime.date | None = None) -> int:
    """Expire every qualification (of lieux and médiateurs) whose validity ended before ``on``. Idempotent.

    Set-based: one UPDATE per table, and the log rows written in bulk for exactly the rows it changed.
    """
    on = on or timezone.localdate()
    expired = 0
    for model, log_field in ((MediateurQualification, "mediateur_qualification"), (Qualification, "qualification")):
        rows = list(
            model.objects.select_for_update()
            .filter(status__in=LIVE_STATUSES, valid_until__lt=on)
            .values_list("pk", "status")
        )
        if not rows:
            continue
        model.objects.filter(pk__in=[pk for pk, _status in rows]).update(status=QualificationStatus.EXPIRED)
        Transition.objects.bulk_create(
            Transition(
                **{f"{log_field}_id": pk},
                from_status=status,
                to_status=QualificationStatus.EXPIRED,
                reason=_("Validité échue"),
            )
            for pk, status in rows
        )
        expired += len(rows)
    return expired


def qualifications_remind(*, on: datetime.date | None = None) -> int:
    """E-mail structures whose lieu's qualification ends within 60 days, once per qualification."""
    on = on or timezone.localdate()
    due = Qualification.objects.filter(
        status=QualificationStatus.ACTIVE,
        reminded_at__isnull=True,
        valid_until__gte=on,
        valid_until__lte=on + datetime.timedelta(days=REMINDER_DAYS),
    )
    sent = 0
    for qualification_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Qualification.objects.filter(pk=qualification_id, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if claimed:
                transaction.on_commit(lambda pk=qualification_id: notifications.renewal_reminder(pk))
                sent += 1
    return sent
