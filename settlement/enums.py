from django.db import models
from django.utils.translation import gettext_lazy as _


class BankAccountStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    VERIFIED = "verified", _("Vérifié")
    REJECTED = "rejected", _("Refusé")
    CANCELLED = "cancelled", _("Remplacé avant vérification")
    SUPERSEDED = "superseded", _("Remplacé")
