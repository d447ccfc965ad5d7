"""``DEBUG=1 python manage.py demo_totp EMAIL``: the current second-factor code of a demo login.

The demo's TOTP secrets are public (README), like its password: refused when ``DEBUG`` is off.
"""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import TOTP_SECRETS


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login (DEBUG only). Logins: " + ", ".join(TOTP_SECRETS)

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo's second-factor secrets are public: demo_totp runs with DEBUG=1 only, never in production."
            )
        secret = TOTP_SECRETS.get(email.strip().lower())
        if secret is None:
            raise CommandError(f"{email} is not a demo login with a second factor ({', '.join(TOTP_SECRETS)}).")
        counters = list(yield_hotp_counters_from_time())
        self.stdout.write(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))
