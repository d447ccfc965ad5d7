from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
