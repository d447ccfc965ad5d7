import datetime
import io

import pytest
import time_machine
from pypdf import PdfReader

from accounts.enums import StaffRole
from aptic.errors import BusinessError
from qualification.enums import ApplicationKind, ApplicationStatus, EmploymentStatus, QualificationStatus
from qualification.models import MediateurQualification, Qualification
from qualification.selectors import lieux_qualified, mediateur_qualification_on
from qualification.services import applications as services
from qualification.services import qualifications as qualification_services
from qualification.tasks import expire_qualifications, remind_renewals, send_certificate
from tests.factories import staff_user
from tests.qualification.helpers import complete_application

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def reviewer():
    return staff_user(StaffRole.QUALIFICATION)


def _qualified(reviewer, statuses=(EmploymentStatus.SALARIE,)):
    user, application = complete_application(statuses=statuses)
    mediateur = application.lieu.mediateurs.first()
    mediateur.user = user
    mediateur.save()
    services.application_submit(application=application, by=user)
    return user, services.application_approve(application=application, by=reviewer)


def test_the_validity_lasts_two_years():
    assert qualification_services.validity_end(datetime.date(2026, 3, 15)) == datetime.date(2028, 3, 14)
    assert qualification_services.validity_end(datetime.date(2028, 2, 29)) == datetime.date(2030, 2, 27)


def test_approval_sends_the_certificate_once(reviewer, mailoutbox, django_capture_on_commit_callbacks):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    with django_capture_on_commit_callbacks(execute=True):
        qualification = services.application_approve(application=application, by=reviewer, reason="Bienvenue")
    qualification.refresh_from_db()
    assert qualification.certificate and qualification.certificate_sent_at
    mail = mailoutbox[-1]
    assert "est qualifié #APTIC" in mail.subject and "Bienvenue" in mail.body
    filename, content, mimetype = mail.attachments[0]
    assert mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Attestation de qualification #APTIC" in text and application.lieu.name in text
    assert "Médiateur0" in text  # the qualified person is named on it

    sent = len(mailoutbox)
    send_certificate(qualification.pk)  # a retried task sends nothing more
    assert len(mailoutbox) == sent


def test_suspension_stops_the_lieu_and_its_counter_until_reinstated(reviewer, mailoutbox):
    user, qualification = _qualified(reviewer)
    lieu = qualification.lieu
    qualification_services.qualification_suspend(qualification=qualification, reason="Contrôle en cours", by=reviewer)
    assert lieu not in lieux_qualified()
    assert mediateur_qualification_on(user=user, lieu=lieu) is None
    with pytest.raises(BusinessError) as repeated:
        qualification_services.qualification_suspend(qualification=qualification, reason="Encore", by=reviewer)
    assert repeated.value.code == "already_done"
    qualification_services.qualification_reinstate(
        qualification=qualification, reason="Contrôle conforme", by=reviewer
    )
    assert lieu in lieux_qualified()
    assert [(t.to_status, t.reason) for t in qualification.transitions.all()][-2:] == [
        ("suspended", "Contrôle en cours"),
        ("active", "Contrôle conforme"),
    ]


def test_revocation_is_final_and_covers_the_mediateurs(reviewer):
    user, qualification = _qualified(reviewer)
    with pytest.raises(BusinessError):
        qualification_services.qualification_revoke(qualification=qualification, reason="", by=reviewer)
    qualification_services.qualification_revoke(
        qualification=qualification, reason="Manquement à la charte", by=reviewer
    )
    qualification.refresh_from_db()
    assert qualification.status == QualificationStatus.REVOKED
    assert set(qualification.mediateurs.values_list("status", flat=True)) == {QualificationStatus.REVOKED}
    with pytest.raises(BusinessError):
        qualification_services.qualification_reinstate(qualification=qualification, reason="Non", by=reviewer)


def test_a_mediateur_can_be_suspended_alone(reviewer):
    user, qualification = _qualified(reviewer)
    mediateur_qualification = qualification.mediateurs.get()
    qualification_services.mediateur_qualification_suspend(
        mediateur_qualification=mediateur_qualification, reason="Absence de convention signée", by=reviewer
    )
    assert mediateur_qualification_on(user=user, lieu=qualification.lieu) is None
    assert qualification.lieu in lieux_qualified()


def test_qualifications_expire_at_the_end_of_their_validity(reviewer):
    user, qualification = _qualified(reviewer)
    end = qualification.valid_until
    with time_machine.travel(end):
        assert expire_qualifications() == 0
        assert qualification.lieu in lieux_qualified()
    with time_machine.travel(end + datetime.timedelta(days=1)):
        assert qualification.lieu not in lieux_qualified()  # not shown the day after, even before the task runs
        assert expire_qualifications() == 2  # the lieu's and its médiateur's
        assert expire_qualifications() == 0  # idempotent
    qualification.refresh_from_db()
    assert qualification.status == QualificationStatus.EXPIRED
    assert qualification.transitions.last().reason == "Validité échue"


def test_structures_are_reminded_once_before_the_end(reviewer, mailoutbox, django_capture_on_commit_callbacks):
    user, qualification = _qualified(reviewer)
    with time_machine.travel(qualification.valid_until - datetime.timedelta(days=90)):
        assert remind_renewals() == 0
    with time_machine.travel(qualification.valid_until - datetime.timedelta(days=45)):
        with django_capture_on_commit_callbacks(execute=True):
            assert remind_renewals() == 1
        assert remind_renewals() == 0
    assert "Renouvelez la qualification" in mailoutbox[-1].subject
    assert user.email in mailoutbox[-1].to


def test_renewal_is_a_lighter_application_that_replaces_the_qualification(reviewer):
    user, qualification = _qualified(reviewer, statuses=(EmploymentStatus.SALARIE, EmploymentStatus.CAE))
    with time_machine.travel(qualification.valid_until - datetime.timedelta(days=30)):
        renewal = services.application_start_renewal(qualification=qualification, by=user)
        assert renewal.kind == ApplicationKind.RENEWAL and renewal.lieu == qualification.lieu
        assert services.application_start_renewal(qualification=qualification, by=user) == renewal
        missing = {step for step, _m in services.application_missing(renewal)}
        assert missing == {"charte"}  # no quality answers nor documents again
        services.application_accept_charter(
            application=renewal, accepted=list(qualification.application.charter_accepted), by=user
        )
        services.application_submit(application=renewal, by=user)
        new = services.application_approve(application=renewal, by=reviewer)
    qualification.refresh_from_db()
    assert qualification.status == QualificationStatus.EXPIRED
    assert new.status == QualificationStatus.ACTIVE and new.valid_until > qualification.valid_until
    assert new.mediateurs.count() == 2
    assert Qualification.objects.filter(lieu=new.lieu, status=QualificationStatus.ACTIVE).count() == 1
    assert renewal.status == ApplicationStatus.APPROVED


def test_one_live_qualification_per_lieu_is_a_database_rule(reviewer):
    from django.db import IntegrityError, transaction

    user, qualification = _qualified(reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Qualification.objects.create(
            lieu=qualification.lieu, valid_from=qualification.valid_from, valid_until=qualification.valid_until
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        MediateurQualification.objects.create(
            mediateur=qualification.mediateurs.get().mediateur,
            qualification=qualification,
            valid_from=qualification.valid_from,
            valid_until=qualification.valid_until,
        )


def test_renewal_opens_three_months_before_the_end(reviewer):
    user, qualification = _qualified(reviewer)
    with pytest.raises(BusinessError) as refusal:
        services.application_start_renewal(qualification=qualification, by=user)
    assert refusal.value.code == "renewal_not_open"
    assert not qualification.renewable
    with time_machine.travel(qualification.valid_until - datetime.timedelta(days=90)):
        assert qualification.renewable
