"""The double-entry journal. It knows no domain: other apps post to it through ``ledger.services``.

Signs: a leg's ``amount`` is in cents, positive for a debit, negative for a credit. The legs of a
transaction sum to zero. Rows are never updated nor deleted: a correction is a new transaction. On
PostgreSQL both rules are enforced by triggers (migrations 0002 and 0003: no update, delete or truncate, and
no leg added to a transaction written by another database transaction); everywhere, by the model and services.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.append_only import AppendOnlyError, AppendOnlyModel  # noqa: F401 (AppendOnlyError: part of the API)
from aptic.fields import MoneyField
from aptic.money import format_eur
from ledger.enums import CREDIT_NORMAL_KINDS, AccountCode, AccountKind


class Account(models.Model):
    # The code is the key: a posting names its accounts without looking them up.
    code = models.CharField(_("code"), max_length=40, primary_key=True, choices=AccountCode.choices)
    kind = models.CharField(_("nature"), max_length=20, choices=AccountKind.choices)

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()

    @property
    def credit_normal(self) -> bool:
        """Liabilities and revenue grow with credits: their natural balance is minus the sum of legs."""
        return self.kind in CREDIT_NORMAL_KINDS


class Transaction(AppendOnlyModel):
    kind = models.CharField(_("nature"), max_length=64, db_index=True)
    reference = models.CharField(_("référence"), max_length=100, db_index=True)
    memo = models.CharField(_("libellé"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("date de valeur"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    # A service that may run twice (a retried task) names its posting: the second one is refused.
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=150, unique=True, null=True, blank=True)
    # PostgreSQL stamps it (trigger) with the id of the database transaction that wrote the row, whatever the
    # insert says: a leg is accepted only from that same database transaction (``ledger/sql.py``).
    created_txid = models.BigIntegerField(_("transaction de base de données"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ["occurred_at", "id"]

    def __str__(self):
        return f"{self.reference} — {self.memo}" if self.memo else self.reference


class Leg(AppendOnlyModel):
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="legs", verbose_name=_("écriture")
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs", verbose_name=_("compte"))
    # The funder, distributor or structure this line is about (sub-ledger), if any.
    party = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_legs",
        verbose_name=_("tiers"),
    )
    amount = MoneyField(_("montant (débit > 0, crédit < 0)"))

    class Meta:
        verbose_name = _("ligne d'écriture")
        verbose_name_plural = _("lignes d'écriture")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_leg_amount_not_zero")]
        indexes = [models.Index(fields=["account", "party"])]

    def __str__(self):
        sign = "+" if self.amount > 0 else ""
        return f"{AccountCode(self.account_id).label} {sign}{format_eur(self.amount)}"
