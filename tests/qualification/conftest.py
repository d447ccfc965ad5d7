import datetime
from pathlib import Path

import pytest
from django.db.models import Max
from django.utils import timezone

from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def catalogue(db):
    """A published référentiel version with two services, each mapped to a service of the standard."""
    number = (Version.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    version = Version.objects.create(number=number, label="Référentiel de test")
    category = Category.objects.create(version=version, code="demarches", label="Démarches")
    services = {}
    for code, label, standard, publics in (
        ("demarches-en-ligne", "Faire ses démarches en ligne", "aide_demarches_administratives", ["tous_publics"]),
        ("smartphone", "Prendre en main son smartphone", "maitrise_outils_numeriques", ["seniors"]),
    ):
        service = Service.objects.create(
            version=version,
            category=category,
            code=code,
            label=label,
            description=label,
            duration_minutes=60,
        )
        service.standard_services.set([StandardService.objects.get(value=standard)])
        service.publics.set(Public.objects.filter(value__in=publics))
        service.formats.set(Format.objects.all())
        services[code] = service
    # In force since yesterday (or the first free day before), after any version the database already has.
    valid_from = timezone.localdate() - datetime.timedelta(days=1)
    while Version.objects.published().filter(valid_from=valid_from).exists():
        valid_from -= datetime.timedelta(days=1)
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, valid_from=valid_from, published_at=timezone.now()
    )
    return services
