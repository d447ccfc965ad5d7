from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from aptic.pdf import render_pdf
from qualification import notifications
from qualification.models import Qualification
from qualification.services.qualifications import qualifications_expire, qualifications_remind


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_certificate(qualification_id: int) -> None:
    """Render and store the qualification certificate once, then e-mail it to the structure.

    Safe to run twice: the stored certificate is reused, and a sent certificate is not sent again (if the
    worker dies between sending and recording, the structure may receive it twice, never zero times).
    """
    qualification = Qualification.objects.select_related("lieu__structure", "lieu__commune").get(pk=qualification_id)
    if qualification.certificate_sent_at:
        return
    if not qualification.certificate:
        pdf = render_pdf(
            "qualification/pdf/certificate.html",
            {
                "qualification": qualification,
                "mediateurs": qualification.mediateurs.select_related("mediateur").order_by("mediateur__last_name"),
            },
        )
        with transaction.atomic():
            locked = Qualification.objects.select_for_update().get(pk=qualification_id)
            if not locked.certificate:
                locked.certificate.save(
                    f"qualification/certificates/attestation-{qualification_id}.pdf", ContentFile(pdf), save=True
                )
        qualification.refresh_from_db()
    with qualification.certificate.open("rb") as handle:
        pdf = handle.read()
    notifications.certificate_send(qualification, pdf)
    Qualification.objects.filter(pk=qualification_id, certificate_sent_at__isnull=True).update(
        certificate_sent_at=timezone.now()
    )


@shared_task
def expire_qualifications() -> int:
    return qualifications_expire()


@shared_task
def remind_renewals() -> int:
    return qualifications_remind()
