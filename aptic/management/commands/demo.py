"""``python manage.py demo``: demo organisations, people, lieux (and, as apps add them, orders and cheques).

Each app may ship a ``demo.py`` with a ``load(stdout)`` function; they run in the order of INSTALLED_APPS
(upstream first) and must be idempotent: running the command twice changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_PASSWORD = "demo-aptic-2026"


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DEBUG off: demo logins share one password."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo data share a public password: run it with DEBUG=1 only, never in production.")
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo login uses the password {DEMO_PASSWORD}."))
