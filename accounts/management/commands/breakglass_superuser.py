"""``python manage.py breakglass_superuser EMAIL [--revoke]``: the emergency superuser, not used daily.

Creates a separate account with a random password printed once; it must enrol a second factor at its first
login. ``--revoke`` ends the emergency. Both are audited and e-mailed to the person.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.staff_rights import breakglass_superuser_create, breakglass_superuser_revoke
from aptic.errors import BusinessError


class Command(BaseCommand):
    help = "Create a break-glass superuser (random password shown once), or --revoke its rights."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--revoke", action="store_true", help="take the superuser rights away")

    def handle(self, *args, email, revoke, **options):
        if revoke:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No account with the address {email}.")
            changed = breakglass_superuser_revoke(user=user, via="manage.py breakglass_superuser --revoke")
            self.stdout.write(f"{user.email}: {'superuser rights revoked' if changed else 'was not a superuser'}.")
            return
        try:
            user, password = breakglass_superuser_create(email=email, via="manage.py breakglass_superuser")
        except BusinessError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Break-glass superuser {user.email} created."))
        self.stdout.write(f"Password (shown once, keep it sealed): {password}")
        self.stdout.write("At its first login it must enrol a second factor (TOTP). Revoke it with --revoke.")
