from django.apps import AppConfig


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = "Contrepaiements"
    staff_permissions = {
        "finance": [
            "view_bankaccount",
            "view_mutationsconsent",
            "view_settlementrun",
            "change_settlementrun",
            "approve_settlementrun",
            "view_payout",
        ],
        "support": ["view_bankaccount", "view_mutationsconsent", "view_settlementrun", "view_payout"],
    }
