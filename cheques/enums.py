from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    QUOTED = "quoted", _("Devis émis")
    CONFIRMED = "confirmed", _("Confirmée, en attente de paiement")
    PAID = "paid", _("Payée, émission en cours")
    ISSUED = "issued", _("Chèques émis")
    CANCELLED = "cancelled", _("Annulée")


# The order's state machine: (from, to) pairs a service may take; anything else is refused.
ORDER_TRANSITIONS = {
    (OrderStatus.DRAFT, OrderStatus.QUOTED),
    (OrderStatus.QUOTED, OrderStatus.DRAFT),  # edited after the quote: a new quote is needed
    (OrderStatus.QUOTED, OrderStatus.CONFIRMED),
    (OrderStatus.CONFIRMED, OrderStatus.PAID),
    (OrderStatus.PAID, OrderStatus.ISSUED),
    (OrderStatus.DRAFT, OrderStatus.CANCELLED),
    (OrderStatus.QUOTED, OrderStatus.CANCELLED),
    (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
}


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class CreditNoteReason(models.TextChoices):
    CANCELLATION = "cancellation", _("Annulation de la commande")
    EXPIRY = "expiry", _("Chèques expirés")


class ChequeStatus(models.TextChoices):
    """The spending status of one cheque. Only ``issued`` cheques are spendable."""

    ISSUED = "issued", _("Disponible")
    REDEEMED = "redeemed", _("Utilisé")
    SETTLED = "settled", _("Utilisé et remboursé au lieu")
    EXPIRED = "expired", _("Expiré")
    BLOCKED = "blocked", _("Bloqué")


class CarnetStatus(models.TextChoices):
    """Where a carnet is in its distribution: with the funder, a distributeur, a beneficiary; or blocked."""

    ISSUED = "issued", _("En stock chez le commanditaire")
    ASSIGNED = "assigned", _("Confié à un distributeur")
    DISTRIBUTED = "distributed", _("Remis à une personne")
    BLOCKED = "blocked", _("Bloqué (perdu ou volé)")
    REPLACED = "replaced", _("Bloqué et remplacé")


class CarnetEventKind(models.TextChoices):
    ISSUED = "issued", _("Émis")
    ASSIGNED = "assigned", _("Confié à un distributeur")
    TAKEN_BACK = "taken_back", _("Repris par le commanditaire")
    DISTRIBUTED = "distributed", _("Remis à une personne")
    BLOCKED = "blocked", _("Bloqué")
    REPLACED = "replaced", _("Remplacé")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Moins de 18 ans")
    FROM_18 = "18_25", _("18 à 25 ans")
    FROM_26 = "26_44", _("26 à 44 ans")
    FROM_45 = "45_64", _("45 à 64 ans")
    FROM_65 = "65_79", _("65 à 79 ans")
    FROM_80 = "80_plus", _("80 ans et plus")


class Situation(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("En recherche d'emploi")
    EMPLOYED = "employed", _("En emploi")
    RETIRED = "retired", _("Retraité·e")
    MINIMA = "minima", _("Bénéficiaire de minima sociaux")
    STUDENT = "student", _("En études ou en formation")
    DISABILITY = "disability", _("En situation de handicap")
    OTHER = "other", _("Autre situation")


class PrintStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")


class RedemptionStatus(models.TextChoices):
    VALIDATED = "validated", _("Validée")
    VOIDED = "voided", _("Annulée")
    SETTLED = "settled", _("Contrepayée")
