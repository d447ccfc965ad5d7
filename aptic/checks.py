"""Deployment checks (``manage.py check --deploy``) for what Django's own checks do not know."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if len(settings.CHEQUE_CODE_PEPPER) < 32:  # the embedded default is shorter
        problems.append(
            Error(
                "CHEQUE_CODE_PEPPER is shorter than 32 characters (the embedded default is).",
                hint="Set CHEQUE_CODE_PEPPER to a long random secret, kept apart from the database.",
                id="aptic.E001",
            )
        )
    if not settings.IS_POSTGRES:
        problems.append(
            Warning(
                "The database is not PostgreSQL: the ledger triggers and the concurrency guarantees need it.",
                hint="Set DATABASE_URL=postgres://…",
                id="aptic.W001",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "REDIS_URL is not set: tasks run inline and rate limits are per process.",
                hint="Set REDIS_URL=redis://…",
                id="aptic.W002",
            )
        )
    return problems
