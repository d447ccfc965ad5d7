"""Orders (draft → quoted → confirmed → paid → issued; cancelled before payment), payments and invoices."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import MoneyField, PositiveMoneyField, RateField
from aptic.money import format_eur
from cheques.enums import CreditNoteReason, InvoiceKind, OrderStatus

MAX_CARNET_SIZE = 50
MAX_QUANTITY = 1_000_000
BILLED_STATUSES = [OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.ISSUED]


class OrderQuerySet(models.QuerySet):
    def visible_to(self, access) -> "OrderQuerySet":
        """A funder's own orders; nothing for anyone else (staff use the admin)."""
        if access.organisation is None or not access.is_commanditaire:
            return self.none()
        return self.filter(funder=access.organisation)

    def awaiting_payment(self) -> "OrderQuerySet":
        return self.filter(status=OrderStatus.CONFIRMED)


class Order(models.Model):
    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="orders",
        limit_choices_to={"kind": "commanditaire"},
        verbose_name=_("commanditaire"),
    )
    status = models.CharField(_("état"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    quantity = models.PositiveIntegerField(_("nombre de chèques"))
    carnet_size = models.PositiveSmallIntegerField(_("chèques par carnet"))
    valid_until = models.DateField(_("chèques valables jusqu'au"))
    purchase_reference = models.CharField(
        _("votre référence (bon de commande)"), max_length=100, blank=True, help_text=_("Reprise sur la facture.")
    )
    # The funder's restrictions (all optional; none means "every qualified lieu, every service").
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="+", verbose_name=_("communes"))
    departements = models.ManyToManyField(
        "territories.Departement", blank=True, related_name="+", verbose_name=_("départements")
    )
    categories = models.ManyToManyField(
        "referentiel.Category", blank=True, related_name="+", verbose_name=_("catégories de services")
    )
    lieux = models.ManyToManyField("qualification.Lieu", blank=True, related_name="+", verbose_name=_("lieux"))

    # Copied from the rates in force when the order is confirmed, never changed afterwards.
    fee_rates = models.ForeignKey(
        "cheques.FeeRates",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("barème appliqué"),
    )
    face_value = PositiveMoneyField(_("valeur faciale d'un chèque"), null=True, blank=True)
    upstream_fee_bp = RateField(_("taux des frais contributifs amont (HT)"), null=True, blank=True)
    vat_bp = RateField(_("taux de TVA sur les frais"), null=True, blank=True)
    face_value_total = MoneyField(_("valeur faciale totale"), null=True, blank=True)
    upstream_fee_ht = MoneyField(_("frais contributifs HT"), null=True, blank=True)
    vat = MoneyField(_("TVA"), null=True, blank=True)
    total_ht = MoneyField(_("total HT"), null=True, blank=True)
    total_ttc = MoneyField(_("total TTC"), null=True, blank=True)
    transfer_reference = models.CharField(
        _("référence de virement"), max_length=20, unique=True, null=True, blank=True
    )

    # Issuance (resumable): the reserved block of carnet numbers and what is done so far.
    first_carnet_sequence = models.BigIntegerField(
        _("premier numéro de carnet réservé"), null=True, blank=True, editable=False
    )
    carnets_created = models.PositiveIntegerField(_("carnets créés"), default=0)
    cheques_issued = models.PositiveIntegerField(_("chèques émis"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    quoted_at = models.DateTimeField(_("devis émis le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at", "-id"]
        permissions = [("record_payment", _("Peut enregistrer un virement reçu"))]
        indexes = [models.Index(fields=["funder", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="order_quantity_range"
            ),
            models.CheckConstraint(
                condition=models.Q(carnet_size__gte=1, carnet_size__lte=MAX_CARNET_SIZE),
                name="order_carnet_size_range",
            ),
            models.CheckConstraint(
                condition=models.lookups.Exact(Mod("quantity", "carnet_size"), 0),
                name="order_quantity_whole_carnets",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=BILLED_STATUSES)
                | models.Q(total_ttc__isnull=False, face_value__isnull=False, transfer_reference__isnull=False),
                name="order_billed_has_amounts",
            ),
            models.CheckConstraint(
                condition=models.Q(cheques_issued__lte=models.F("quantity")), name="order_issued_at_most_quantity"
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.funder}"

    @property
    @admin.display(description=_("référence"))
    def reference(self) -> str:
        return f"CMD-{self.pk:06d}" if self.pk else "CMD-…"

    @property
    def carnet_count(self) -> int:
        return self.quantity // self.carnet_size

    @property
    def is_billed(self) -> bool:
        return self.status in BILLED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (OrderStatus.DRAFT, OrderStatus.QUOTED)

    @property
    def is_cancellable(self) -> bool:
        return self.status in (OrderStatus.DRAFT, OrderStatus.QUOTED, OrderStatus.CONFIRMED)

    @property
    def issuance_percent(self) -> int:
        return (100 * self.cheques_issued) // self.quantity if self.quantity else 0


class OrderTransition(models.Model):
    """One row per state change of an order: who, when, from, to, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("commande"))
    from_status = models.CharField(_("de"), max_length=20, choices=OrderStatus.choices)
    to_status = models.CharField(_("vers"), max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("par"),
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("changement d'état de commande")
        verbose_name_plural = _("changements d'état de commandes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Payment(models.Model):
    """The funder's transfer, matched by staff. One per order: the database refuses a second."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment", verbose_name=_("commande"))
    amount = MoneyField(_("montant reçu"))
    received_on = models.DateField(_("reçu le"))
    bank_reference = models.CharField(_("référence bancaire"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistré par")
    )
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        verbose_name = _("virement reçu")
        verbose_name_plural = _("virements reçus")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.order.reference} — {format_eur(self.amount)}"


class DocumentCounter(models.Model):
    """Gapless counters (invoice numbers per series and year, carnet numbers), taken under a row lock."""

    key = models.CharField(_("série"), max_length=50, unique=True)
    last_value = models.BigIntegerField(_("dernier numéro attribué"), default=0)

    class Meta:
        verbose_name = _("compteur")
        verbose_name_plural = _("compteurs")

    def __str__(self):
        return f"{self.key}: {self.last_value}"


def invoice_upload_to(instance, filename: str) -> str:
    return f"cheques/invoices/{instance.year}/{filename}"


class Invoice(models.Model):
    """An invoice or a credit note ("avoir"). Its identities and lines are a snapshot: never edited."""

    kind = models.CharField(_("nature"), max_length=20, choices=InvoiceKind.choices)
    reason = models.CharField(_("motif de l'avoir"), max_length=20, choices=CreditNoteReason.choices, blank=True)
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang dans l'année"))
    funder = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("commanditaire")
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("commande")
    )
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("corrige")
    )
    issued_on = models.DateField(_("date d'émission"))
    due_on = models.DateField(_("date d'échéance"), null=True, blank=True)
    seller = models.JSONField(_("vendeur"), default=dict)
    buyer = models.JSONField(_("client"), default=dict)
    lines = models.JSONField(_("lignes"), default=list)
    cheque_count = models.PositiveIntegerField(_("chèques"), default=0)
    face_value_total = MoneyField(_("valeur faciale totale"), default=0)
    fee_ht = MoneyField(_("frais contributifs HT"), default=0)
    vat_bp = RateField(_("taux de TVA sur les frais"), default=0)
    vat = MoneyField(_("TVA"), default=0)
    total_ht = MoneyField(_("total HT"), default=0)
    total_ttc = MoneyField(_("total TTC"), default=0)
    transfer_reference = models.CharField(_("référence de virement"), max_length=20, blank=True)
    purchase_reference = models.CharField(_("référence du client (bon de commande)"), max_length=100, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=invoice_upload_to, blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("émise par"),
    )
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("facture ou avoir")
        verbose_name_plural = _("factures et avoirs")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "sequence"], name="invoice_gapless_sequence_unique"),
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind=InvoiceKind.INVOICE), name="invoice_one_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(total_ttc__gte=0, total_ht__gte=0, vat__gte=0), name="invoice_amounts_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(total_ttc=models.F("total_ht") + models.F("vat")), name="invoice_ttc_is_ht_plus_vat"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def title(self) -> str:
        return str(_("Avoir") if self.is_credit_note else _("Facture"))
