"""The first published version of the référentiel, shipped with the platform (``data/referentiel-v1.json``).

It is loaded, through the same import and publication services staff use, when the database holds no
version at all: on the first ``migrate`` of a new installation (and after each flush of the test suite).
"""

from pathlib import Path

from django.db import transaction

from referentiel.models import Version
from referentiel.services import version_import, version_publish

SEED_FILE = Path(__file__).resolve().parent / "data" / "referentiel-v1.json"
SEED_REASON = "Version initiale livrée avec la plateforme"


def seed_first_version() -> Version | None:
    """Import and publish the shipped version when there is no version yet; otherwise do nothing."""
    if Version.objects.exists():
        return None
    with transaction.atomic():
        draft = version_import(content=SEED_FILE.read_bytes(), filename=SEED_FILE.name, by=None)
        return version_publish(version=draft, valid_from=draft.valid_from, by=None, reason=SEED_REASON)
