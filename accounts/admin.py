from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts import admin_security  # noqa: F401  (groups, e-mail addresses, authenticators)
from accounts.audit_labels import audit_action_label
from accounts.forms import UserAddForm
from accounts.models import ApiKey, AuditEvent, Membership, Organisation, User
from accounts.staff_rights import staff_rights_change
from aptic.admin_base import FrenchDisplayMixin, ModelAdmin, TabularInline

# Who may do what on the platform's staff side: only a superuser changes these, through the audited service.
PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups"]


class MembershipFormSet(BaseInlineFormSet):
    acting_superuser = False

    def clean(self):
        """Tying a staff account to an organisation is not a support matter: it would widen a staff member's
        rights (an organisation's admin enters its IBAN). Only a superuser does it."""
        super().clean()
        if self.acting_superuser:
            return
        for form in self.forms:
            if not form.has_changed() and not self._should_delete_form(form):
                continue
            user = form.cleaned_data.get("user") or getattr(form.instance, "user", None)
            if user is not None and (user.is_staff or user.is_superuser):
                raise ValidationError(
                    _("Seul un super-administrateur peut rattacher une personne de l'équipe à une organisation.")
                )


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    formset = MembershipFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_superuser = request.user.is_superuser
        return formset


@admin.register(User)
class UserAdmin(FrenchDisplayMixin, DjangoUserAdmin):
    """Staff see and help people; only a superuser changes rights (audited, e-mailed), and nobody sets another
    person's password here: resets go by e-mail (« Mot de passe oublié ? »)."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", *PRIVILEGE_FIELDS]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_form = UserAddForm
    add_form_template = None
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name"]})]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        # The e-mail address too: changing it would let its new owner reset the password.
        return ["email", *PRIVILEGE_FIELDS, "last_login", "date_joined"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False  # a staff account (one's own included) is read-only for other staff
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # nobody sets another person's password

    def save_model(self, request, obj, form, change):
        form.wanted_rights = {}
        if change and request.user.is_superuser:
            # Rights are applied by the service in save_related, once the rest is saved.
            form.wanted_rights = {name: form.cleaned_data.pop(name) for name in PRIVILEGE_FIELDS}
            obj.is_staff, obj.is_superuser = form.initial["is_staff"], form.initial["is_superuser"]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.wanted_rights:
            staff_rights_change(user=form.instance, by=request.user, via="admin", **form.wanted_rights)


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ["name", "kind", "siret", "city", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "siret", "city"]
    inlines = [MembershipInline]


@admin.register(ApiKey)
class ApiKeyAdmin(ModelAdmin):
    list_display = ["name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "organisation__name"]
    readonly_fields = [f.name for f in ApiKey._meta.fields]

    def has_add_permission(self, request):
        return False  # keys are created by the organisation's admin, who alone sees the clear text once


class AuditActionFilter(admin.SimpleListFilter):
    """The actions recorded so far, by their French label."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit_action_label(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    list_display = ["created_at", "action_label", "actor", "organisation", "target", "details"]
    list_filter = [AuditActionFilter]
    search_fields = ["action", "target_id", "actor__email", "organisation__name"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action_label", "action", "actor", "organisation", "target", "details"]
    readonly_fields = ["action_label", "target", "details"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, event):
        return audit_action_label(event.action)

    @admin.display(description=_("objet concerné"))
    def target(self, event):
        if not event.target_type:
            return self.get_empty_value_display()
        try:
            kind = apps.get_model(event.target_type)._meta.verbose_name
        except (LookupError, ValueError):
            kind = event.target_type
        return f"{kind} n° {event.target_id}"

    @admin.display(description=_("détails"))
    def details(self, event):
        """An admin change reads as the admin's own message (« Modification de Nom. »), in the reader's language."""
        if "change_message" in event.data:
            message = LogEntry(change_message=event.data["change_message"]).get_change_message()
            return f"{event.data.get('object', '')} — {message}"
        return ", ".join(f"{key} : {value}" for key, value in sorted(event.data.items()))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


import accounts.history.admin  # noqa: E402, F401  (the history's admin page)
