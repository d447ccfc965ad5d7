"""What the database itself guarantees about the référentiel (PostgreSQL triggers, real transactions)."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from referentiel import services
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Service, Version
from tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_first_version_comes_back_after_the_tables_are_emptied():
    """Transactional tests empty every table; the reference data are loaded again each time."""
    version = Version.objects.get()
    assert version.number == 1 and version.status == VersionStatus.PUBLISHED
    assert version.services.count() >= 30


@pytest.mark.postgres
def test_the_database_refuses_any_change_to_a_published_version():
    v1 = Version.objects.get(number=1)
    service = v1.services.get(code="mots-de-passe")
    attempts = [
        lambda: Version.objects.filter(pk=v1.pk).update(label="Réécrit"),
        lambda: connection.cursor().execute("DELETE FROM referentiel_version WHERE id = %s", [v1.pk]),
        lambda: Service.objects.filter(pk=service.pk).update(cost_in_cheques=5),
        lambda: Category.objects.filter(version=v1).update(label="Réécrit"),
        lambda: Service.formats.through.objects.filter(service=service).delete(),
        lambda: Service.formats.through.objects.create(service=service, format=Format.objects.get(value="a_distance")),
        lambda: Service.objects.bulk_create(
            [
                Service(
                    version=v1,
                    category=service.category,
                    code="ajout",
                    label="Ajout",
                    description="x",
                    duration_minutes=60,
                    search_label="ajout",
                )
            ]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="published"), transaction.atomic():
            attempt()
    service.refresh_from_db()
    assert service.cost_in_cheques == 1 and list(service.formats.values_list("value", flat=True)) == [
        "individuel",
        "collectif",
    ]


@pytest.mark.postgres
def test_the_database_refuses_a_service_filed_under_another_versions_category():
    v1 = Version.objects.get(number=1)
    draft = services.version_create(label="Brouillon", by=None)
    category = CategoryFactory(version=draft)
    service = ServiceFactory(category=category)
    with pytest.raises(IntegrityError, match="another version"), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(category=v1.categories.first())
    # A draft stays free to change.
    Service.objects.filter(pk=service.pk).update(cost_in_cheques=2)
    Service.objects.filter(pk=service.pk).delete()


def _run_together(*functions):
    """Run each function in its own thread and database connection, released at the same moment."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 - collected and asserted by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgres
def test_drafts_created_at_the_same_time_get_different_numbers():
    v1 = Version.objects.get(number=1)
    results, errors = _run_together(*[lambda: services.version_copy(version=v1, by=None).number] * 4)
    assert errors == [] and sorted(results) == [2, 3, 4, 5]


@pytest.mark.postgres
def test_publications_at_the_same_time_keep_dates_in_order():
    v1 = Version.objects.get(number=1)
    early, late = (services.version_copy(version=v1, by=None) for _ in range(2))
    today = timezone.localdate()

    def publish(version, days):
        return lambda: services.version_publish(
            version=Version.objects.get(pk=version.pk), valid_from=today + datetime.timedelta(days=days), by=None
        )

    results, errors = _run_together(publish(late, 20), publish(early, 10))
    assert len(results) + len(errors) == 2
    assert all("postérieure à celle de la version" in str(error) for error in errors)
    # v1 was published by the migrations, on the wall clock; the two new ones on the test's clock.
    published = list(Version.objects.published().exclude(pk=v1.pk).order_by("published_at"))
    dates = [v1.valid_from] + [version.valid_from for version in published]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
