"""The admin of what holds people's rights and logins, beyond the user: groups, e-mail addresses, authenticators.

None of it is a staff role's business, whatever permissions a group was given: these admins check
``is_superuser`` themselves.
"""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.services import audit_record


def _superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Staff roles are groups whose permissions are declared in code (each app's ``staff_permissions``, applied
    by ``migrate``): shown to superusers, changed by nobody here. Who has a role: the user's page or
    ``manage.py staff_role``."""

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """An address receives the password-reset link: changing or verifying one is a superuser's matter."""

    def get_actions(self, request):
        return super().get_actions(request) if _superuser(request) else {}

    def has_add_permission(self, request):
        return _superuser(request)

    def has_change_permission(self, request, obj=None):
        return _superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Second factors: never their secret; a superuser may remove one (a lost phone), which is audited. The
    person is then asked to enrol again before any staff or bank page."""

    list_display = ["person", "kind", "created", "last_used"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    fields = ["person", "kind", "created", "last_used"]
    readonly_fields = fields

    # allauth's model names its fields in English: the columns are named here.
    @admin.display(description=_("personne"), ordering="user__email")
    def person(self, authenticator):
        return authenticator.user

    @admin.display(description=_("type"), ordering="type")
    def kind(self, authenticator):
        return authenticator.get_type_display()

    @admin.display(description=_("ajouté le"), ordering="created_at")
    def created(self, authenticator):
        return display_for_value(authenticator.created_at, self.get_empty_value_display())

    @admin.display(description=_("dernière utilisation"), ordering="last_used_at")
    def last_used(self, authenticator):
        return display_for_value(authenticator.last_used_at, self.get_empty_value_display())

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return _superuser(request)

    def delete_model(self, request, obj):
        self._audit(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for authenticator in queryset.select_related("user"):
            self._audit(request, authenticator)
        super().delete_queryset(request, queryset)

    @staticmethod
    def _audit(request, authenticator: Authenticator) -> None:
        audit_record(
            action="accounts.authenticator.deleted",
            actor=request.user,
            target=authenticator.user,
            data={"type": authenticator.type},
        )
