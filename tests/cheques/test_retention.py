"""The anonymous beneficiary profiles are deleted once their retention period is over (nightly, from beat)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.models import AuditEvent
from cheques.enums import CarnetStatus, OrderStatus
from cheques.models import BeneficiaryProfile, Carnet
from cheques.services import distribution
from cheques.services.retention import beneficiary_profiles_purge, years_before
from cheques.tasks import beneficiary_profiles_purge_task
from ledger.services import journal_is_balanced
from territories.models import Commune
from tests.conftest import PARIS
from tests.factories import member, order_through

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _noon(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=PARIS), tick=False)


@pytest.fixture
def hand_out():
    order = order_through(OrderStatus.ISSUED, quantity=30, carnet_size=10)
    holder = member(OrganisationKind.DISTRIBUTEUR)
    distributeur = holder.memberships.get().organisation
    distribution.partnership_add(funder=order.funder, distributeur=distributeur, by=order.created_by)
    distribution.carnets_assign(
        funder=order.funder, carnets=order.carnets.all(), distributeur=distributeur, by=order.created_by
    )
    carnets = iter(order.carnets.order_by("number"))

    def _hand_out(**profile):
        return distribution.carnet_hand_out(carnet=next(carnets), distributeur=distributeur, by=holder, **profile)

    return _hand_out


def test_profiles_are_kept_for_the_retention_period_then_deleted_once(hand_out):
    handed_on = timezone.localdate()
    first = hand_out(age_band="65_79", commune=Commune.objects.get(code="15187"), situation="retired")
    with _noon(handed_on + datetime.timedelta(days=100)):
        later = hand_out(situation="job_seeker")
    hand_out()  # no profile noted
    assert settings.BENEFICIARY_PROFILE_RETENTION_YEARS == 3

    with _noon(_years_after(handed_on, 3)):  # three full years: still kept
        assert beneficiary_profiles_purge() == 0
    with _noon(_years_after(handed_on, 3) + datetime.timedelta(days=1)):
        assert beneficiary_profiles_purge() == 1
        assert beneficiary_profiles_purge() == 0  # idempotent: beat may run it twice
    assert list(BeneficiaryProfile.objects.values_list("carnet", flat=True)) == [later.pk]
    # Only the profile goes: the carnet, its hand-out and the money records stay.
    assert Carnet.objects.get(pk=first.pk).status == CarnetStatus.DISTRIBUTED
    assert journal_is_balanced()
    event = AuditEvent.objects.get(action="cheques.beneficiary_profiles.purged")
    assert event.data == {"count": 1, "recorded_before": (handed_on + datetime.timedelta(days=1)).isoformat()}

    with _noon(_years_after(handed_on + datetime.timedelta(days=100), 3) + datetime.timedelta(days=1)):
        assert beneficiary_profiles_purge_task.delay().get() == 1  # what beat runs
    assert not BeneficiaryProfile.objects.exists()


def test_the_purge_is_one_statement_whatever_the_number_of_profiles(hand_out, django_assert_max_num_queries):
    for _ in range(3):
        hand_out(situation="student")
    old = timezone.localdate() - datetime.timedelta(days=4 * 366)
    BeneficiaryProfile.objects.update(recorded_on=old)
    with django_assert_max_num_queries(4):  # the DELETE, the audit row, a savepoint
        assert beneficiary_profiles_purge() == 3


def test_the_retention_period_is_a_setting(hand_out, settings):
    hand_out(age_band="18_25")
    settings.BENEFICIARY_PROFILE_RETENTION_YEARS = 1
    with _noon(_years_after(timezone.localdate(), 1) + datetime.timedelta(days=1)):
        assert beneficiary_profiles_purge() == 1


def test_beat_runs_the_purge_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["beneficiary-profiles-purge"]
    assert entry["task"] == beneficiary_profiles_purge_task.name
    assert entry["schedule"].hour == {0}


def test_a_year_back_from_29_february_is_28_february():
    assert years_before(datetime.date(2028, 2, 29), 3) == datetime.date(2025, 2, 28)
    assert years_before(datetime.date(2027, 3, 1), 3) == datetime.date(2024, 3, 1)
