"""``python manage.py import_lieux FILE``: import lieux from a file of the national standard."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from qualification.standard.importer import FileRefused, lieux_import


class Command(BaseCommand):
    help = (
        "Import lieux from a CSV (or JSON) file of the « Standard de données des lieux de médiation numérique » "
        "(v1.0.2, or the older v0 layout). Imported lieux are never qualified; the same id updates its lieu."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
        parser.add_argument("--by", metavar="EMAIL", help="the staff member the import is recorded for")
        parser.add_argument("--all-warnings", action="store_true", help="list every row with a warning")

    def handle(self, *args, file: Path, dry_run: bool, by: str | None, all_warnings: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        user = None
        if by:
            user = User.objects.filter(email__iexact=by).first()
            if user is None:
                raise CommandError(f"no user {by}")

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\r{done}/{total}", ending="")

        try:
            report = lieux_import(
                content=file.read_bytes(), by=user, filename=file.name, dry_run=dry_run, progress=progress
            )
        except FileRefused as refusal:
            self.stderr.write("")
            raise CommandError(str(refusal)) from refusal
        self.stderr.write("")
        self.stdout.write(
            f"{file.name} — standard {report.layout}, {report.encoding}, « {report.delimiter or 'JSON'} »"
        )
        for note in report.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write(("(simulation) " if dry_run else "") + report.summary())
        for row in report.refused_rows:
            self.stdout.write(f"  ligne {row.line} [{row.id}] {row.name} : refusée — {' ; '.join(row.reasons)}")
        warned = report.warned_rows
        if warned:
            self.stdout.write(f"{len(warned)} ligne(s) acceptée(s) avec des remarques.")
            for row in warned if all_warnings else warned[:20]:
                self.stdout.write(f"  ligne {row.line} [{row.id}] {row.name} : {' ; '.join(row.warnings)}")
            if not all_warnings and len(warned) > 20:
                self.stdout.write("  … (--all-warnings pour toutes les voir)")
