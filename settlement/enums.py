from django.db import models
from django.utils.translation import gettext_lazy as _


class BankAccountStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    VERIFIED = "verified", _("Vérifié")
    REJECTED = "rejected", _("Refusé")
    CANCELLED = "cancelled", _("Remplacé avant vérification")
    SUPERSEDED = "superseded", _("Remplacé")


class RunStatus(models.TextChoices):
    COMPUTED = "computed", _("Calculé, à vérifier")
    REVIEWED = "reviewed", _("Vérifié, à approuver")
    APPROVED = "approved", _("Approuvé, à exporter")
    EXPORTED = "exported", _("Fichier SEPA généré")
    PAID = "paid", _("Payé")


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("À payer")
    HELD = "held", _("Retenu : pas de compte bancaire vérifié")
    PAID = "paid", _("Payé")
