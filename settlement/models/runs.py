"""Monthly settlement: one run per month, one payout per structure and month, its lines per lieu and service.

computed → reviewed (a finance staff member) → approved (a second, different one) → exported (SEPA file)
→ paid (bank confirmation). A structure without a verified bank account gets a *held* payout, reported and
never paid: its redemptions stay unsettled and are paid by the first run after its account is verified.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import MoneyField, RateField
from settlement.enums import PayoutStatus, RunStatus


class SettlementRun(models.Model):
    period = models.DateField(_("mois"), unique=True, help_text=_("Premier jour du mois contrepayé."))
    status = models.CharField(_("état"), max_length=20, choices=RunStatus.choices, default=RunStatus.COMPUTED)
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calculé par"),
    )
    reviewed_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approuvé par"),
    )
    exported_at = models.DateTimeField(_("exporté le"), null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exporté par"),
    )
    execution_date = models.DateField(_("date d'exécution demandée"), null=True, blank=True)
    sepa_file = models.FileField(_("fichier SEPA"), blank=True)
    sepa_sha256 = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64, blank=True)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("paiement confirmé par"),
    )
    bank_reference = models.CharField(_("référence de la banque"), max_length=100, blank=True)
    # Totals of the payouts to pay (held ones apart), kept for the dashboard.
    cheques = models.PositiveIntegerField(_("chèques"), default=0)
    face_value_total = MoneyField(_("valeur faciale"), default=0)
    downstream_fee_ht = MoneyField(_("frais aval HT"), default=0)
    vat = MoneyField(_("TVA"), default=0)
    mutations = MoneyField(_("fonds Mutations"), default=0)
    paid_total = MoneyField(_("à verser"), default=0)
    held_total = MoneyField(_("retenu"), default=0)

    class Meta:
        verbose_name = _("contrepaiement mensuel")
        verbose_name_plural = _("contrepaiements mensuels")
        ordering = ["-period"]
        permissions = [("approve_settlementrun", _("Peut vérifier et approuver un contrepaiement"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(period__day=1), name="settlementrun_period_first_day"),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("reviewed_by")),
                name="settlementrun_two_people",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    paid_total=models.F("face_value_total")
                    - models.F("downstream_fee_ht")
                    - models.F("vat")
                    - models.F("mutations")
                ),
                name="settlementrun_totals_add_up",
            ),
        ]

    def __str__(self):
        return str(_("Contrepaiement de %(month)s") % {"month": self.period.strftime("%m/%Y")})


class Payout(models.Model):
    """What one structure is paid for one month (one row per structure and month: a database rule)."""

    run = models.ForeignKey(
        SettlementRun, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("contrepaiement mensuel")
    )
    structure = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="payouts", verbose_name=_("structure")
    )
    period = models.DateField(_("mois"))
    status = models.CharField(_("état"), max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    mutations_opted_in = models.BooleanField(_("contribue au fonds Mutations"), default=False)
    redemptions = models.PositiveIntegerField(_("validations"), default=0)
    cheques = models.PositiveIntegerField(_("chèques"), default=0)
    face_value_total = MoneyField(_("valeur faciale"))
    downstream_fee_ht = MoneyField(_("frais aval HT"))
    vat = MoneyField(_("TVA sur les frais"))
    mutations = MoneyField(_("fonds Mutations"))
    paid_amount = MoneyField(_("montant versé"))
    # The account paid, copied when the run is exported (the SEPA file is built from this snapshot).
    bank_account = models.ForeignKey(
        "settlement.BankAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("compte bancaire"),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    holder = models.CharField(_("titulaire du compte"), max_length=140, blank=True)
    fee_invoice_number = models.CharField(_("facture des frais"), max_length=30, blank=True)
    statement = models.FileField(_("relevé"), blank=True)
    fee_invoice = models.FileField(_("facture"), blank=True)
    documents_sent_at = models.DateTimeField(_("documents envoyés le"), null=True, blank=True)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrepaiement d'une structure")
        verbose_name_plural = _("contrepaiements des structures")
        ordering = ["-period", "structure__name"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "period"], name="payout_one_per_structure_and_period"),
            models.CheckConstraint(
                condition=models.Q(
                    paid_amount=models.F("face_value_total")
                    - models.F("downstream_fee_ht")
                    - models.F("vat")
                    - models.F("mutations")
                ),
                name="payout_amounts_add_up",
            ),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0), name="payout_not_negative"),
        ]

    def __str__(self):
        return f"{self.structure} — {self.period:%m/%Y}"

    @property
    def end_to_end_id(self) -> str:
        """The transfer's id in the SEPA file ("P" for payout: never the file's own id, "R" for run)."""
        return f"APTIC-{self.period:%Y%m}-P{self.pk}"


class PayoutLine(models.Model):
    """One line of a statement: the cheques of one lieu for one service, at one rate."""

    payout = models.ForeignKey(
        Payout, on_delete=models.CASCADE, related_name="lines", verbose_name=_("contrepaiement d'une structure")
    )
    lieu = models.ForeignKey("qualification.Lieu", on_delete=models.PROTECT, related_name="+", verbose_name=_("lieu"))
    service = models.ForeignKey(
        "referentiel.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    downstream_fee_bp = RateField(_("taux des frais aval (HT)"))
    vat_bp = RateField(_("taux de TVA sur les frais"))
    redemptions = models.PositiveIntegerField(_("validations"), default=0)
    cheques = models.PositiveIntegerField(_("chèques"))
    face_value_total = MoneyField(_("valeur faciale"))
    downstream_fee_ht = MoneyField(_("frais aval HT"))
    vat = MoneyField(_("TVA sur les frais"))
    mutations = MoneyField(_("fonds Mutations"))
    paid_amount = MoneyField(_("montant versé"))

    class Meta:
        verbose_name = _("ligne de relevé")
        verbose_name_plural = _("lignes de relevé")
        ordering = ["payout", "lieu__name", "service__label"]

    def __str__(self):
        return f"{self.payout} — {self.lieu_id}/{self.service_id}"


class SettledRedemption(models.Model):
    """Which payout paid a redemption: at most one, ever (unique)."""

    payout = models.ForeignKey(
        Payout, on_delete=models.PROTECT, related_name="settled", verbose_name=_("contrepaiement d'une structure")
    )
    redemption = models.OneToOneField(
        "cheques.Redemption", on_delete=models.PROTECT, related_name="settlement", verbose_name=_("validation")
    )

    class Meta:
        verbose_name = _("validation contrepayée")
        verbose_name_plural = _("validations contrepayées")

    def __str__(self):
        return f"{self.payout} ← {self.redemption_id}"
