from django.db import models
from django.utils.translation import gettext_lazy as _


class LieuImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Fichier refusé")
