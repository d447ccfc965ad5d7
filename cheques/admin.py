from django.contrib import admin

from cheques.models import FeeRates


@admin.register(FeeRates)
class FeeRatesAdmin(admin.ModelAdmin):
    """Rates in force or past are history: read-only. A change is a new row with a later start date."""

    list_display = [
        "valid_from",
        "face_value",
        "upstream_fee_bp",
        "downstream_fee_bp",
        "vat_bp",
        "mutations_bp",
        "decision",
    ]
    readonly_fields = ["created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return [f.name for f in FeeRates._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
