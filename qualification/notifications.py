"""E-mails of the qualification process. Sent after the transaction commits; never inside a lock."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.enums import MembershipRole, StaffRole


def structure_recipients(structure) -> list[str]:
    admins = structure.memberships.filter(role=MembershipRole.ADMIN, user__is_active=True)
    emails = {membership.user.email for membership in admins.select_related("user")}
    if structure.email:
        emails.add(structure.email)
    return sorted(emails)


def _send(template: str, context: dict, recipients: list[str], attachments=()) -> None:
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"qualification/emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"qualification/emails/{template}.txt", context)
    message = EmailMessage(subject=f"[#APTIC] {subject}", body=body, to=recipients)
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def _on_commit(template: str, context: dict, recipients: list[str]) -> None:
    transaction.on_commit(lambda: _send(template, context, recipients))


def application_submitted(application) -> None:
    reviewers = Group.objects.get(name=StaffRole.QUALIFICATION).user_set.filter(is_active=True, is_staff=True)
    _on_commit(
        "application_submitted",
        {
            "application": application,
            "url": settings.SITE_URL + reverse("staff-application", args=[application.pk]),
        },
        sorted(reviewers.values_list("email", flat=True)),
    )


def application_changes_requested(application, message: str) -> None:
    _on_commit(
        "application_changes_requested",
        {
            "application": application,
            "message": message,
            "url": settings.SITE_URL + reverse("application", args=[application.pk]),
        },
        structure_recipients(application.structure),
    )


def application_decided(application) -> None:
    _on_commit(
        "application_decided",
        {
            "application": application,
            "url": settings.SITE_URL + reverse("application", args=[application.pk]),
        },
        structure_recipients(application.structure),
    )


def certificate_send(qualification, pdf: bytes) -> None:
    """The approval e-mail, with the qualification certificate attached."""
    _send(
        "qualification_granted",
        {
            "qualification": qualification,
            "application": qualification.application,
            "url": settings.SITE_URL + reverse("qualifications"),
        },
        structure_recipients(qualification.lieu.structure),
        attachments=[(f"attestation-aptic-{qualification.pk}.pdf", pdf, "application/pdf")],
    )


def qualification_changed(qualification, reason: str) -> None:
    _on_commit(
        "qualification_changed",
        {"qualification": qualification, "reason": reason},
        structure_recipients(qualification.lieu.structure),
    )


def renewal_reminder(qualification_id: int) -> None:
    from qualification.models import Qualification

    qualification = Qualification.objects.select_related("lieu__structure").get(pk=qualification_id)
    _send(
        "renewal_reminder",
        {"qualification": qualification, "url": settings.SITE_URL + reverse("qualifications")},
        structure_recipients(qualification.lieu.structure),
    )
