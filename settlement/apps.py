from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = "Contrepaiements"
    staff_permissions = {
        "finance": ["view_bankaccount", "view_mutationsconsent"],
        "support": ["view_bankaccount", "view_mutationsconsent"],
    }
