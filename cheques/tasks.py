"""Background work of the cheques app: thin tasks that load by id and call one service (idempotent)."""

from celery import shared_task
from django.db import OperationalError

from cheques.models import Invoice


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def invoice_render_task(invoice_id: int) -> None:
    from cheques.services.invoices import invoice_render

    invoice_render(invoice=Invoice.objects.get(pk=invoice_id))


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def order_issue_task(order_id: int) -> None:
    from cheques.services.issuance import order_issue

    order_issue(order_id=order_id)


@shared_task
def print_job_start_task(order_id: int) -> None:
    from cheques.models import Order
    from cheques.services.printing import print_job_start

    print_job_start(order=Order.objects.get(pk=order_id))


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def print_chunk_task(chunk_id: int) -> None:
    from cheques.services.printing import print_chunk_render

    print_chunk_render(chunk_id=chunk_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def print_job_finish_task(job_id: int) -> None:
    from cheques.services.printing import print_job_finish

    print_job_finish(job_id=job_id)


@shared_task
def cheques_expire_task() -> int:
    """Nightly (beat): expire the cheques past their validity, one credit note per funder."""
    from cheques.services.expiry import cheques_expire

    return len(cheques_expire())


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def beneficiary_profiles_purge_task() -> int:
    """Nightly (beat): delete the anonymous beneficiary profiles past their retention period."""
    from cheques.services.retention import beneficiary_profiles_purge

    return beneficiary_profiles_purge()
