"""``python manage.py staff_role grant|revoke EMAIL ROLE``: the daily way to change a staff member's role."""

from django.core.management.base import BaseCommand, CommandError

from accounts.enums import StaffRole
from accounts.models import User
from accounts.staff_rights import staff_role_grant, staff_role_revoke
from aptic.errors import BusinessError


class Command(BaseCommand):
    help = "Grant or revoke a staff role (audited, e-mailed to the person). Roles: " + ", ".join(StaffRole.values)

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke"])
        parser.add_argument("email")
        parser.add_argument("role", choices=StaffRole.values)

    def handle(self, *args, action, email, role, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        service = staff_role_grant if action == "grant" else staff_role_revoke
        try:
            changed = service(user=user, role=role, via=f"manage.py staff_role {action}")
        except BusinessError as error:
            raise CommandError(str(error)) from error
        if changed:
            self.stdout.write(self.style.SUCCESS(f"{action}: {user.email} {role} (recorded, the person is told)."))
        else:
            self.stdout.write(f"Nothing to change: {user.email} {'has' if action == 'grant' else 'lacks'} {role}.")
