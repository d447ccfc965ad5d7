from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def lieu_import_run_task(lieu_import_id: int) -> str:
    """Import the lieux of an uploaded file (idempotent: a finished import is not run again)."""
    from qualification.standard.services import lieu_import_run

    return lieu_import_run(lieu_import_id=lieu_import_id).status
