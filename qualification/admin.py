from django.contrib import admin

from qualification.models import Lieu


@admin.register(Lieu)
class LieuAdmin(admin.ModelAdmin):
    list_display = ["name", "structure", "commune", "postcode"]
    search_fields = ["name", "structure__name", "commune__name", "postcode"]
    autocomplete_fields = ["structure", "commune"]
