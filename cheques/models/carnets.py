"""Carnets and cheques, the funder's distributeurs, and the anonymous profile of who received a carnet."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import PositiveMoneyField
from cheques.enums import AgeBand, CarnetEventKind, CarnetStatus, ChequeStatus, Situation

# The statuses of a carnet nobody has handed to a beneficiary yet (stock, possibly idle at a distributeur).
IDLE_CARNET_STATUSES = [CarnetStatus.ISSUED, CarnetStatus.ASSIGNED]
# Cheques whose face value is still owed by the cooperative (cheques-outstanding account): issued ones (even in
# a replaced carnet: a validation voided after the replacement gives its cheques back there, unspendable, until
# they expire), and blocked ones whose carnet was not replaced (their value did not move to a replacement).
OUTSTANDING_CHEQUE_STATUSES = [ChequeStatus.ISSUED, ChequeStatus.BLOCKED]


class CarnetQuerySet(models.QuerySet):
    def visible_to(self, access) -> "CarnetQuerySet":
        """The funder's carnets, or those a distributeur holds now; nothing for anyone else."""
        if access.organisation is None:
            return self.none()
        if access.is_commanditaire:
            return self.filter(funder=access.organisation)
        if access.is_distributeur:
            return self.filter(distributeur=access.organisation)
        return self.none()


class Carnet(models.Model):
    order = models.ForeignKey(
        "cheques.Order", on_delete=models.PROTECT, related_name="carnets", verbose_name=_("commande")
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="carnets",
        db_index=False,
        verbose_name=_("commanditaire"),
    )
    number = models.CharField(_("numéro de carnet"), max_length=12, unique=True)
    # Position in the order (1, 2, …); replacement carnets come after the order's own.
    position = models.PositiveIntegerField(_("rang dans la commande"))
    size = models.PositiveSmallIntegerField(_("nombre de chèques"))
    face_value = PositiveMoneyField(_("valeur faciale d'un chèque"))
    valid_until = models.DateField(_("valable jusqu'au"))
    status = models.CharField(_("état"), max_length=20, choices=CarnetStatus.choices, default=CarnetStatus.ISSUED)
    distributeur = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carnets_held",
        db_index=False,
        verbose_name=_("distributeur"),
    )
    assigned_at = models.DateTimeField(_("confié le"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("bloqué le"), null=True, blank=True)
    block_reason = models.CharField(_("motif du blocage"), max_length=200, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replacement", verbose_name=_("remplace")
    )
    created_at = models.DateTimeField(_("émis le"), default=timezone.now)

    objects = CarnetQuerySet.as_manager()

    class Meta:
        verbose_name = _("carnet")
        verbose_name_plural = _("carnets")
        ordering = ["order", "position"]
        indexes = [
            models.Index(fields=["funder", "status"], name="carnet_funder_status"),
            models.Index(fields=["distributeur", "status"], name="carnet_distributeur_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="carnet_position_unique_in_order"),
            models.CheckConstraint(
                condition=models.Q(status=CarnetStatus.ISSUED, distributeur__isnull=True)
                | models.Q(status__in=[CarnetStatus.ASSIGNED, CarnetStatus.DISTRIBUTED], distributeur__isnull=False)
                | models.Q(status__in=[CarnetStatus.BLOCKED, CarnetStatus.REPLACED]),
                name="carnet_holder_matches_status",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def display_number(self) -> str:
        return f"{self.number[:4]} {self.number[4:]}"


class ChequeQuerySet(models.QuerySet):
    def outstanding(self) -> "ChequeQuerySet":
        """Cheques whose face value the cooperative still owes (cheques-outstanding account)."""
        return self.filter(status__in=OUTSTANDING_CHEQUE_STATUSES).exclude(
            status=ChequeStatus.BLOCKED, carnet__status=CarnetStatus.REPLACED
        )


class Cheque(models.Model):
    """One 10 € voucher. Its secret code is never stored: only ``code_hash`` (keyed HMAC-SHA256)."""

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="cheques", verbose_name=_("carnet"))
    order = models.ForeignKey(
        "cheques.Order", on_delete=models.PROTECT, related_name="cheques", verbose_name=_("commande")
    )
    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("commanditaire"),
    )
    number = models.CharField(_("numéro de chèque"), max_length=15, unique=True)
    position = models.PositiveSmallIntegerField(_("rang dans le carnet"))
    code_hash = models.CharField(_("empreinte du code secret"), max_length=64)
    face_value = PositiveMoneyField(_("valeur faciale"))
    valid_until = models.DateField(_("valable jusqu'au"))
    status = models.CharField(_("état"), max_length=20, choices=ChequeStatus.choices, default=ChequeStatus.ISSUED)
    status_changed_at = models.DateTimeField(_("état changé le"), null=True, blank=True)
    expiry_note = models.ForeignKey(
        "cheques.Invoice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expired_cheques",
        verbose_name=_("avoir d'expiration"),
    )

    objects = ChequeQuerySet.as_manager()

    class Meta:
        verbose_name = _("chèque")
        verbose_name_plural = _("chèques")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["funder", "status"], name="cheque_funder_status"),
            models.Index(
                fields=["valid_until"],
                condition=models.Q(status__in=OUTSTANDING_CHEQUE_STATUSES),
                name="cheque_outstanding_validity",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(face_value__gt=0), name="cheque_face_value_positive"),
            models.CheckConstraint(
                condition=~models.Q(status=ChequeStatus.EXPIRED) | models.Q(expiry_note__isnull=False),
                name="cheque_expired_has_credit_note",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_spendable(self) -> bool:
        return self.status == ChequeStatus.ISSUED


class CarnetEvent(models.Model):
    """One row per change of a carnet's distribution status: who, when, from, to, for which distributeur."""

    carnet = models.ForeignKey(Carnet, on_delete=models.CASCADE, related_name="events", verbose_name=_("carnet"))
    kind = models.CharField(_("mouvement"), max_length=20, choices=CarnetEventKind.choices)
    from_status = models.CharField(_("de"), max_length=20, choices=CarnetStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=20, choices=CarnetStatus.choices)
    distributeur = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("distributeur"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("par"),
    )
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("mouvement de carnet")
        verbose_name_plural = _("mouvements de carnets")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.carnet_id} {self.get_kind_display()}"


class Partnership(models.Model):
    """A funder works with a distributeur: it may hand it carnets."""

    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="distributeur_links",
        verbose_name=_("commanditaire"),
    )
    distributeur = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="funder_links", verbose_name=_("distributeur")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("partenariat de distribution")
        verbose_name_plural = _("partenariats de distribution")
        ordering = ["distributeur__name"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "distributeur"], name="partnership_unique"),
            models.CheckConstraint(
                condition=~models.Q(funder=models.F("distributeur")), name="partnership_two_organisations"
            ),
        ]

    def __str__(self):
        return f"{self.funder} → {self.distributeur}"


class DistributeurInvitation(models.Model):
    """A funder invites a distributeur not yet on the platform; accepting creates the partnership."""

    funder = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("commanditaire")
    )
    email = models.EmailField(_("e-mail"))
    token = models.CharField(_("jeton"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("envoyée par")
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acceptée par"),
    )

    class Meta:
        verbose_name = _("invitation de distributeur")
        verbose_name_plural = _("invitations de distributeurs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


class BeneficiaryProfile(models.Model):
    """What a distributeur may record about the person who received a carnet: anonymous, optional,
    and kept in its own table, apart from money records. No name, no contact."""

    carnet = models.OneToOneField(
        Carnet, on_delete=models.CASCADE, related_name="beneficiary_profile", verbose_name=_("carnet")
    )
    age_band = models.CharField(_("tranche d'âge"), max_length=20, choices=AgeBand.choices, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
    )
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices, blank=True)
    recorded_on = models.DateField(_("remis le"), default=timezone.localdate)

    class Meta:
        verbose_name = _("profil anonyme de bénéficiaire")
        verbose_name_plural = _("profils anonymes de bénéficiaires")

    def __str__(self):
        return f"{self.carnet_id}"
