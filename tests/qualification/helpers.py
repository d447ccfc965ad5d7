"""Building blocks for qualification tests: a référentiel in force, a complete application."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from qualification.charter import COMMITMENTS, QUALITY_CRITERIA
from qualification.enums import EmploymentStatus
from qualification.services import applications as services
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Service, StandardService, Version
from territories.models import Commune
from tests.factories import OrganisationFactory, member

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def referentiel_in_force() -> Version:
    """The version in force today, or a small published one when the database has none."""
    version = Version.objects.in_force()
    if version is not None:
        return version
    version = Version.objects.create(number=900, label="Référentiel de test", status=VersionStatus.DRAFT)
    category = Category.objects.create(version=version, code="demarches", label="Démarches en ligne")
    service = Service.objects.create(
        version=version,
        category=category,
        code="demarches-caf",
        label="Déclarer ses ressources à la CAF",
        description="Pas à pas.",
        duration_minutes=60,
        cost_in_cheques=1,
    )
    service.standard_services.set(StandardService.objects.filter(value="aide_demarches_administratives"))
    service.formats.set(Format.objects.filter(value="individuel"))
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, valid_from=datetime.date(2020, 1, 1), published_at=timezone.now()
    )
    version.refresh_from_db()
    return version


def structure_admin(**kwargs):
    organisation = OrganisationFactory(
        kind=OrganisationKind.STRUCTURE, legal_form="association", email="contact@structure.test", **kwargs
    )
    return member(organisation=organisation, role=MembershipRole.ADMIN), organisation


def complete_application(*, statuses=(EmploymentStatus.SALARIE,), commune_code="69123"):
    """A structure admin and an application with every step filled in (ready to submit)."""
    user, structure = structure_admin()
    application = services.application_start(structure=structure, by=user)
    commune = Commune.objects.get(code=commune_code)
    services.application_save_lieu(
        application=application,
        by=user,
        data={
            "name": "Espace numérique des Pentes",
            "address": "3 rue des Tables Claudiennes",
            "postcode": commune.main_postcode,
            "commune": commune,
            "opening_hours": "Mo-Fr 09:00-17:00",
            "latitude": None,
            "longitude": None,
        },
    )
    version = referentiel_in_force()
    services.application_save_offer(
        application=application,
        by=user,
        services=list(version.services.all()[:3]),
        formats=list(Format.objects.all()[:2]),
    )
    for index, status in enumerate(statuses):
        services.application_save_mediateur(
            application=application,
            by=user,
            data={
                "first_name": "Alex",
                "last_name": f"Médiateur{index}",
                "email": f"mediateur{index}@structure.test",
                "employment_status": status,
                "convention_start": datetime.date(2026, 1, 1),
            },
        )
    services.application_accept_charter(
        application=application, by=user, accepted=[identifier for identifier, _text in COMMITMENTS]
    )
    services.application_save_quality(
        application=application,
        by=user,
        answers={
            identifier: "Une réponse circonstanciée de plusieurs phrases." for identifier, _q in QUALITY_CRITERIA
        },
    )
    services.application_add_document(
        application=application, by=user, kind="statuts", uploaded_file=SimpleUploadedFile("statuts.pdf", PDF_BYTES)
    )
    application.refresh_from_db()
    return user, application
