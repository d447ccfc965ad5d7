from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def sync_staff_groups(sender, **kwargs):
    """One Django group per staff role, with the admin permissions each app grants it.

    An app grants permissions by declaring ``staff_permissions = {"finance": ["view_order", ...]}`` on its
    AppConfig (codenames of its own models), so ``accounts`` never imports the apps downstream of it.
    """
    from django.contrib.auth.models import Group, Permission

    from accounts.enums import StaffRole

    for role in StaffRole.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for config in apps.get_app_configs():
            codenames = getattr(config, "staff_permissions", {}).get(role, [])
            if codenames:
                wanted += Permission.objects.filter(content_type__app_label=config.label, codename__in=codenames)
        group.permissions.add(*wanted)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"
    staff_permissions = {
        "support": [
            "view_user",
            "change_user",
            "view_organisation",
            "change_organisation",
            "view_membership",
            "add_membership",
            "change_membership",
            "view_auditevent",
            "view_historyentry",
            "view_apikey",
        ],
        "qualification": ["view_organisation", "view_membership", "view_auditevent", "view_historyentry"],
        "finance": ["view_organisation", "view_auditevent", "view_historyentry"],
    }
    # Staff rights: the flags on the user and the group (staff role) memberships (accounts/history/).
    history_tracked = {
        "User": {"fields": ["is_staff", "is_superuser", "is_active"]},
        "User.groups": {"object": "user"},
    }

    def ready(self):
        # After every app's post_migrate (permissions are created by auth's own handler).
        post_migrate.connect(sync_staff_groups, dispatch_uid="accounts.sync_staff_groups")
        from accounts.history import actor, tracking

        post_migrate.connect(tracking.history_install_after_migrate, dispatch_uid="accounts.history_install")
        actor.connect()
