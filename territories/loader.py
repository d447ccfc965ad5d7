"""Loads the communes shipped with the project. Runs after every ``migrate`` and only fills what is empty."""

import csv
import json
from pathlib import Path

from django.db import transaction

from aptic.text import normalize_search
from territories.models import Commune, Departement, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def territories_ensure_loaded() -> int:
    """Load régions, départements and communes if the commune table is empty. Returns rows added."""
    if Commune.objects.exists():
        return 0
    regions = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    Region.objects.bulk_create([Region(code=row["code"], name=row["nom"]) for row in regions], ignore_conflicts=True)
    departements = json.loads((DATA_DIR / "departements.json").read_text(encoding="utf-8"))
    Departement.objects.bulk_create(
        [Departement(code=row["code"], name=row["nom"], region_id=row["region"]) for row in departements],
        ignore_conflicts=True,
    )
    with (DATA_DIR / "communes_fr_2026_densite.csv").open(encoding="utf-8", newline="") as handle:
        communes = [
            Commune(
                code=row["code_insee"],
                name=row["nom"],
                search_name=normalize_search(row["nom"]),
                departement_id=row["departement_code"],
                postcodes=row["codes_postaux"],
                population=int(row["population"] or 0),
                density7=int(row["dens7"]) if row["dens7"] else None,
                density3=row["densite3"],
            )
            for row in csv.DictReader(handle)
        ]
    Commune.objects.bulk_create(communes, batch_size=2000)
    return len(communes)
