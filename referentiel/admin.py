"""Staff manage the référentiel here: drafts are edited; published versions are read-only.

Every write goes through ``referentiel.services``. Beside the usual pages, a version has its own pages:
copy to a new draft, publish (with a confirmation), compare with another version, export (CSV, JSON),
import a file, delete a draft.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aptic.admin_base import ModelAdmin, TabularInline
from aptic.errors import BusinessError
from referentiel import io as referentiel_io
from referentiel import selectors, services
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version, VersionTransition


class BusinessErrorsAsMessages:
    """A refusal of a service becomes an error message on the same page, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except BusinessError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except BusinessError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except BusinessError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())


class FrozenIfPublishedAdmin(BusinessErrorsAsMessages, ModelAdmin):
    """Rows of a published version are shown read-only."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.version.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.version.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["version"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = Version.objects.filter(status=VersionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletions go one by one, through the services
        return actions


# --- Versions ---------------------------------------------------------------------------------------


class TransitionInline(TabularInline):
    model = VersionTransition
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Historique")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionForm(forms.ModelForm):
    class Meta:
        model = Version
        fields = ["label", "notes", "valid_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "valid_from" in self.fields:
            self.fields["valid_from"].help_text = _(
                "Date prévue ; elle est confirmée au moment de la publication (postérieure à la version "
                "en vigueur et pas dans le passé)."
            )


@admin.register(Version)
class VersionAdmin(BusinessErrorsAsMessages, ModelAdmin):
    form = VersionForm
    list_display = ["number", "label", "status_badge", "valid_from", "published_at", "services_count"]
    list_display_links = ["number", "label"]
    list_filter = ["status"]
    search_fields = ["label", "notes"]
    readonly_fields = [
        "number",
        "status",
        "contents",
        "based_on",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
    ]
    inlines = [TransitionInline]
    actions = ["copy_to_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(services_total=Count("services"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["label", "notes", "valid_from"]
        return [
            "number",
            "label",
            "status",
            "valid_from",
            "contents",
            "notes",
            "based_on",
            "created_at",
            "created_by",
        ] + (["published_at", "published_by"] if obj.is_published else [])

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.get_fields(request, obj)
        return super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a draft is deleted on its own page (services.version_discard); a published version stays

    @admin.display(description=gettext_lazy("état"), ordering="status")
    def status_badge(self, obj):
        if obj.is_published and selectors.version_is_in_force(obj):
            return format_html("<strong>{}</strong>", _("Publiée, en vigueur"))
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("services"), ordering="services_total")
    def services_count(self, obj):
        url = reverse("admin:referentiel_service_changelist") + f"?version__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.services_total)

    @admin.display(description=gettext_lazy("contenu"))
    def contents(self, obj):
        categories = reverse("admin:referentiel_category_changelist") + f"?version__id__exact={obj.pk}"
        services_url = reverse("admin:referentiel_service_changelist") + f"?version__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            categories,
            _("%(count)s catégories") % {"count": obj.categories.count()},
            services_url,
            _("%(count)s services") % {"count": obj.services.count()},
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.version_update(
                version=obj, by=request.user, label=data["label"], notes=data["notes"], valid_from=data["valid_from"]
            )
        else:
            saved = services.version_create(
                label=data["label"],
                notes=data["notes"],
                valid_from=data["valid_from"],
                by=request.user,
                reason=_("Brouillon vide créé dans l'administration"),
            )
        obj.__dict__.update(saved.__dict__)

    @admin.action(description=gettext_lazy("Copier en nouveau brouillon"), permissions=["add"])
    def copy_to_draft(self, request, queryset):
        for version in queryset.order_by("number"):
            try:
                draft = services.version_copy(version=version, by=request.user)
            except BusinessError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Brouillon %(draft)s créé à partir de la version %(number)s.")
                    % {"draft": draft.number, "number": version.number},
                )

    # --- Pages of a version ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importer/", view(self.import_view), name="referentiel_version_import"),
            path("<int:pk>/copier/", view(self.copy_view), name="referentiel_version_copy"),
            path("<int:pk>/publier/", view(self.publish_view), name="referentiel_version_publish"),
            path("<int:pk>/comparer/", view(self.compare_view), name="referentiel_version_compare"),
            path("<int:pk>/exporter/<str:kind>/", view(self.export_view), name="referentiel_version_export"),
            path("<int:pk>/supprimer-brouillon/", view(self.discard_view), name="referentiel_version_discard"),
        ] + super().get_urls()

    def _context(self, request, version: Version | None, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "version": version,
            **extra,
        }

    def _version(self, request, pk: int) -> Version:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Version, pk=pk)

    def _change_url(self, version: Version) -> str:
        return reverse("admin:referentiel_version_change", args=[version.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = Version.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra_context = {
            **(extra_context or {}),
            "can_add": self.has_add_permission(request),
            "can_publish": request.user.has_perm("referentiel.publish_version"),
            "can_discard": request.user.has_perm("referentiel.delete_version"),
            "previous_version": selectors.version_previous(version) if version else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_add": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def copy_view(self, request, pk: int):
        version = self._version(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        copies = Version.objects.filter(based_on=version, status=VersionStatus.DRAFT)
        if request.method == "POST":
            # The form says how many drafts of this version existed when it was shown: a second click
            # (or a resent form) finds one more and stops there.
            seen = request.POST.get("drafts_seen", "")
            if seen.isdigit() and copies.count() > int(seen):
                newest = copies.order_by("-number").first()
                messages.info(
                    request,
                    _("Déjà effectué : le brouillon %(number)s a été créé à partir de cette version.")
                    % {"number": newest.number},
                )
                return redirect(self._change_url(newest))
            try:
                draft = services.version_copy(
                    version=version, by=request.user, label=request.POST.get("label", "").strip() or None
                )
            except BusinessError as error:
                messages.error(request, str(error))
                return redirect(self._change_url(version))
            messages.success(
                request,
                _("Brouillon %(draft)s créé à partir de la version %(number)s : modifiez-le, puis publiez-le.")
                % {"draft": draft.number, "number": version.number},
            )
            return redirect(self._change_url(draft))
        return TemplateResponse(
            request,
            "admin/referentiel/version/copy.html",
            self._context(
                request,
                version,
                _("Copier la version %(number)s en nouveau brouillon") % {"number": version.number},
                default_label=_("%(label)s (nouveau brouillon)") % {"label": version.label},
                drafts_seen=copies.count(),
            ),
        )

    def publish_view(self, request, pk: int):
        version = self._version(request, pk)
        if not request.user.has_perm("referentiel.publish_version"):
            raise PermissionDenied
        if version.is_published:
            messages.info(
                request, _("Déjà effectué : la version %(number)s est publiée.") % {"number": version.number}
            )
            return redirect(self._change_url(version))
        form = PublishForm(request.POST or None, initial={"valid_from": _default_valid_from(version)})
        if request.method == "POST" and form.is_valid():
            try:
                services.version_publish(
                    version=version,
                    valid_from=form.cleaned_data["valid_from"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except services.AlreadyDone as error:
                messages.info(request, str(error))
                return redirect(self._change_url(version))
            except BusinessError as error:
                form.add_error(None, error.details.get("problems") or str(error))
            else:
                messages.success(
                    request,
                    _("La version %(number)s est publiée ; elle est en vigueur à partir du %(date)s.")
                    % {"number": version.number, "date": date_format(form.cleaned_data["valid_from"])},
                )
                return redirect(self._change_url(version))
        previous = selectors.version_previous(version)
        valid_from = form.cleaned_data.get("valid_from") if form.is_bound and form.is_valid() else None
        return TemplateResponse(
            request,
            "admin/referentiel/version/publish.html",
            self._context(
                request,
                version,
                _("Publier la version %(number)s") % {"number": version.number},
                form=form,
                problems=services.version_publish_problems(
                    version, valid_from or form.initial.get("valid_from") or timezone.localdate()
                ),
                previous=previous,
                diff=selectors.versions_compare(old=previous, new=version) if previous else None,
                categories_count=version.categories.count(),
                services_count=version.services.count(),
            ),
        )

    def compare_view(self, request, pk: int):
        version = self._version(request, pk)
        others = Version.objects.exclude(pk=version.pk).order_by("-number")
        other_id = request.GET.get("avec", "")
        other = others.filter(pk=other_id).first() if other_id.isdigit() else selectors.version_previous(version)
        diff = None
        if other is not None:
            old, new = (other, version) if other.number < version.number else (version, other)
            diff = selectors.versions_compare(old=old, new=new)
        return TemplateResponse(
            request,
            "admin/referentiel/version/compare.html",
            self._context(
                request,
                version,
                _("Comparer la version %(number)s") % {"number": version.number},
                other=other,
                others=others,
                diff=diff,
            ),
        )

    def export_view(self, request, pk: int, kind: str):
        version = self._version(request, pk)
        if kind == "json":
            response = HttpResponse(referentiel_io.export_json(version), content_type="application/json")
        elif kind == "csv":
            response = HttpResponse(referentiel_io.export_csv(version), content_type="text/csv; charset=utf-8")
        else:
            raise PermissionDenied
        filename = referentiel_io.export_filename(version, kind)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                draft = services.version_import(
                    content=upload.read(),
                    filename=upload.name,
                    label=form.cleaned_data["label"],
                    by=request.user,
                )
            except referentiel_io.ImportRefused as refusal:
                messages.error(request, str(refusal))
                problems = refusal.problems
            except BusinessError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Fichier importé : brouillon %(number)s créé avec %(categories)s catégories et "
                        "%(services)s services. Comparez-le avec la version en vigueur, puis publiez-le."
                    )
                    % {
                        "number": draft.number,
                        "categories": draft.categories.count(),
                        "services": draft.services.count(),
                    },
                )
                return redirect(self._change_url(draft))
        return TemplateResponse(
            request,
            "admin/referentiel/version/import.html",
            self._context(
                request,
                None,
                _("Importer une version du référentiel"),
                form=form,
                problems=problems,
                columns=referentiel_io.CSV_COLUMNS,
                required_columns=referentiel_io.CSV_REQUIRED_COLUMNS,
                publics=Public.objects.active(),
                formats=Format.objects.active(),
                standard_services=StandardService.objects.active(),
            ),
        )

    def discard_view(self, request, pk: int):
        if request.method == "POST" and not Version.objects.filter(pk=pk).exists():
            messages.info(request, _("Déjà effectué : ce brouillon est supprimé."))
            return redirect("admin:referentiel_version_changelist")
        version = self._version(request, pk)
        if not request.user.has_perm("referentiel.delete_version"):
            raise PermissionDenied
        if version.is_published:
            messages.error(request, _("Une version publiée ne se supprime pas."))
            return redirect(self._change_url(version))
        if request.method == "POST":
            number = version.number
            try:
                services.version_discard(version=version, by=request.user)
            except BusinessError as error:
                messages.error(request, str(error))
                return redirect(self._change_url(version))
            messages.success(request, _("Le brouillon %(number)s est supprimé.") % {"number": number})
            return redirect("admin:referentiel_version_changelist")
        return TemplateResponse(
            request,
            "admin/referentiel/version/discard.html",
            self._context(
                request,
                version,
                _("Supprimer le brouillon %(number)s") % {"number": version.number},
                categories_count=version.categories.count(),
                services_count=version.services.count(),
            ),
        )


def _default_valid_from(version: Version) -> datetime.date:
    """The draft's planned date when it is possible, otherwise the first possible day."""
    today = timezone.localdate()
    last = Version.objects.published().order_by("-valid_from").first()
    earliest = max(today, last.valid_from + datetime.timedelta(days=1)) if last else today
    if version.valid_from and (last is None or version.valid_from >= earliest):
        return version.valid_from
    return earliest


class PublishForm(forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("En vigueur à partir du"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif (optionnel)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Par exemple la décision de gouvernance qui adopte cette version."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Je confirme : une fois publiée, cette version ne pourra plus être modifiée."),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer la publication.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV ou JSON"),
        help_text=gettext_lazy(
            "Au format de l'export : un fichier exporté d'une version peut être réimporté tel quel."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("Intitulé du brouillon (optionnel)"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Par défaut : l'intitulé du fichier JSON, ou « Import de » suivi du nom du fichier."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError(_("Choisissez un fichier .csv ou .json."))
        if upload.size > referentiel_io.MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier est trop volumineux."))
        return upload


# --- Categories and services ----------------------------------------------------------------------


class UniqueCodeInVersionForm(forms.ModelForm):
    """The version is read-only once a row exists, so the form checks the (version, code) pair itself."""

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("version") or (self.instance.version if self.instance.version_id else None)
        code = cleaned.get("code")
        if version is not None and code:
            others = type(self.instance).objects.filter(version=version, code=code).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "code", _("Ce code est déjà utilisé dans la version %(number)s.") % {"number": version.number}
                )
        category = cleaned.get("category")
        if version is not None and category is not None and category.version_id != version.pk:
            self.add_error(
                "category", _("Choisissez une catégorie de la version %(number)s.") % {"number": version.number}
            )
        return cleaned


class CategoryForm(UniqueCodeInVersionForm):
    class Meta:
        model = Category
        fields = ["version", "code", "label", "description", "position"]


class DraftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"v{obj.version.number} — {obj.label}"


@admin.register(Category)
class CategoryAdmin(FrozenIfPublishedAdmin):
    form = CategoryForm
    list_display = ["label", "code", "version", "position", "services_count"]
    list_filter = ["version"]
    search_fields = ["label", "code"]
    ordering = ["-version__number", "position", "label"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version").annotate(services_total=Count("services"))

    @admin.display(description=gettext_lazy("services"), ordering="services_total")
    def services_count(self, obj):
        return obj.services_total

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj, by=request.user)

    def delete_model(self, request, obj):
        services.category_delete(category=obj, by=request.user)


class ServiceForm(UniqueCodeInVersionForm):
    class Meta:
        model = Service
        fields = [
            "version",
            "category",
            "code",
            "label",
            "description",
            "publics",
            "formats",
            "standard_services",
            "duration_minutes",
            "cost_in_cheques",
            "cost_adjustable",
            "position",
        ]
        widgets = {
            "publics": forms.CheckboxSelectMultiple,
            "formats": forms.CheckboxSelectMultiple,
            "standard_services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("publics", Public), ("formats", Format), ("standard_services", StandardService)):
            if name in self.fields:
                self.fields[name].queryset = model.objects.active()
        if "standard_services" in self.fields:
            self.fields["standard_services"].required = True
        if "category" in self.fields:
            self.fields["category"] = DraftChoiceField(
                queryset=Category.objects.filter(version__status=VersionStatus.DRAFT).select_related("version"),
                label=self.fields["category"].label,
            )


@admin.register(Service)
class ServiceAdmin(FrozenIfPublishedAdmin):
    form = ServiceForm
    list_display = ["label", "code", "category", "version", "cost_in_cheques", "duration_minutes"]
    list_filter = ["version", "formats", "publics"]
    search_fields = ["label", "code", "search_label"]
    ordering = ["-version__number", "category__position", "position", "label"]
    list_select_related = ["category", "version"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("cost_in_cheques", 1)
        initial.setdefault("duration_minutes", 60)
        return initial

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.service_save(
            service=obj,
            by=request.user,
            publics=data.get("publics"),
            formats=data.get("formats"),
            standard_services=data.get("standard_services"),
        )

    def save_related(self, request, form, formsets, change):
        # The links were written by services.service_save; only inlines (none today) remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.service_delete(service=obj, by=request.user)


class VocabularyAdmin(ModelAdmin):
    """Controlled values come from ``referentiel/vocabularies.py``: shown here, changed in the code."""

    list_display = ["label", "value", "position", "retired"]
    list_filter = ["retired"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Format, VocabularyAdmin)
admin.site.register(Public, VocabularyAdmin)
admin.site.register(StandardService, VocabularyAdmin)
