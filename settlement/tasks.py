import datetime

from celery import shared_task
from django.utils import timezone

from settlement.documents import payout_documents
from settlement.services.runs import previous_month, settlement_compute


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def payout_documents_task(payout_id: int) -> None:
    payout_documents(payout_id)


@shared_task
def settle_previous_month_task() -> str:
    """Beat, on the 1st of each month: settle the month that just ended (idempotent: a run exists once)."""
    run = settlement_compute(period=previous_month(timezone.localdate()))
    return f"{run.period:%Y-%m}: {run.status}"


@shared_task
def settle_month_task(period: str) -> str:
    run = settlement_compute(period=datetime.date.fromisoformat(period))
    return f"{run.period:%Y-%m}: {run.status}"
