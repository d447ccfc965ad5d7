"""Demo lieux: one in a dense city (Lyon), one in a rural commune (Allanche, Cantal)."""

from decimal import Decimal

from accounts.models import Organisation
from qualification.models import Lieu
from territories.models import Commune

LIEUX = [
    # structure, name, address, postcode, commune INSEE code, latitude, longitude
    (
        "Les Connecteurs — Lyon (démo)",
        "Espace numérique de la Croix-Rousse",
        "12 rue d'Austerlitz",
        "69004",
        "69123",
        Decimal("45.774700"),
        Decimal("4.831600"),
    ),
    (
        "Les Connecteurs — Lyon (démo)",
        "Point numérique de la Guillotière",
        "5 place Gabriel Péri",
        "69007",
        "69123",
        Decimal("45.754900"),
        Decimal("4.843400"),
    ),
    (
        "Numérique en Cézallier (démo)",
        "Maison des services d'Allanche",
        "Place de l'Église",
        "15160",
        "15001",
        Decimal("45.229400"),
        Decimal("2.935700"),
    ),
]


def load(stdout) -> None:
    for structure_name, name, address, postcode, commune_code, latitude, longitude in LIEUX:
        Lieu.objects.get_or_create(
            structure=Organisation.objects.get(name=structure_name),
            name=name,
            defaults={
                "address": address,
                "postcode": postcode,
                "commune": Commune.objects.get(code=commune_code),
                "latitude": latitude,
                "longitude": longitude,
            },
        )
    stdout.write(f"  qualification: {len(LIEUX)} lieux")
