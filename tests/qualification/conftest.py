import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def catalogue(db):
    """A published référentiel version with two services, each mapped to a service of the standard."""
    version = Version.objects.create(number=1, label="Référentiel de test")
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
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED,
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
        published_at=timezone.now(),
    )
    return services
