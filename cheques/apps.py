import datetime

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_fee_rates(sender, **kwargs):
    """A new database starts with the rates of the seed text, in force since 1 January 2026."""
    from cheques.models import FeeRates
    from cheques.pricing import SEED_RATES

    if not FeeRates.objects.exists():
        FeeRates.objects.create(
            valid_from=datetime.date(2026, 1, 1),
            face_value=SEED_RATES.face_value,
            upstream_fee_bp=SEED_RATES.upstream_fee_bp,
            downstream_fee_bp=SEED_RATES.downstream_fee_bp,
            vat_bp=SEED_RATES.vat_bp,
            mutations_bp=SEED_RATES.mutations_bp,
            decision="Barème initial (texte « faire fair »)",
        )


class ChequesConfig(AppConfig):
    name = "cheques"
    verbose_name = "Chèques"
    staff_permissions = {
        "finance": [
            "view_feerates",
            "add_feerates",
            "change_feerates",
            "view_order",
            "record_payment",
            "view_payment",
            "view_invoice",
            "view_carnet",
            "view_cheque",
        ],
        "support": ["view_feerates", "view_order", "view_invoice", "view_carnet", "view_cheque"],
    }

    # Database-kept history (accounts/history/): orders, the status of every cheque, the fee rates.
    history_tracked = {
        "Order": {"money": ["face_value", "face_value_total", "upstream_fee_ht", "vat", "total_ht", "total_ttc"]},
        "Cheque": {"fields": ["status"]},
        "FeeRates": {"money": ["face_value"]},
    }

    def ready(self):
        post_migrate.connect(_ensure_fee_rates, sender=self)
