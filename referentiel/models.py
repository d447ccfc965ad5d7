"""The national catalogue of digital-mediation services ("référentiel national #APTIC").

It is produced with the actors and changes over time, so it is versioned: a draft is edited, then
published with the date from which it is in force; a published version is never edited again (a new
draft copies it). Redemptions, lieux' offers and funders' restrictions point at the rows of the version
in force when they were made; a service keeps its stable ``code`` from one version to the next.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.text import normalize_search
from referentiel.enums import VersionStatus

# Bounds of a service: beyond them a figure is a typing mistake (and would not fit the columns).
MAX_COST_IN_CHEQUES = 20
MAX_DURATION_MINUTES = 24 * 60


class VocabularyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired=False)


class Vocabulary(models.Model):
    """A controlled value: retired, never deleted while something refers to it."""

    value = models.SlugField(_("valeur"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    retired = models.BooleanField(_("retiré"), default=False)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class Format(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("format")
        verbose_name_plural = _("formats")


class Public(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("public")
        verbose_name_plural = _("publics")


class StandardService(Vocabulary):
    """A service of the national standard of mediation places (its ``label`` is the standard's value)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("service du standard national")
        verbose_name_plural = _("services du standard national")


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def in_force(self, on=None) -> "Version | None":
        """The published version in force on ``on`` (today by default), or None before the first one."""
        on = on or timezone.localdate()
        return self.published().filter(valid_from__lte=on).order_by("-valid_from", "-number").first()


class Version(models.Model):
    number = models.PositiveIntegerField(_("numéro"), unique=True)
    label = models.CharField(_("intitulé"), max_length=200)
    status = models.CharField(_("état"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    valid_from = models.DateField(_("en vigueur à partir du"), null=True, blank=True)
    notes = models.TextField(_("notes de version"), blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("copiée de")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créée par"),
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("publiée par"),
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version du référentiel")
        verbose_name_plural = _("versions du référentiel")
        ordering = ["-number"]
        permissions = [("publish_version", _("Peut publier une version du référentiel"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | models.Q(valid_from__isnull=False, published_at__isnull=False),
                name="referentiel_version_published_has_dates",
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=models.Q(status=VersionStatus.PUBLISHED),
                name="referentiel_version_one_published_per_date",
            ),
        ]

    def __str__(self):
        return f"v{self.number} — {self.label}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class FrozenIfPublished(models.Model):
    """Rows of a published version are immutable (the services refuse too; this is the last line)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._version_is_published():
            raise ValidationError(_("Une version publiée du référentiel ne se modifie plus : créez un brouillon."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_is_published():
            raise ValidationError(_("Une version publiée du référentiel ne se modifie plus : créez un brouillon."))
        return super().delete(*args, **kwargs)

    def _version_is_published(self) -> bool:
        return Version.objects.filter(pk=self.version_id, status=VersionStatus.PUBLISHED).exists()


class Category(FrozenIfPublished):
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, related_name="categories", verbose_name=_("version")
    )
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("libellé"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["version", "position", "label"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="referentiel_category_code_unique")]

    def __str__(self):
        return self.label


class Service(FrozenIfPublished):
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="services", verbose_name=_("version"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("catégorie")
    )
    # Stable from one version to the next: "what was the same service" is "the same code".
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("libellé"), max_length=200)
    search_label = models.CharField(_("libellé pour la recherche"), max_length=200, db_index=True, editable=False)
    description = models.TextField(_("description pour le public"))
    publics = models.ManyToManyField(Public, related_name="services", verbose_name=_("publics"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée habituelle (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    formats = models.ManyToManyField(Format, related_name="services", verbose_name=_("formats"))
    cost_in_cheques = models.PositiveSmallIntegerField(
        _("coût en chèques"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_COST_IN_CHEQUES)]
    )
    # Whether the médiateur may validate fewer cheques than the cost (down to 1), e.g. for a workshop attended
    # in part; otherwise the service always consumes exactly ``cost_in_cheques``.
    cost_adjustable = models.BooleanField(
        _("coût réductible jusqu'à 1 chèque"),
        default=False,
        help_text=_("Le médiateur peut valider moins de chèques que le coût (atelier suivi en partie, par exemple)."),
    )
    standard_services = models.ManyToManyField(
        StandardService, related_name="services", verbose_name=_("services du standard national")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["version", "category__position", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="referentiel_service_code_unique"),
            models.CheckConstraint(
                condition=models.Q(cost_in_cheques__gte=1), name="referentiel_service_cost_at_least_1"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1), name="referentiel_service_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    cost_in_cheques__lte=MAX_COST_IN_CHEQUES, duration_minutes__lte=MAX_DURATION_MINUTES
                ),
                name="referentiel_service_within_bounds",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.search_label = normalize_search(self.label)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.category_id and self.version_id and self.category.version_id != self.version_id:
            raise ValidationError({"category": _("La catégorie doit appartenir à la même version que le service.")})


class VersionTransition(models.Model):
    """One row per state change of a version (created as a draft, published): who, when, from, to, why."""

    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("version")
    )
    from_status = models.CharField(_("de"), max_length=20, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=20, choices=VersionStatus.choices)
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
        verbose_name = _("changement d'état d'une version")
        verbose_name_plural = _("changements d'état des versions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"v{self.version.number} : {self.get_from_status_display() or '∅'} → {self.get_to_status_display()}"


def refuse_links_of_published_services(sender, instance, action, reverse, pk_set, **kwargs):
    """``m2m_changed`` receiver: the publics, formats and standard services of a published service stay."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        frozen = instance._version_is_published()
    else:
        services = instance.services.all() if pk_set is None else Service.objects.filter(pk__in=pk_set)
        frozen = services.filter(version__status=VersionStatus.PUBLISHED).exists()
    if frozen:
        raise ValidationError(_("Une version publiée du référentiel ne se modifie plus : créez un brouillon."))
