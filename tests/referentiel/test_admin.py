"""Staff manage the référentiel in the admin: drafts editable, published versions read-only, and the pages
to copy, publish (with confirmation), compare, export and import a version."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.enums import StaffRole
from referentiel import io, services
from referentiel.enums import VersionStatus
from referentiel.models import Format, Public, Service, StandardService, Version
from tests.factories import staff_user
from tests.utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1():
    return Version.objects.get(number=1)


@pytest.fixture
def staff(client):
    user = staff_user(StaffRole.QUALIFICATION)
    client.force_login(user)
    return user


def url(name: str, *args) -> str:
    return reverse(f"admin:referentiel_version_{name}", args=args)


def test_staff_of_the_qualification_team_manage_the_referentiel(client, staff, v1):
    index = page_text(client.get(reverse("admin:index")))
    assert "Versions du référentiel" in index and "Services" in index
    text = page_text(client.get(reverse("admin:referentiel_version_changelist")))
    assert "Publiée, en vigueur" in text and "Importer un fichier (CSV ou JSON)" in text
    page = page_text(client.get(url("change", v1.pk)))
    assert "Copier en nouveau brouillon" in page and "Exporter en CSV" in page and "Publier" not in page


def test_a_published_version_and_its_services_are_read_only_in_the_admin(client, staff, v1):
    response = client.post(url("change", v1.pk), {"label": "Modifié", "notes": "", "valid_from": "2026-01-01"})
    assert response.status_code == 403
    service = v1.services.get(code="mots-de-passe")
    service_url = reverse("admin:referentiel_service_change", args=[service.pk])
    assert client.get(service_url).status_code == 200  # viewable…
    assert client.post(service_url, {"label": "Modifié"}).status_code == 403  # …not changeable
    assert Version.objects.get(pk=v1.pk).label != "Modifié"


def test_copy_then_edit_a_service_of_the_draft_in_the_admin(client, staff, v1):
    assert 'name="drafts_seen" value="0"' in client.get(url("copy", v1.pk)).content.decode()
    response = client.post(url("copy", v1.pk), {"label": "Référentiel 2027", "drafts_seen": "0"})
    draft = Version.objects.get(label="Référentiel 2027")
    assert response.url == url("change", draft.pk)
    again = client.post(url("copy", v1.pk), {"label": "Référentiel 2027", "drafts_seen": "0"}, follow=True)
    assert "Déjà effectué : le brouillon 2 a été créé à partir de cette version." in page_text(again)
    assert Version.objects.count() == 2
    assert "Publier…" in page_text(client.get(url("change", draft.pk)))
    service = draft.services.get(code="mots-de-passe")
    response = client.post(
        reverse("admin:referentiel_service_change", args=[service.pk]),
        {
            "category": service.category_id,
            "code": "mots-de-passe",
            "label": "Mots de passe et double authentification",
            "description": service.description,
            "publics": [Public.objects.get(value="seniors").pk],
            "formats": [Format.objects.get(value="collectif").pk],
            "standard_services": [StandardService.objects.get(value="utilisation_securisee").pk],
            "duration_minutes": 90,
            "cost_in_cheques": 2,
            "position": 1,
        },
    )
    assert response.status_code == 302, page_text(response)
    service.refresh_from_db()
    assert (service.label, service.cost_in_cheques, service.duration_minutes) == (
        "Mots de passe et double authentification",
        2,
        90,
    )
    assert list(service.publics.values_list("value", flat=True)) == ["seniors"]


def test_the_admin_form_refuses_a_duplicate_code_in_a_draft(client, staff, v1):
    draft = services.version_copy(version=v1, by=staff)
    category = draft.categories.get(code="sante")
    response = client.post(
        reverse("admin:referentiel_service_add"),
        {
            "version": draft.pk,
            "category": category.pk,
            "code": "compte-ameli",
            "label": "Doublon",
            "description": "Doublon",
            "publics": [Public.objects.first().pk],
            "formats": [Format.objects.first().pk],
            "standard_services": [StandardService.objects.first().pk],
            "duration_minutes": 60,
            "cost_in_cheques": 1,
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "Ce code est déjà utilisé dans la version 2." in page_text(response)
    assert draft.services.filter(code="compte-ameli").count() == 1


def test_publishing_asks_for_a_confirmation_and_shows_what_changes(client, staff, v1):
    draft = services.version_copy(version=v1, by=staff)
    service = draft.services.get(code="retraite-en-ligne")
    service.cost_in_cheques = 3
    services.service_save(service=service, by=staff)
    page = page_text(client.get(url("publish", draft.pk)))
    assert "Ce qui change par rapport à la version 1" in page
    assert "0 service(s) ajouté(s), 1 modifié(s), 0 retiré(s)." in page and "coût en chèques" in page
    day = timezone.localdate() + datetime.timedelta(days=7)

    unconfirmed = client.post(url("publish", draft.pk), {"valid_from": day.isoformat()})
    assert "Cochez la case pour confirmer la publication." in page_text(unconfirmed)
    assert Version.objects.get(pk=draft.pk).status == VersionStatus.DRAFT

    too_early = client.post(url("publish", draft.pk), {"valid_from": "2026-01-01", "confirm": "on"})
    assert "La date d'entrée en vigueur doit être postérieure à celle de la version 1" in page_text(too_early)

    response = client.post(url("publish", draft.pk), {"valid_from": day.isoformat(), "confirm": "on"}, follow=True)
    assert "La version 2 est publiée" in page_text(response)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.valid_from == day and draft.published_by == staff

    again = client.post(url("publish", draft.pk), {"valid_from": day.isoformat(), "confirm": "on"}, follow=True)
    assert "Déjà effectué" in page_text(again)


def test_only_people_allowed_to_publish_see_the_publish_page(client, v1):
    draft = services.version_copy(version=v1, by=None)
    client.force_login(staff_user(StaffRole.SUPPORT))
    assert client.get(url("change", draft.pk)).status_code == 200
    assert client.get(url("publish", draft.pk)).status_code == 403
    assert client.post(url("copy", v1.pk)).status_code == 403
    assert client.get(url("import")).status_code == 403


def test_the_compare_page_lists_the_changes(client, staff, v1):
    draft = services.version_copy(version=v1, by=staff)
    services.service_delete(service=draft.services.get(code="transports-billets"), by=staff)
    text = page_text(client.get(url("compare", draft.pk)))
    assert "De la version 1 à la version 2" in text
    assert "Services retirés" in text and "transports-billets" in text
    same = page_text(client.get(url("compare", v1.pk), {"avec": draft.pk}))
    assert "Services retirés" in same


def test_a_version_is_exported_as_csv_and_json(client, staff, v1):
    response = client.get(url("export", v1.pk, "csv"))
    assert response["Content-Disposition"] == 'attachment; filename="referentiel-aptic-v1.csv"'
    assert response.content == io.export_csv(v1)
    response = client.get(url("export", v1.pk, "json"))
    assert json.loads(response.content)["version"]["numero"] == 1


def test_importing_a_file_creates_a_draft(client, staff, v1):
    upload = SimpleUploadedFile("v1.json", io.export_json(v1).encode(), content_type="application/json")
    response = client.post(url("import"), {"file": upload, "label": "Reprise"}, follow=True)
    draft = Version.objects.get(label="Reprise")
    assert draft.status == VersionStatus.DRAFT and draft.services.count() == v1.services.count()
    assert "Fichier importé : brouillon 2 créé avec 10 catégories et 47 services." in page_text(response)


def test_a_refused_import_lists_each_line_and_reason_and_creates_nothing(client, staff, v1):
    lines = io.export_csv(v1).decode("utf-8-sig").splitlines()
    lines[3] = lines[3].replace("maitrise_outils_numeriques", "inconnu")
    upload = SimpleUploadedFile("v1.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(url("import"), {"file": upload})
    text = page_text(response)
    assert "Import refusé, rien n'a été modifié : 1 problème à corriger dans le fichier." in text
    assert "Ligne 4 : le service du standard national « inconnu » est inconnu" in text
    assert Version.objects.count() == 1 and Service.objects.count() == v1.services.count()


def test_a_draft_is_deleted_after_a_confirmation(client, staff, v1):
    draft = services.version_copy(version=v1, by=staff)
    assert "seront supprimés définitivement" in page_text(client.get(url("discard", draft.pk)))
    assert Version.objects.filter(pk=draft.pk).exists()
    client.post(url("discard", draft.pk))
    assert not Version.objects.filter(pk=draft.pk).exists()
    assert "Déjà effectué" in page_text(client.post(url("discard", draft.pk), follow=True))
    client.post(url("discard", v1.pk))
    assert Version.objects.filter(pk=v1.pk).exists()


def test_the_copy_action_of_the_list(client, staff, v1):
    response = client.post(
        reverse("admin:referentiel_version_changelist"),
        {"action": "copy_to_draft", "_selected_action": [v1.pk]},
        follow=True,
    )
    assert "Brouillon 2 créé à partir de la version 1." in page_text(response)


def test_the_qualification_team_reaches_the_versions_from_its_dashboard(client, staff):
    response = client.get(reverse("home"))
    assert "Référentiel national" in page_text(response)
    assert reverse("admin:referentiel_version_changelist") in response.content.decode()
