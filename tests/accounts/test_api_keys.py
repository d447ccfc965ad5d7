import pytest
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import ApiKey
from accounts.services import api_key_create
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_key_sees_it_once_and_only_its_hash_is_stored(client):
    admin = member(OrganisationKind.COMMANDITAIRE, MembershipRole.ADMIN)
    client.force_login(admin)
    response = client.post(reverse("api-keys"), {"name": "Notre logiciel"})
    raw_key = response.context["new_key"]
    assert raw_key.startswith("aptic_") and raw_key in response.content.decode()
    key = ApiKey.objects.get()
    assert key.key_hash == ApiKey.hash(raw_key) and raw_key not in key.key_hash
    # The next page shows the prefix, never the key.
    assert raw_key not in client.get(reverse("api-keys")).content.decode()


def test_only_organisation_admins_manage_keys(client):
    client.force_login(member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR))
    assert client.get(reverse("api-keys")).status_code == 403


def test_the_api_answers_for_the_key_organisation_and_refuses_revoked_keys(client):
    admin = member(OrganisationKind.DISTRIBUTEUR, MembershipRole.ADMIN)
    organisation = admin.memberships.get().organisation
    key, raw_key = api_key_create(organisation=organisation, name="outil", by=admin)

    response = client.get("/api/v1/me/", headers={"Authorization": f"Api-Key {raw_key}"})
    assert response.status_code == 200
    assert response.json() == {
        "email": None,
        "organisation": organisation.name,
        "organisation_id": organisation.pk,
        "kind": "distributeur",
        "role": "member",
        "authenticated_by": "api_key",
    }
    key.refresh_from_db()
    assert key.last_used_at is not None

    client.force_login(admin)
    client.post(reverse("api-key-revoke", args=[key.pk]))
    client.logout()
    response = client.get("/api/v1/me/", headers={"Authorization": f"Api-Key {raw_key}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert response.json()["error"]["message"] == "Clé d'API inconnue ou révoquée."


def test_another_organisation_cannot_revoke_a_key_it_does_not_own(client):
    owner = member(OrganisationKind.COMMANDITAIRE)
    key, _raw = api_key_create(organisation=owner.memberships.get().organisation, name="k", by=owner)
    client.force_login(member(OrganisationKind.COMMANDITAIRE))
    assert client.post(reverse("api-key-revoke", args=[key.pk])).status_code == 404
    key.refresh_from_db()
    assert key.is_active
