"""The Lieu admin's import page: upload a file of the national standard, follow it, read its report."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aptic.errors import BusinessError
from qualification.standard.enums import LieuImportStatus
from qualification.standard.models import LieuImport
from qualification.standard.services import (
    MAX_FILE_SIZE,
    lieu_import_create,
    lieu_import_progress,
    lieu_import_report,
)

MAX_WARNED_ROWS_SHOWN = 500


class LieuImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier (CSV ou JSON)"),
        help_text=gettext_lazy(
            "Au format du « Standard de données des lieux de médiation numérique » (v1.0.2, ou l'ancienne "
            "version v0). UTF-8, séparateur « , » ou « ; »."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Simulation : vérifier le fichier sans rien enregistrer"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
                % {"size": MAX_FILE_SIZE // 2**20}
            )
        return upload


class LieuImportAdminMixin:
    """Adds "Importer des lieux (standard national)" to the list of lieux."""

    change_list_template = "admin/qualification/lieu/change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "import/<int:pk>/",
                self.admin_site.admin_view(self.import_status_view),
                name=f"{prefix}_import_status",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = LieuImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                lieu_import = lieu_import_create(
                    content=upload.read(), filename=upload.name, by=request.user, dry_run=form.cleaned_data["dry_run"]
                )
            except BusinessError as error:
                form.add_error("file", str(error))
            else:
                return redirect("admin:qualification_lieu_import_status", lieu_import.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Importer des lieux (standard national)"),
            "form": form,
            "imports": LieuImport.objects.select_related("created_by")[:10],
        }
        return TemplateResponse(request, "admin/qualification/lieu/import.html", context)

    def import_status_view(self, request, pk: int):
        if not self.has_import_permission(request):
            raise PermissionDenied
        lieu_import = get_object_or_404(LieuImport, pk=pk)
        report = lieu_import_report(lieu_import)
        warned = report.warned_rows if report else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import « %(name)s »") % {"name": lieu_import.original_name},
            "lieu_import": lieu_import,
            "pending": lieu_import.status == LieuImportStatus.PENDING,
            "failed": lieu_import.status == LieuImportStatus.FAILED,
            "progress": lieu_import_progress(lieu_import),
            "report": report,
            "refused_rows": report.refused_rows if report else [],
            "warned_rows": warned[:MAX_WARNED_ROWS_SHOWN],
            "warned_count": len(warned),
            "import_url": reverse("admin:qualification_lieu_import"),
        }
        return TemplateResponse(request, "admin/qualification/lieu/import_status.html", context)
