from django.contrib import admin

from aptic.admin_base import ModelAdmin
from territories.models import Commune, Departement, Region


@admin.register(Region)
class RegionAdmin(ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(ModelAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(ModelAdmin):
    list_display = ["code", "name", "departement", "postcodes", "population", "density3", "parent"]
    list_filter = ["density3", "departement__region"]
    search_fields = ["code", "search_name", "name", "postcodes"]
    readonly_fields = [
        "code",
        "name",
        "search_name",
        "departement",
        "postcodes",
        "population",
        "density7",
        "density3",
        "parent",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
