"""Building blocks of counter tests: issued cheques with their codes, a qualified médiateur at a qualified lieu."""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from cheques import tasks
from cheques.enums import OrderStatus
from cheques.services.issuance import order_issue
from qualification.enums import EmploymentStatus
from qualification.models import Mediateur, MediateurQualification
from referentiel.models import Version
from tests.factories import LieuFactory, OrganisationFactory, member, order_through, qualify

SERVICES = ["smartphone-premiers-pas", "retraite-en-ligne", "parcours-bien-demarrer"]  # cost 1, 2 and 3


@contextmanager
def _issuance_held():
    """Where transactions commit (transactional tests), tasks queued on commit run inline: issuance would run
    before this helper can read the codes, and printing would then discard them. Hold both meanwhile."""
    held = (tasks.order_issue_task, tasks.print_job_start_task)
    saved = [task.delay_on_commit for task in held]
    for task in held:
        task.delay_on_commit = lambda *args, **kwargs: None
    try:
        yield
    finally:
        for task, original in zip(held, saved, strict=True):
            task.delay_on_commit = original


def issued_codes(*, quantity: int = 20, carnet_size: int = 10, **order_kwargs):
    """An issued order and ``{cheque number: code}`` for each of its cheques."""
    with _issuance_held():
        order = order_through(OrderStatus.PAID, quantity=quantity, carnet_size=carnet_size, **order_kwargs)
        pairs = []
        order_issue(order_id=order.pk, code_sink=pairs.extend)
    order.refresh_from_db()
    return order, dict(pairs)


def counter_lieu(*, commune_code: str = "69123", structure=None, qualified: bool = True, services=SERVICES):
    """A lieu of a structure offering ``services`` (codes of the référentiel in force), qualified today."""
    structure = structure or OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    from territories.models import Commune

    lieu = LieuFactory(structure=structure, commune=Commune.objects.get(code=commune_code))
    lieu.services.set(Version.objects.in_force().services.filter(code__in=services))
    if qualified:
        qualify(lieu)
    return lieu


def mediateur_at(lieu, *, status: str = EmploymentStatus.SALARIE, qualified: bool = True, user=None):
    """A person of the lieu's structure, declared at the lieu, qualified for it (unless told otherwise)."""
    user = user or member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR, organisation=lieu.structure)
    mediateur = Mediateur.objects.create(
        structure=lieu.structure,
        lieu=lieu,
        user=user,
        first_name="Lou",
        last_name="Médiatrice",
        email=user.email,
        employment_status=status,
        convention_start=datetime.date(2026, 1, 1),
    )
    if qualified:
        qualification = lieu.qualifications.get()
        today = timezone.localdate()
        MediateurQualification.objects.create(
            mediateur=mediateur,
            qualification=qualification,
            valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=300),
            flagged=status == EmploymentStatus.SERVICE_CIVIQUE,
        )
    return user, mediateur
