"""Loads the communes shipped with the project. Runs after every ``migrate`` and only fills what is missing."""

import csv
import json
from pathlib import Path

from django.db import connection, transaction

from aptic.text import normalize_search
from territories.models import Commune, Departement, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNE_COLUMNS = ["code", "name", "search_name", "departement_id", "postcodes", "population", "density7", "density3"]


def _commune_rows() -> list[tuple]:
    with (DATA_DIR / "communes_fr_2026_densite.csv").open(encoding="utf-8", newline="") as handle:
        return [
            (
                row["code_insee"],
                row["nom"],
                normalize_search(row["nom"]),
                row["departement_code"],
                row["codes_postaux"],
                int(row["population"] or 0),
                int(row["dens7"]) if row["dens7"] else None,
                row["densite3"],
            )
            for row in csv.DictReader(handle)
        ]


def _arrondissements_ensure_loaded() -> int:
    """Add the municipal arrondissements of Paris, Lyon and Marseille that are missing (databases loaded before
    they were shipped get them too). Each takes its city's département and density."""
    with (DATA_DIR / "arrondissements_municipaux_2026.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    present = set(Commune.objects.filter(code__in=[row["code_insee"] for row in rows]).values_list("code", flat=True))
    missing = [row for row in rows if row["code_insee"] not in present]
    if not missing:
        return 0
    cities = Commune.objects.in_bulk({row["commune_code"] for row in missing})
    Commune.objects.bulk_create(
        [
            Commune(
                code=row["code_insee"],
                name=row["nom"],
                search_name=normalize_search(row["nom"]),
                departement_id=cities[row["commune_code"]].departement_id,
                postcodes=row["codes_postaux"],
                population=int(row["population"] or 0),
                density7=cities[row["commune_code"]].density7,
                density3=cities[row["commune_code"]].density3,
                parent=cities[row["commune_code"]],
            )
            for row in missing
        ]
    )
    return len(missing)


@transaction.atomic
def territories_ensure_loaded() -> int:
    """Load régions, départements and communes if the commune table is empty, then the municipal
    arrondissements that are missing. Returns the communes and arrondissements added."""
    if Commune.objects.exists():
        return _arrondissements_ensure_loaded()
    regions = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))
    Region.objects.bulk_create([Region(code=row["code"], name=row["nom"]) for row in regions], ignore_conflicts=True)
    departements = json.loads((DATA_DIR / "departements.json").read_text(encoding="utf-8"))
    Departement.objects.bulk_create(
        [Departement(code=row["code"], name=row["nom"], region_id=row["region"]) for row in departements],
        ignore_conflicts=True,
    )
    rows = _commune_rows()
    table = Commune._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: a fresh test database (and every test that flushes it) reloads 35 000 rows in a blink.
            with cursor.copy(f"COPY {table} ({', '.join(COMMUNE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(COMMUNE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(COMMUNE_COLUMNS)}) VALUES ({placeholders})", rows)
    return len(rows) + _arrondissements_ensure_loaded()
