from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_chart(sender, **kwargs):
    from ledger.services import chart_ensure

    chart_ensure()


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "Comptabilité"

    def ready(self):
        post_migrate.connect(_ensure_chart, sender=self)
