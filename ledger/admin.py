from django.contrib import admin

from aptic.admin_base import ModelAdmin, TabularInline
from ledger.models import Account, Leg, Transaction


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LegInline(TabularInline):
    model = Leg
    fields = ["account", "party", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "__str__", "kind"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "reference", "memo", "created_by"]
    list_filter = ["kind"]
    search_fields = ["reference", "memo"]
    date_hierarchy = "occurred_at"
    inlines = [LegInline]
