from django.contrib import admin

from settlement.models import BankAccount, MutationsConsent


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    """Read-only: accounts are entered by structures (with their second factor) and verified on the staff page."""

    list_display = ["structure", "masked_iban", "holder", "status", "requested_at", "verified_by"]
    list_filter = ["status"]
    search_fields = ["structure__name", "holder"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MutationsConsent)
class MutationsConsentAdmin(admin.ModelAdmin):
    list_display = ["structure", "opted_in", "effective_from", "given_by", "given_at"]
    list_filter = ["opted_in"]
    search_fields = ["structure__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
