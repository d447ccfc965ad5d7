"""Lieux, médiateurs, "Devenir #APTIC" applications and qualifications.

A structure (an :class:`accounts.Organisation` of kind ``structure``) runs lieux. A médiateur is a person
attached to a lieu by a convention (dates), with an employment status. An application asks for a lieu
and its médiateurs to be qualified; approval creates a :class:`Qualification` of the lieu and a
:class:`MediateurQualification` for each eligible médiateur, each with a validity period. Lieux imported
from the national cartography (``source=standard``) have no structure and are never qualified.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aptic.fields import URLField
from qualification.enums import (
    ApplicationKind,
    ApplicationStatus,
    DocumentKind,
    EmploymentStatus,
    LieuSource,
    MessageKind,
    QualificationStatus,
)

LIVE_STATUSES = [QualificationStatus.ACTIVE, QualificationStatus.SUSPENDED]


class Lieu(models.Model):
    """A place where digital-mediation services are delivered. Every lieu is in a commune."""

    structure = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lieux",
        limit_choices_to={"kind": "structure"},
        verbose_name=_("structure"),
    )
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="lieux", verbose_name=_("commune")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    website = URLField(_("site web"), blank=True)
    opening_hours = models.CharField(
        _("horaires d'ouverture"),
        max_length=255,
        blank=True,
        help_text=_("Au format OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00 »."),
    )
    summary = models.CharField(_("présentation courte"), max_length=280, blank=True)
    description = models.TextField(_("présentation détaillée"), blank=True)
    accessibility = models.TextField(
        _("accessibilité"), blank=True, help_text=_("Accès en fauteuil, boucle magnétique, langues parlées…")
    )
    accessibility_url = URLField(_("fiche Accès libre"), blank=True)
    appointment_url = URLField(_("prise de rendez-vous en ligne"), blank=True)
    # The offer: services of the référentiel (rows of the version in force when chosen) and formats.
    services = models.ManyToManyField(
        "referentiel.Service", blank=True, related_name="lieux", verbose_name=_("services proposés")
    )
    formats = models.ManyToManyField(
        "referentiel.Format", blank=True, related_name="lieux", verbose_name=_("formats proposés")
    )
    # Services in the national standard's own vocabulary (imported lieux; APTIC lieux derive them).
    standard_services = models.ManyToManyField(
        "referentiel.StandardService", blank=True, related_name="lieux", verbose_name=_("services (standard national)")
    )
    source = models.CharField(_("origine"), max_length=20, choices=LieuSource.choices, default=LieuSource.APTIC)
    # An imported lieu is known by the ``source`` and the ``id`` of the national standard: importing the same
    # pair again updates it; another source may use the same id for another place. NULL for the lieux of
    # #APTIC, which the unique constraint leaves out.
    external_id = models.CharField(  # noqa: DJ001
        _("identifiant (standard national)"), max_length=200, null=True, blank=True
    )
    # The standard's ``source`` as a key (``source_key``: "Conseil départemental 72" -> "conseil-departemental-72");
    # the source as written stays in ``standard_extra``.
    external_source = models.CharField(_("source (standard national)"), max_length=100, blank=True, default="")
    pivot = models.CharField(_("SIRET ou RNA (pivot)"), max_length=14, blank=True)
    # The standard's other fields, kept as they came so an export gives back what was imported.
    standard_extra = models.JSONField(_("autres champs du standard national"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]
        indexes = [models.Index(fields=["source", "commune"])]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id", "external_source"], name="lieu_unique_external_id_per_source"
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.commune.name}"


class Mediateur(models.Model):
    """A person attached to a lieu by a convention, who delivers the services and validates cheques."""

    structure = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="mediateurs", verbose_name=_("structure")
    )
    lieu = models.ForeignKey(Lieu, on_delete=models.PROTECT, related_name="mediateurs", verbose_name=_("lieu"))
    # The login they validate cheques with (a member of the structure); may come later than the convention.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediateur_roles",
        verbose_name=_("compte"),
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("e-mail"))
    employment_status = models.CharField(_("statut d'emploi"), max_length=30, choices=EmploymentStatus.choices)
    convention_start = models.DateField(_("convention du"))
    convention_end = models.DateField(_("convention jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        verbose_name = _("médiateur")
        verbose_name_plural = _("médiateurs")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["lieu", "email"], name="mediateur_unique_per_lieu"),
            models.CheckConstraint(
                condition=models.Q(convention_end__isnull=True)
                | models.Q(convention_end__gte=models.F("convention_start")),
                name="mediateur_convention_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Application(models.Model):
    """A "Devenir #APTIC" application for one lieu, saved step by step, then reviewed by staff."""

    structure = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="applications", verbose_name=_("structure")
    )
    lieu = models.ForeignKey(
        Lieu, null=True, blank=True, on_delete=models.PROTECT, related_name="applications", verbose_name=_("lieu")
    )
    kind = models.CharField(
        _("nature"), max_length=20, choices=ApplicationKind.choices, default=ApplicationKind.INITIAL
    )
    renewal_of = models.ForeignKey(
        "Qualification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_applications",
        verbose_name=_("renouvelle"),
    )
    status = models.CharField(
        _("état"), max_length=30, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # {commitment id: ISO datetime of acceptance} — every commitment of qualification/charter.py.
    charter_accepted = models.JSONField(_("engagements acceptés"), default=dict, blank=True)
    # {criterion id: answer text}
    quality_answers = models.JSONField(_("réponses aux critères qualité"), default=dict, blank=True)
    # {checklist item id: true/false}, filled by the reviewer.
    review_checklist = models.JSONField(_("liste de contrôle"), default=dict, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instructeur"),
    )
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("candidature « Devenir #APTIC »")
        verbose_name_plural = _("candidatures « Devenir #APTIC »")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        lieu = self.lieu.name if self.lieu_id else _("lieu à préciser")
        return f"{self.structure} — {lieu} ({self.get_status_display()})"


class ApplicationMessage(models.Model):
    """The exchanges between staff and the structure about an application (kept, never edited)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="messages", verbose_name=_("candidature")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("auteur")
    )
    kind = models.CharField(_("nature"), max_length=30, choices=MessageKind.choices, default=MessageKind.NOTE)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("échange")
        verbose_name_plural = _("échanges")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.created_at:%d/%m/%Y}"


def document_upload_to(instance, filename: str) -> str:
    return f"qualification/applications/{instance.application_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ApplicationDocument(models.Model):
    """A supporting document, stored privately: only staff and the structure can download it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("candidature")
    )
    kind = models.CharField(_("type de pièce"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("fichier"), upload_to=document_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de fichier"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("déposée par")
    )
    uploaded_at = models.DateTimeField(_("déposée le"), default=timezone.now)

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class Qualification(models.Model):
    """The qualification of a lieu: active from ``valid_from`` to ``valid_until`` (inclusive)."""

    lieu = models.ForeignKey(Lieu, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("lieu"))
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qualifications",
        verbose_name=_("candidature"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=QualificationStatus.choices, default=QualificationStatus.ACTIVE
    )
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"))
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    reminded_at = models.DateTimeField(_("relance de renouvellement envoyée le"), null=True, blank=True)
    certificate = models.FileField(_("attestation"), blank=True)
    certificate_sent_at = models.DateTimeField(_("attestation envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification de lieu")
        verbose_name_plural = _("qualifications de lieux")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["lieu"], condition=models.Q(status__in=LIVE_STATUSES), name="qualification_one_live_per_lieu"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="qualification_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.lieu} ({self.get_status_display()}, {self.valid_from:%d/%m/%Y} → {self.valid_until:%d/%m/%Y})"

    RENEWAL_WINDOW_DAYS = 90

    @property
    def renewable(self) -> bool:
        """Renewal opens three months before the end of an active qualification."""
        days_left = (self.valid_until - timezone.localdate()).days
        return self.status == QualificationStatus.ACTIVE and days_left <= self.RENEWAL_WINDOW_DAYS


class MediateurQualification(models.Model):
    """A médiateur's qualification to deliver services and redeem cheques at their lieu."""

    mediateur = models.ForeignKey(
        Mediateur, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("médiateur")
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, related_name="mediateurs", verbose_name=_("qualification du lieu")
    )
    status = models.CharField(
        _("état"), max_length=20, choices=QualificationStatus.choices, default=QualificationStatus.ACTIVE
    )
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"))
    # Service civique volunteers are qualified only by an explicit reviewer decision and stay flagged.
    flagged = models.BooleanField(_("à surveiller (service civique)"), default=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("qualification de médiateur")
        verbose_name_plural = _("qualifications de médiateurs")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediateur"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="mediateur_qualification_one_live",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="mediateur_qualification_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.mediateur} ({self.get_status_display()})"


class Transition(models.Model):
    """One row per state change of an application or a qualification: who, when, from, to, why."""

    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("candidature"),
    )
    qualification = models.ForeignKey(
        Qualification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("qualification de lieu"),
    )
    mediateur_qualification = models.ForeignKey(
        MediateurQualification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("qualification de médiateur"),
    )
    from_status = models.CharField(_("de"), max_length=30, blank=True)
    to_status = models.CharField(_("vers"), max_length=30)
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
        verbose_name = _("changement d'état")
        verbose_name_plural = _("changements d'état")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        application__isnull=False, qualification__isnull=True, mediateur_qualification__isnull=True
                    )
                    | models.Q(
                        application__isnull=True, qualification__isnull=False, mediateur_qualification__isnull=True
                    )
                    | models.Q(
                        application__isnull=True, qualification__isnull=True, mediateur_qualification__isnull=False
                    )
                ),
                name="transition_exactly_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.from_label or '∅'} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    def _label(self, status: str) -> str:
        choices = ApplicationStatus if self.application_id else QualificationStatus
        return dict(choices.choices).get(status, status)


# Imports of the national standard (qualification/standard/): registered with this app.
from qualification.standard.models import LieuImport  # noqa: E402, F401
