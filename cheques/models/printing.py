"""Carnet PDFs, rendered in the background chunk by chunk (memory stays flat whatever the order size)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cheques.enums import PrintStatus


def print_upload_to(instance, filename: str) -> str:
    return f"cheques/print/order-{instance.job.order_id}/job-{instance.job_id}/{filename}"


def archive_upload_to(instance, filename: str) -> str:
    return f"cheques/print/order-{instance.order_id}/job-{instance.pk}/{filename}"


class PrintJob(models.Model):
    """The printing of an order's carnets (or of one replacement carnet)."""

    order = models.ForeignKey(
        "cheques.Order", on_delete=models.PROTECT, related_name="print_jobs", verbose_name=_("commande")
    )
    carnet = models.ForeignKey(
        "cheques.Carnet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="print_jobs",
        verbose_name=_("carnet de remplacement"),
    )
    status = models.CharField(_("état"), max_length=20, choices=PrintStatus.choices, default=PrintStatus.PENDING)
    chunks_total = models.PositiveIntegerField(_("lots"), default=0)
    chunks_done = models.PositiveIntegerField(_("lots imprimés"), default=0)
    archive = models.FileField(_("archive ZIP"), upload_to=archive_upload_to, blank=True)
    archive_sha256 = models.CharField(_("empreinte SHA-256 de l'archive"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("impression de carnets")
        verbose_name_plural = _("impressions de carnets")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(carnet__isnull=True), name="printjob_one_per_order"
            ),
            models.UniqueConstraint(
                fields=["carnet"], condition=models.Q(carnet__isnull=False), name="printjob_one_per_carnet"
            ),
            models.CheckConstraint(
                condition=models.Q(chunks_done__lte=models.F("chunks_total")), name="printjob_done_at_most_total"
            ),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.pk}"

    @property
    def percent(self) -> int:
        return (100 * self.chunks_done) // self.chunks_total if self.chunks_total else 0

    @property
    def is_done(self) -> bool:
        return self.status == PrintStatus.DONE


class PrintChunk(models.Model):
    """Carnets ``first_position``…``last_position`` of the order, in one PDF file."""

    job = models.ForeignKey(PrintJob, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("impression"))
    index = models.PositiveIntegerField(_("numéro du lot"))
    first_position = models.PositiveIntegerField(_("du carnet"))
    last_position = models.PositiveIntegerField(_("au carnet"))
    status = models.CharField(_("état"), max_length=20, choices=PrintStatus.choices, default=PrintStatus.PENDING)
    file = models.FileField(_("fichier PDF"), upload_to=print_upload_to, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    # {carnet number: [first page, last page]} (0-based, inclusive): reprints cut a carnet out of the file.
    pages = models.JSONField(_("pages par carnet"), default=dict, blank=True)
    rendered_at = models.DateTimeField(_("imprimé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot d'impression")
        verbose_name_plural = _("lots d'impression")
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="printchunk_index_unique"),
            models.CheckConstraint(
                condition=models.Q(last_position__gte=models.F("first_position")), name="printchunk_range_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.job_id}#{self.index}"
