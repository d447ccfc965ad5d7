"""Communes, départements and régions (INSEE reference data shipped in ``territories/data``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from territories.enums import Density3


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région"))

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A commune, or a municipal arrondissement of Paris, Lyon or Marseille (75101…75120, 69381…69389,
    13201…13216) with its city as ``parent``: a lieu keeps its arrondissement, and whatever names the
    city (a search, a funder's restriction) also covers its arrondissements. The city's population already
    counts its arrondissements': add up populations over ``parent=None`` only."""

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    # Lower case, without accents nor punctuation: what searches compare against on every database.
    search_name = models.CharField(_("nom pour la recherche"), max_length=100, db_index=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name=_("département")
    )
    # Several postcodes separated by "|" (Lyon has nine).
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population légale"), default=0)
    density7 = models.PositiveSmallIntegerField(_("grille de densité (7 niveaux)"), null=True, blank=True)
    density3 = models.CharField(_("densité"), max_length=20, choices=Density3.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrondissements",
        verbose_name=_("commune de l'arrondissement municipal"),
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    @property
    def postcode_list(self) -> list[str]:
        return [code for code in self.postcodes.split("|") if code]

    @property
    def main_postcode(self) -> str:
        codes = self.postcode_list
        return codes[0] if codes else ""
