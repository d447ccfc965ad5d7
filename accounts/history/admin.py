"""« Historique des modifications »: every tracked change, read-only, in French."""

from contextvars import ContextVar

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.history.display import describe
from accounts.history.tracking import tracked_tables
from accounts.models import HistoryEntry

# The reader of the page being drawn (their access decides whether IBANs are shown whole), per request.
_access: ContextVar = ContextVar("history_admin_access", default=None)


class TableFilter(admin.SimpleListFilter):
    title = _("type d'objet")
    parameter_name = "table"

    def lookups(self, request, model_admin):
        return sorted(
            ((table, str(tracked.model._meta.verbose_name)) for table, tracked in tracked_tables().items()),
            key=lambda item: item[1],
        )

    def queryset(self, request, queryset):
        return queryset.filter(table_name=self.value()) if self.value() else queryset


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "what", "object_id", "author", "operation", "summary"]
    list_filter = [TableFilter, "operation"]
    search_fields = ["object_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    fields = ["created_at", "what", "object_id", "author", "operation", "summary", "db_user", "application"]
    readonly_fields = fields

    def _line(self, entry):
        return describe(entry, access=_access.get())

    def _as_reader(self, request, view, *args):
        """Draw the page while the reader's access is known (template responses render lazily otherwise)."""
        token = _access.set(getattr(request, "access", None))
        try:
            response = view(request, *args)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response
        finally:
            _access.reset(token)

    def changelist_view(self, request, extra_context=None):
        return self._as_reader(request, super().changelist_view, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._as_reader(request, super().change_view, object_id, form_url, extra_context)

    @admin.display(description=_("objet"))
    def what(self, entry):
        return self._line(entry).what

    @admin.display(description=_("auteur"))
    def author(self, entry):
        return self._line(entry).author

    @admin.display(description=_("ce qui a changé"))
    def summary(self, entry):
        return format_html_join(
            "",
            "<div>{} : {} → {}</div>",
            ((str(c.label).capitalize(), c.before, c.after) for c in self._line(entry).changes),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
