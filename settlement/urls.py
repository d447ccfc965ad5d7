from django.urls import path

from settlement.views import staff, structure

urlpatterns = [
    path("espace/coordonnees-bancaires/", structure.bank_account, name="bank-account"),
    path("espace/mutations/", structure.mutations, name="mutations"),
    path("espace/contrepaiements/", structure.payouts, name="payouts"),
    path("espace/contrepaiements/<int:pk>/<slug:document>.pdf", structure.payout_document, name="payout-document"),
    path("equipe/contrepaiements/", staff.dashboard, name="staff-settlement"),
    path("equipe/comptes-bancaires/", staff.bank_accounts, name="staff-bank-accounts"),
    path(
        "equipe/comptes-bancaires/<int:pk>/<slug:decision>/",
        staff.bank_account_decide,
        name="staff-bank-account-decide",
    ),
]
