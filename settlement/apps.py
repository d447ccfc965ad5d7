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
    # Database-kept history (accounts/history/): runs, payouts and bank accounts.
    history_tracked = {
        "SettlementRun": {
            "money": ["face_value_total", "downstream_fee_ht", "vat", "mutations", "paid_total", "held_total"]
        },
        "Payout": {
            "money": ["face_value_total", "downstream_fee_ht", "vat", "mutations", "paid_amount"],
            "masked": ["iban"],
        },
        "BankAccount": {"masked": ["iban"]},
    }
