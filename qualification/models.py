from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Lieu(models.Model):
    """A place where a structure delivers digital-mediation services. Every lieu is in a commune."""

    structure = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="lieux",
        limit_choices_to={"kind": "structure"},
        verbose_name=_("structure"),
    )
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="lieux", verbose_name=_("commune")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} — {self.commune.name}"
