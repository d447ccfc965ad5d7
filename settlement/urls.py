from django.urls import path

from settlement.views import staff, structure

urlpatterns = [
    path("espace/coordonnees-bancaires/", structure.bank_account, name="bank-account"),
    path("espace/mutations/", structure.mutations, name="mutations"),
    path("equipe/comptes-bancaires/", staff.bank_accounts, name="staff-bank-accounts"),
    path(
        "equipe/comptes-bancaires/<int:pk>/<slug:decision>/",
        staff.bank_account_decide,
        name="staff-bank-account-decide",
    ),
]
