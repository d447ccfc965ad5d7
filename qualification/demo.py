"""Demo lieux, médiateurs and qualifications: one lieu in a dense city (Lyon), one in a rural commune
(Allanche, Cantal), both qualified until the end of 2028 with their médiateurs."""

import datetime
from decimal import Decimal

from accounts.models import Organisation, User
from qualification.enums import EmploymentStatus, QualificationStatus
from qualification.models import Lieu, Mediateur, MediateurQualification, Qualification
from referentiel.models import Format, Version
from territories.models import Commune

VALID_FROM = datetime.date(2026, 1, 1)
VALID_UNTIL = datetime.date(2028, 12, 31)

LIEUX = [
    # structure, name, address, postcode, commune INSEE code, latitude, longitude, opening hours
    (
        "Les Connecteurs — Lyon (démo)",
        "Espace numérique de la Croix-Rousse",
        "12 rue d'Austerlitz",
        "69004",
        "69123",
        Decimal("45.774700"),
        Decimal("4.831600"),
        "Mo-Fr 09:00-12:30,14:00-18:00",
    ),
    (
        "Les Connecteurs — Lyon (démo)",
        "Point numérique de la Guillotière",
        "5 place Gabriel Péri",
        "69007",
        "69123",
        Decimal("45.754900"),
        Decimal("4.843400"),
        "Tu-Sa 10:00-17:00",
    ),
    (
        "Numérique en Cézallier (démo)",
        "Maison des services d'Allanche",
        "Place de l'Église",
        "15160",
        "15001",
        Decimal("45.229400"),
        Decimal("2.935700"),
        "Mo,Th 09:00-12:00; We 14:00-17:00",
    ),
]

MEDIATEURS = [
    # login, lieu, employment status
    ("mediateur@demo.aptic.test", "Espace numérique de la Croix-Rousse", EmploymentStatus.SALARIE),
    ("mediateur@demo.aptic.test", "Point numérique de la Guillotière", EmploymentStatus.SALARIE),
    ("mediateur.rural@demo.aptic.test", "Maison des services d'Allanche", EmploymentStatus.CAE),
]


def load(stdout) -> None:
    version = Version.objects.in_force(VALID_FROM) or Version.objects.in_force()
    lieux = {}
    for structure_name, name, address, postcode, commune_code, latitude, longitude, hours in LIEUX:
        lieu, created = Lieu.objects.get_or_create(
            structure=Organisation.objects.get(name=structure_name),
            name=name,
            defaults={
                "address": address,
                "postcode": postcode,
                "commune": Commune.objects.get(code=commune_code),
                "latitude": latitude,
                "longitude": longitude,
                "opening_hours": hours,
                "email": "contact@demo.aptic.test",
                "accessibility": "Accès de plain-pied, boucle magnétique.",
            },
        )
        if created or not lieu.formats.exists():
            lieu.formats.set(Format.objects.active())
        if version is not None and not lieu.services.exists():
            lieu.services.set(version.services.all())
            lieu.standard_services.set(
                {s for service in version.services.all() for s in service.standard_services.all()}
            )
        qualification, _ = Qualification.objects.get_or_create(
            lieu=lieu,
            status=QualificationStatus.ACTIVE,
            defaults={"valid_from": VALID_FROM, "valid_until": VALID_UNTIL},
        )
        lieux[name] = (lieu, qualification)
    for email, lieu_name, status in MEDIATEURS:
        user = User.objects.get(email=email)
        lieu, qualification = lieux[lieu_name]
        mediateur, _ = Mediateur.objects.get_or_create(
            lieu=lieu,
            email=email,
            defaults={
                "structure": lieu.structure,
                "user": user,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "employment_status": status,
                "convention_start": VALID_FROM,
            },
        )
        MediateurQualification.objects.get_or_create(
            mediateur=mediateur,
            status=QualificationStatus.ACTIVE,
            defaults={"qualification": qualification, "valid_from": VALID_FROM, "valid_until": VALID_UNTIL},
        )
    stdout.write(f"  qualification: {len(LIEUX)} qualified lieux, {len(MEDIATEURS)} médiateur conventions")
