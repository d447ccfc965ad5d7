"""How long what is noted about beneficiaries is kept: the anonymous profile of a hand-out is deleted
``BENEFICIARY_PROFILE_RETENTION_YEARS`` after it (the "données personnelles" page says so). Set-based and
idempotent: beat runs it nightly, and running it twice deletes nothing more."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.services import audit_record
from cheques.models import BeneficiaryProfile


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def beneficiary_profiles_retention_start(*, today: datetime.date | None = None) -> datetime.date:
    """The first hand-out day whose profile is still kept today."""
    return years_before(today or timezone.localdate(), settings.BENEFICIARY_PROFILE_RETENTION_YEARS)


@transaction.atomic
def beneficiary_profiles_purge(*, today: datetime.date | None = None) -> int:
    """Delete, in one statement, every profile noted before the retention period; returns how many."""
    kept_from = beneficiary_profiles_retention_start(today=today)
    deleted, _by_model = BeneficiaryProfile.objects.filter(recorded_on__lt=kept_from).delete()
    if deleted:
        audit_record(
            action="cheques.beneficiary_profiles.purged",
            data={"count": deleted, "recorded_before": kept_from.isoformat()},
        )
    return deleted
