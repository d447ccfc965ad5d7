import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from qualification.enums import ApplicationStatus, QualificationStatus
from qualification.models import Application
from qualification.services import applications as services
from tests.factories import member, staff_user
from tests.qualification.helpers import PDF_BYTES, complete_application, referentiel_in_force, structure_admin
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_a_structure_admin_starts_and_fills_an_application_step_by_step(client):
    user, structure = structure_admin()
    client.force_login(user)
    response = client.post(reverse("application-new"), follow=True)
    application = Application.objects.get(structure=structure)
    assert response.request["PATH_INFO"] == reverse("application-step", args=[application.pk, "identite"])

    url = reverse("application-step", args=[application.pk, "lieu"])
    data = {
        "name": "Tiers-lieu du Plateau",
        "address": "1 place du Marché",
        "postcode": "15100",
        "opening_hours": "Mo-Fr 09:00-12:00",
    }
    response = client.post(url, data)
    assert "Plusieurs communes portent ce code postal" in page_text(response)  # 15100: Saint-Flour and others
    assert "Saint-Flour" in page_text(response)  # …offered in the list

    saint_flour = response.context["form"].fields["commune"].queryset.get(name="Saint-Flour")
    response = client.post(url, {**data, "commune": saint_flour.pk})
    assert response.url == reverse("application-step", args=[application.pk, "services"])
    application.refresh_from_db()
    assert application.lieu.commune == saint_flour and application.lieu.structure == structure

    referentiel_in_force()
    response = client.get(reverse("application-step", args=[application.pk, "services"]))
    assert response.status_code == 200
    response = client.post(
        reverse("application-step", args=[application.pk, "mediateurs"]),
        {
            "first_name": "Lou",
            "last_name": "Bénévole",
            "email": "lou@exemple.test",
            "employment_status": "benevole",
            "convention_start": "2026-01-01",
        },
        follow=True,
    )
    assert "Non éligible" in page_text(response) and "ne redistribue pas" in page_text(response)

    response = client.post(reverse("application-submit", args=[application.pk]), follow=True)
    text = page_text(response)
    assert "La candidature est incomplète." in text and "Acceptez chacun des engagements de la charte" in text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_mediateur_cannot_apply_for_the_structure(client):
    client.force_login(member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR))
    assert client.get(reverse("qualifications")).status_code == 403
    assert client.post(reverse("application-new")).status_code == 403


def test_another_structure_gets_404_on_the_application_and_its_documents(client):
    user, application = complete_application()
    document = application.documents.get()
    other, _structure = structure_admin()
    client.force_login(other)
    assert client.get(reverse("application", args=[application.pk])).status_code == 404
    assert client.get(reverse("application-document", args=[application.pk, document.pk])).status_code == 404
    assert client.post(reverse("application-submit", args=[application.pk])).status_code == 404


def test_documents_open_for_the_structure_and_the_qualification_team_only(client):
    user, application = complete_application()
    document = application.documents.get()
    url = reverse("application-document", args=[application.pk, document.pk])
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    for role, status in ((StaffRole.QUALIFICATION, 200), (StaffRole.SUPPORT, 200), (StaffRole.FINANCE, 403)):
        client.force_login(staff_user(role))
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(
        member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR, organisation=application.structure)
    )
    assert client.get(url).status_code == 404  # a médiateur of the structure does not see its papers


def test_an_upload_refused_by_its_content_shows_a_clear_message(client):
    user, structure = structure_admin()
    application = services.application_start(structure=structure, by=user)
    client.force_login(user)
    response = client.post(
        reverse("application-step", args=[application.pk, "documents"]),
        {
            "kind": "statuts",
            "file": SimpleUploadedFile("statuts.pdf", b"<html>pas un pdf</html>"),
        },
    )
    assert "Seuls les fichiers PDF, PNG et JPEG sont acceptés." in page_text(response)
    assert not application.documents.exists()


def test_the_review_queue_and_the_decision_pages(client, mailoutbox):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    reviewer = staff_user(StaffRole.QUALIFICATION)
    client.force_login(reviewer)
    queue = page_text(client.get(reverse("staff-applications")))
    assert application.structure.name in queue and "0 jour" in queue

    page = page_text(client.get(reverse("staff-application", args=[application.pk])))
    assert "Salarié·e de la structure : 1" in page  # the structure's mix of statuses

    client.post(reverse("staff-application-changes", args=[application.pk]), {"message": "Ajoutez l'assurance."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CHANGES_REQUESTED

    client.force_login(user)
    assert "Ajoutez l'assurance." in page_text(client.get(reverse("application", args=[application.pk])))
    client.post(reverse("application-submit", args=[application.pk]))

    client.force_login(reviewer)
    response = client.post(
        reverse("staff-application-approve", args=[application.pk]), {"reason": "Bravo"}, follow=True
    )
    assert "Candidature approuvée" in page_text(response)
    assert application.lieu.qualifications.get().status == QualificationStatus.ACTIVE


def test_only_the_qualification_team_decides(client):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    for someone in (staff_user(StaffRole.FINANCE), staff_user(StaffRole.SUPPORT), user):
        client.force_login(someone)
        assert client.post(reverse("staff-application-approve", args=[application.pk])).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_staff_suspend_a_qualification_with_a_reason(client):
    user, application = complete_application()
    services.application_submit(application=application, by=user)
    reviewer = staff_user(StaffRole.QUALIFICATION)
    qualification = services.application_approve(application=application, by=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("staff-qualification-change", args=[qualification.pk, "suspendre"]), {"reason": ""}, follow=True
    )
    assert "Le motif est obligatoire." in page_text(response)
    client.post(reverse("staff-qualification-change", args=[qualification.pk, "suspendre"]), {"reason": "Signalement"})
    qualification.refresh_from_db()
    assert qualification.status == QualificationStatus.SUSPENDED
    assert (
        client.post(
            reverse("staff-qualification-change", args=[qualification.pk, "effacer"]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_the_status_report_shows_the_mix_and_flags_service_civique(client):
    from qualification.enums import EmploymentStatus

    user, application = complete_application(
        statuses=(EmploymentStatus.SALARIE, EmploymentStatus.SERVICE_CIVIQUE, EmploymentStatus.BENEVOLE)
    )
    services.application_submit(application=application, by=user)
    reviewer = staff_user(StaffRole.QUALIFICATION)
    civique = application.lieu.mediateurs.get(employment_status=EmploymentStatus.SERVICE_CIVIQUE)
    services.application_approve(application=application, by=reviewer, service_civique_accepted={civique.pk})
    client.force_login(staff_user(StaffRole.FINANCE))
    text = page_text(client.get(reverse("staff-status-report")))
    assert "Salarié·e de la structure : 1" in text and "Bénévole : 1" in text
    assert "1 volontaire en service civique qualifié (signalé)." in text
