from django.db import models
from django.utils.translation import gettext_lazy as _


class Density3(models.TextChoices):
    """The three groups of the INSEE "grille communale de densité"."""

    DENSE = "dense", _("Urbain dense")
    INTERMEDIAIRE = "intermediaire", _("Densité intermédiaire")
    RURAL = "rural", _("Rural")
