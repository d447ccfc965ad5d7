from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_territories(sender, **kwargs):
    from territories.loader import territories_ensure_loaded

    territories_ensure_loaded()


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = "Territoires"

    def ready(self):
        post_migrate.connect(_load_territories, sender=self)
