from django.contrib import admin

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
class LieuAdmin(LieuImportAdminMixin, admin.ModelAdmin):
    list_display = ["name", "structure", "commune", "postcode", "source"]
    list_filter = ["source"]
    search_fields = ["name", "structure__name", "commune__name", "postcode", "external_id"]
    autocomplete_fields = ["structure", "commune"]
    filter_horizontal = ["services", "formats", "standard_services"]


@admin.register(Mediateur)
class MediateurAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "lieu", "employment_status", "convention_start", "convention_end"]
    list_filter = ["employment_status"]
    search_fields = ["last_name", "first_name", "email", "lieu__name"]
    autocomplete_fields = ["structure", "lieu", "user"]


class MessageInline(admin.TabularInline):
    model = ApplicationMessage
    extra = 0
    readonly_fields = ["author", "kind", "body", "created_at"]


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    readonly_fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]


class TransitionInline(admin.TabularInline):
    model = Transition
    fk_name = "application"
    extra = 0
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["structure", "lieu", "kind", "status", "submitted_at", "reviewer"]
    list_filter = ["status", "kind"]
    search_fields = ["structure__name", "lieu__name"]
    inlines = [MessageInline, DocumentInline, TransitionInline]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["lieu", "status", "valid_from", "valid_until"]
    list_filter = ["status"]
    search_fields = ["lieu__name", "lieu__structure__name"]


@admin.register(MediateurQualification)
class MediateurQualificationAdmin(admin.ModelAdmin):
    list_display = ["mediateur", "status", "valid_from", "valid_until", "flagged"]
    list_filter = ["status", "flagged"]
