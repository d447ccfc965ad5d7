"""Bank accounts of structures and their Mutations choice (monthly settlement builds on them)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.iban import iban_masked
from settlement.enums import BankAccountStatus


class BankAccount(models.Model):
    """The account a structure is paid on. A change is a new row: it needs the structure admin's second factor
    when entered, and a finance staff member's verification before any payment uses it. Rows are never
    edited afterwards except for their status; the history stays."""

    structure = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="bank_accounts", verbose_name=_("structure")
    )
    holder = models.CharField(_("titulaire du compte"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    status = models.CharField(
        _("état"), max_length=20, choices=BankAccountStatus.choices, default=BankAccountStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    requested_at = models.DateTimeField(_("saisi le"), default=timezone.now)
    # When the structure admin confirmed the change with their second factor (TOTP).
    mfa_confirmed_at = models.DateTimeField(_("confirmé par double authentification le"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("compte bancaire")
        verbose_name_plural = _("comptes bancaires")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"],
                condition=models.Q(status=BankAccountStatus.VERIFIED),
                name="bankaccount_one_verified_per_structure",
            ),
            models.UniqueConstraint(
                fields=["structure"],
                condition=models.Q(status=BankAccountStatus.PENDING),
                name="bankaccount_one_pending_per_structure",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BankAccountStatus.VERIFIED) | models.Q(verified_by__isnull=False),
                name="bankaccount_verified_has_verifier",
            ),
            # Four eyes: whoever entered the account never verifies (or rejects) it.
            models.CheckConstraint(
                condition=models.Q(verified_by__isnull=True) | ~models.Q(verified_by=models.F("requested_by")),
                name="bankaccount_verifier_not_requester",
            ),
        ]

    def __str__(self):
        return f"{self.structure} — {self.masked_iban}"

    @property
    def masked_iban(self) -> str:
        """Enough to recognise the account, not to copy it: FR76 •••• •••• •••• •••• •••0 189."""
        return iban_masked(self.iban)


def first_day_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


class MutationsConsent(models.Model):
    """A structure's choice to give 1 % of face value to the Mutations endowment fund (or to stop).

    Effective from the first day of the next month (the next settlement period); each choice is a new row.
    """

    structure = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="mutations_consents",
        verbose_name=_("structure"),
    )
    opted_in = models.BooleanField(_("contribue au fonds Mutations"))
    effective_from = models.DateField(_("à partir du"))
    consent_text = models.TextField(_("texte accepté"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("choix fait par")
    )
    given_at = models.DateTimeField(_("choix fait le"), default=timezone.now)

    class Meta:
        verbose_name = _("choix Mutations")
        verbose_name_plural = _("choix Mutations")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["structure", "effective_from"])]

    def __str__(self):
        choice = _("oui") if self.opted_in else _("non")
        return f"{self.structure} — {choice} à partir du {self.effective_from:%d/%m/%Y}"
