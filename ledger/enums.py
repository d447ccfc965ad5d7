from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Actif")
    LIABILITY = "liability", _("Passif")
    REVENUE = "revenue", _("Produit")
    EXPENSE = "expense", _("Charge")


class AccountCode(models.TextChoices):
    """The chart of accounts (DESIGN §2). Values are stable; the data migration creates one row each."""

    BANK = "bank", _("Banque")
    FUNDER_RECEIVABLE = "funder_receivable", _("Commanditaires — factures à encaisser")
    ORDERS_TO_ISSUE = "orders_to_issue", _("Commandes facturées — chèques à émettre")
    CHEQUES_OUTSTANDING = "cheques_outstanding", _("Chèques en circulation")
    FUNDER_CREDIT = "funder_credit", _("Commanditaires — avoirs (chèques expirés)")
    STRUCTURE_PAYABLE = "structure_payable", _("Structures — contrepaiements dus")
    SETTLEMENT_CLEARING = "settlement_clearing", _("Contrepaiements — virements en cours")
    UPSTREAM_FEE_REVENUE = "upstream_fee_revenue", _("Frais contributifs amont")
    DOWNSTREAM_FEE_REVENUE = "downstream_fee_revenue", _("Frais contributifs aval")
    VAT_COLLECTED = "vat_collected", _("TVA collectée")
    MUTATIONS_PAYABLE = "mutations_payable", _("Fonds de dotation Mutations — à reverser")


ACCOUNT_KINDS = {
    AccountCode.BANK: AccountKind.ASSET,
    AccountCode.FUNDER_RECEIVABLE: AccountKind.ASSET,
    AccountCode.ORDERS_TO_ISSUE: AccountKind.LIABILITY,
    AccountCode.CHEQUES_OUTSTANDING: AccountKind.LIABILITY,
    AccountCode.FUNDER_CREDIT: AccountKind.LIABILITY,
    AccountCode.STRUCTURE_PAYABLE: AccountKind.LIABILITY,
    AccountCode.SETTLEMENT_CLEARING: AccountKind.LIABILITY,
    AccountCode.UPSTREAM_FEE_REVENUE: AccountKind.REVENUE,
    AccountCode.DOWNSTREAM_FEE_REVENUE: AccountKind.REVENUE,
    AccountCode.VAT_COLLECTED: AccountKind.LIABILITY,
    AccountCode.MUTATIONS_PAYABLE: AccountKind.LIABILITY,
}

# Liabilities and revenue grow with credits: their natural balance is minus the sum of their legs.
CREDIT_NORMAL_KINDS = {AccountKind.LIABILITY, AccountKind.REVENUE}
