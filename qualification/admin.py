from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aptic.admin_base import ModelAdmin, TabularInline
from qualification.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    Lieu,
    Mediateur,
    MediateurQualification,
    Qualification,
    Transition,
)
from qualification.standard.admin import LieuImportAdminMixin


@admin.register(Lieu)
class LieuAdmin(LieuImportAdminMixin, ModelAdmin):
    list_display = ["name", "structure", "commune", "postcode", "source"]
    list_filter = ["source"]
    search_fields = ["name", "structure__name", "commune__name", "postcode", "external_id"]
    autocomplete_fields = ["structure", "commune"]
    filter_horizontal = ["services", "formats", "standard_services"]


@admin.register(Mediateur)
class MediateurAdmin(ModelAdmin):
    list_display = ["last_name", "first_name", "lieu", "employment_status", "convention_start", "convention_end"]
    list_filter = ["employment_status"]
    search_fields = ["last_name", "first_name", "email", "lieu__name"]
    autocomplete_fields = ["structure", "lieu", "user"]


class MessageInline(TabularInline):
    model = ApplicationMessage
    extra = 0
    readonly_fields = ["author", "kind", "body", "created_at"]


class DocumentInline(TabularInline):
    model = ApplicationDocument
    extra = 0
    readonly_fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


class TransitionInline(TabularInline):
    """The application's history: states by their French names."""

    model = Transition
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["created_at", "from_label", "to_label", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("de"))
    def from_label(self, transition):
        return transition.from_label

    @admin.display(description=_("vers"))
    def to_label(self, transition):
        return transition.to_label


@admin.register(Application)
class ApplicationAdmin(ModelAdmin):
    list_display = ["structure", "lieu", "kind", "status", "submitted_at", "reviewer"]
    list_filter = ["status", "kind"]
    search_fields = ["structure__name", "lieu__name"]
    inlines = [MessageInline, DocumentInline, TransitionInline]


@admin.register(Qualification)
class QualificationAdmin(ModelAdmin):
    list_display = ["lieu", "status", "valid_from", "valid_until"]
    list_filter = ["status"]
    search_fields = ["lieu__name", "lieu__structure__name"]


@admin.register(MediateurQualification)
class MediateurQualificationAdmin(ModelAdmin):
    list_display = ["mediateur", "status", "valid_from", "valid_until", "flagged"]
    list_filter = ["status", "flagged"]
