import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.enums import StaffRole
from accounts.models import AuditEvent
from aptic.errors import BusinessError
from qualification.enums import ApplicationStatus, EmploymentStatus, MessageKind, QualificationStatus
from qualification.models import Application, MediateurQualification, Qualification, Transition
from qualification.selectors import lieux_qualified, mediateur_qualification_on
from qualification.services import applications as services
from qualification.services.qualifications import validity_end
from tests.factories import staff_user
from tests.qualification.helpers import complete_application, structure_admin

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def reviewer():
    return staff_user(StaffRole.QUALIFICATION)


def test_an_incomplete_application_cannot_be_submitted_and_says_what_is_missing():
    user, structure = structure_admin()
    application = services.application_start(structure=structure, by=user)
    missing_steps = {step for step, _message in services.application_missing(application)}
    assert missing_steps == {"lieu", "charte", "qualite", "documents"}
    with pytest.raises(BusinessError) as refusal:
        services.application_submit(application=application, by=user)
    assert refusal.value.code == "incomplete"
    assert any("Le lieu n'est pas encore décrit" in message for message in refusal.value.details["missing"])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_each_commitment_of_the_charter_must_be_accepted():
    user, application = complete_application()
    services.application_accept_charter(application=application, accepted=["accueil_inconditionnel"], by=user)
    assert [step for step, _m in services.application_missing(application)] == ["charte"]


def test_only_volunteers_and_auto_entrepreneurs_make_an_application_incomplete():
    user, application = complete_application(statuses=(EmploymentStatus.BENEVOLE, EmploymentStatus.AUTO_ENTREPRENEUR))
    assert [step for step, _m in services.application_missing(application)] == ["mediateurs"]


def test_the_whole_review_cycle_is_recorded(reviewer, mailoutbox, django_capture_on_commit_callbacks):
    user, application = complete_application()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=user)
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at
    assert mailoutbox[-1].to == [reviewer.email]  # the qualification team is told

    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_changes(
            application=application, message="Précisez vos horaires du samedi.", by=reviewer
        )
    assert application.status == ApplicationStatus.CHANGES_REQUESTED
    assert "Précisez vos horaires du samedi." in mailoutbox[-1].body
    assert set(mailoutbox[-1].to) == {user.email, "contact@structure.test"}

    # The structure edits (possible again) and resubmits; the exchange is kept.
    services.application_save_lieu(application=application, by=user, data={"opening_hours": "Mo-Sa 09:00-12:00"})
    services.application_post_message(application=application, message="C'est fait.", by=user)
    services.application_submit(application=application, by=user)
    qualification = services.application_approve(application=application, by=reviewer, reason="Bienvenue !")

    assert application.status == ApplicationStatus.APPROVED and application.decided_at
    assert [m.kind for m in application.messages.all()] == [
        MessageKind.CHANGES_REQUESTED,
        MessageKind.REPLY,
        MessageKind.DECISION,
    ]
    assert [(t.from_status, t.to_status) for t in application.transitions.all()] == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "changes_requested"),
        ("changes_requested", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "approved"),
    ]
    assert all(t.actor for t in application.transitions.all())
    assert AuditEvent.objects.filter(action="qualification.application.approved", actor=reviewer).exists()
    assert qualification.status == QualificationStatus.ACTIVE
    # Two years, the day before the anniversary (its edge cases, 29 February included, in test_qualifications).
    assert qualification.valid_until == validity_end(qualification.valid_from)
    assert qualification.valid_until - qualification.valid_from >= datetime.timedelta(days=2 * 365 - 2)
    assert application.lieu in lieux_qualified()


def test_a_submitted_application_is_frozen_for_the_structure(reviewer):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    with pytest.raises(BusinessError) as refusal:
        services.application_save_lieu(application=application, by=user, data={"name": "Autre nom"})
    assert refusal.value.code == "not_editable"
    with pytest.raises(BusinessError):
        services.application_add_document(
            application=application, by=user, kind="autre", uploaded_file=SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")
        )


def test_a_repeated_or_impossible_transition_is_refused_without_change(reviewer):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    with pytest.raises(BusinessError) as repeated:
        services.application_submit(application=application, by=user)
    assert repeated.value.code in ("already_done", "invalid_state")
    services.application_reject(application=application, reason="Hors périmètre.", by=reviewer)
    with pytest.raises(BusinessError) as impossible:
        services.application_approve(application=application, by=reviewer)
    assert impossible.value.code == "invalid_state" and "Refusée" in str(impossible.value.message)
    with pytest.raises(BusinessError) as again:
        services.application_reject(application=application, reason="Encore.", by=reviewer)
    assert again.value.code == "already_done"
    assert not Qualification.objects.exists()
    assert application.transitions.count() == 3


def test_a_rejection_and_a_request_for_changes_need_a_reason(reviewer):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    with pytest.raises(BusinessError):
        services.application_reject(application=application, reason="  ", by=reviewer)
    with pytest.raises(BusinessError):
        services.application_request_changes(application=application, message="", by=reviewer)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_approval_qualifies_only_eligible_people_and_service_civique_on_decision(reviewer):
    statuses = (
        EmploymentStatus.SALARIE,
        EmploymentStatus.CAE,
        EmploymentStatus.SERVICE_CIVIQUE,
        EmploymentStatus.SERVICE_CIVIQUE,
        EmploymentStatus.BENEVOLE,
        EmploymentStatus.AUTO_ENTREPRENEUR,
    )
    user, application = complete_application(statuses=statuses)
    services.application_submit(application=application, by=user)
    civiques = list(application.lieu.mediateurs.filter(employment_status=EmploymentStatus.SERVICE_CIVIQUE))
    qualification = services.application_approve(
        application=application, by=reviewer, service_civique_accepted={civiques[0].pk}
    )
    qualified = {mq.mediateur.employment_status: mq for mq in qualification.mediateurs.all()}
    assert sorted(m.mediateur.employment_status for m in qualification.mediateurs.all()) == [
        "cae",
        "salarie",
        "service_civique",
    ]
    assert qualified["service_civique"].mediateur == civiques[0] and qualified["service_civique"].flagged
    assert not qualified["salarie"].flagged
    assert not MediateurQualification.objects.filter(
        mediateur__employment_status__in=["benevole", "auto_entrepreneur"]
    ).exists()


def test_an_application_without_any_eligible_person_cannot_be_approved(reviewer):
    user, application = complete_application(statuses=(EmploymentStatus.SERVICE_CIVIQUE,))
    services.application_submit(application=application, by=user)
    with pytest.raises(BusinessError) as refusal:
        services.application_approve(application=application, by=reviewer)
    assert refusal.value.code == "no_eligible_mediateur"
    assert not Qualification.objects.exists()


def test_a_mediateur_with_an_account_is_qualified_for_the_counter(reviewer):
    user, application = complete_application()
    mediateur = application.lieu.mediateurs.get()
    mediateur.user = user
    mediateur.save()
    services.application_submit(application=application, by=user)
    services.application_approve(application=application, by=reviewer)
    assert mediateur_qualification_on(user=user, lieu=application.lieu) is not None


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("statuts.pdf", b"MZ\x90\x00 not a pdf", "file_type"),
        ("photo.png", b"GIF89a", "file_type"),
        ("gros.pdf", b"%PDF-1.4" + b"0" * (5 * 1024 * 1024), "file_too_large"),
    ],
)
def test_documents_are_checked_by_their_content_and_size(name, content, code):
    user, structure = structure_admin()
    application = services.application_start(structure=structure, by=user)
    with pytest.raises(BusinessError) as refusal:
        services.application_add_document(
            application=application, kind="statuts", uploaded_file=SimpleUploadedFile(name, content), by=user
        )
    assert refusal.value.code == code
    assert not application.documents.exists()


def test_a_png_and_a_jpeg_are_accepted():
    user, structure = structure_admin()
    application = services.application_start(structure=structure, by=user)
    for name, content in (("a.png", b"\x89PNG\r\n\x1a\n....."), ("b.jpg", b"\xff\xd8\xff\xe0....")):
        services.application_add_document(
            application=application, kind="autre", by=user, uploaded_file=SimpleUploadedFile(name, content)
        )
    assert sorted(application.documents.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]


def test_the_log_never_mixes_subjects():
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    assert Transition.objects.filter(application=application, qualification__isnull=True).count() == 1
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
