"""A file of the national standard uploaded by staff: kept privately with the report of its import."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualification.standard.enums import LieuImportStatus


def import_upload_to(instance, filename: str) -> str:
    return f"qualification/imports/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class LieuImport(models.Model):
    """One import of lieux: the file, who sent it, and once run, the counts and the row-by-row report."""

    file = models.FileField(_("fichier"), upload_to=import_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("simulation (rien n'est enregistré)"), default=False)
    status = models.CharField(
        _("état"), max_length=20, choices=LieuImportStatus.choices, default=LieuImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(_("lignes lues"), default=0)
    created_count = models.PositiveIntegerField(_("lieux créés"), default=0)
    updated_count = models.PositiveIntegerField(_("lieux mis à jour"), default=0)
    refused_count = models.PositiveIntegerField(_("lignes refusées"), default=0)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    error = models.TextField(_("motif du refus du fichier"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("envoyé par"),
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de lieux (standard national)")
        verbose_name_plural = _("imports de lieux (standard national)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=LieuImportStatus.PENDING, finished_at__isnull=True)
                | models.Q(status__in=[LieuImportStatus.DONE, LieuImportStatus.FAILED], finished_at__isnull=False),
                name="lieu_import_finished_when_done",
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%d/%m/%Y %H:%M})"
