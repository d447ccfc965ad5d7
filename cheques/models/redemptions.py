"""Redemptions: one or more cheques of a carnet validated for one service of the référentiel, at a lieu.

validated → voided (by the lieu's structure, until its month is settled) ; validated → settled (monthly run).
A cheque is redeemed at most once: the database refuses a second live :class:`RedeemedCheque` for it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import PositiveMoneyField, RateField
from cheques.enums import RedemptionStatus


class RedemptionQuerySet(models.QuerySet):
    def visible_to(self, access) -> "RedemptionQuerySet":
        """A structure sees the redemptions of its lieux; nobody else (staff use the admin)."""
        if access.is_structure:
            return self.filter(structure=access.organisation)
        return self.none()


class Redemption(models.Model):
    carnet = models.ForeignKey(
        "cheques.Carnet", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("carnet")
    )
    order = models.ForeignKey(
        "cheques.Order",
        on_delete=models.PROTECT,
        related_name="redemptions",
        db_index=False,
        verbose_name=_("commande"),
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("commanditaire"),
    )
    lieu = models.ForeignKey(
        "qualification.Lieu", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("lieu")
    )
    structure = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="redemptions",
        db_index=False,
        verbose_name=_("structure"),
    )
    mediateur = models.ForeignKey(
        "qualification.Mediateur", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("médiateur")
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("validée par"),
    )
    via_api_key = models.ForeignKey(
        "accounts.ApiKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("par la clé d'API"),
    )
    service = models.ForeignKey(
        "referentiel.Service", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("service")
    )
    cheques_count = models.PositiveSmallIntegerField(_("chèques"))
    face_value_total = PositiveMoneyField(_("valeur faciale"))
    # The downstream rates in force on the day of validation (DESIGN §2); Mutations is decided per period.
    downstream_fee_bp = RateField(_("taux des frais contributifs aval (HT)"))
    vat_bp = RateField(_("taux de TVA sur les frais"))
    validated_at = models.DateTimeField(_("validée le"), default=timezone.now)
    # First day of the month of validation (Europe/Paris): the settlement period.
    period = models.DateField(_("mois"))
    status = models.CharField(
        _("état"), max_length=20, choices=RedemptionStatus.choices, default=RedemptionStatus.VALIDATED
    )
    voided_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("annulée par"),
    )
    void_reason = models.CharField(_("motif d'annulation"), max_length=200, blank=True)
    settled_at = models.DateTimeField(_("contrepayée le"), null=True, blank=True)

    objects = RedemptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("validation")
        verbose_name_plural = _("validations")
        ordering = ["-validated_at", "-id"]
        indexes = [
            models.Index(fields=["structure", "period", "status"], name="redemption_structure_period"),
            models.Index(fields=["period", "status"], name="redemption_period_status"),
            models.Index(fields=["lieu", "validated_at"], name="redemption_lieu_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(cheques_count__gte=1), name="redemption_at_least_one_cheque"),
            models.CheckConstraint(condition=models.Q(face_value_total__gt=0), name="redemption_positive_value"),
            models.CheckConstraint(
                condition=~models.Q(status=RedemptionStatus.VOIDED) | models.Q(voided_at__isnull=False),
                name="redemption_voided_has_date",
            ),
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def receipt_number(self) -> str:
        return f"V{self.pk:08d}"


class RedeemedCheque(models.Model):
    """Which cheques a redemption consumed. ``live`` turns false when the redemption is voided."""

    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, related_name="lines", verbose_name=_("validation")
    )
    cheque = models.ForeignKey(
        "cheques.Cheque", on_delete=models.PROTECT, related_name="redemption_lines", verbose_name=_("chèque")
    )
    live = models.BooleanField(_("en vigueur (validation non annulée)"), default=True)

    class Meta:
        verbose_name = _("chèque validé")
        verbose_name_plural = _("chèques validés")
        constraints = [
            models.UniqueConstraint(
                fields=["cheque"], condition=models.Q(live=True), name="cheque_redeemed_at_most_once"
            ),
        ]

    def __str__(self):
        return f"{self.redemption} — {self.cheque}"


class IdempotentRequest(models.Model):
    """The first answer to a request carrying an ``Idempotency-Key``: a retry gets it back unchanged."""

    scope = models.CharField(_("émetteur"), max_length=80)  # "user:12" or "api_key:3"
    key = models.CharField(_("clé d'idempotence"), max_length=100)
    fingerprint = models.CharField(_("empreinte de la demande"), max_length=64)  # hash of what was asked
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, related_name="+", verbose_name=_("validation")
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)

    class Meta:
        verbose_name = _("requête idempotente")
        verbose_name_plural = _("requêtes idempotentes")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotent_request_unique")]

    def __str__(self):
        return f"{self.scope}:{self.key}"
