"""``python manage.py settle --period YYYY-MM``: compute the settlement of a month by hand (what beat does)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from aptic.errors import BusinessError
from aptic.money import format_eur
from settlement.services.runs import settlement_compute


class Command(BaseCommand):
    help = "Compute the monthly settlement of a month (idempotent: a month is settled once)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The month to settle, YYYY-MM.")

    def handle(self, *args, period, **options):
        try:
            month = datetime.datetime.strptime(period, "%Y-%m").date()
        except ValueError as exc:
            raise CommandError("--period takes a month as YYYY-MM, e.g. 2026-10") from exc
        try:
            run = settlement_compute(period=month)
        except BusinessError as error:
            raise CommandError(str(error.message)) from error
        payouts = run.payouts.count()
        self.stdout.write(
            f"{run}: {run.get_status_display()} — {payouts} payout(s), {run.cheques} cheques, "
            f"{format_eur(run.paid_total)} to pay, {format_eur(run.held_total)} held back"
        )
