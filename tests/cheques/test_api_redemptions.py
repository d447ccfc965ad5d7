import pytest

from accounts.enums import MembershipRole, OrganisationKind
from accounts.services import api_key_create
from cheques.models import Redemption
from qualification.services import qualifications as qualification_services
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import member, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    order, codes = issued_codes()
    lieu = counter_lieu()
    user, mediateur = mediateur_at(lieu)
    admin = member(OrganisationKind.STRUCTURE, MembershipRole.ADMIN, organisation=lieu.structure)
    _key, raw = api_key_create(organisation=lieu.structure, name="Logiciel d'accueil", by=admin)
    numbers = sorted(codes)

    def post(number, *, key="k-1", service="smartphone-premiers-pas", count=1, auth=raw, **extra):
        body = {
            "number": number,
            "code": codes[number],
            "lieu": lieu.pk,
            "service": service,
            "cheques_count": count,
            "mediateur": mediateur.pk,
            **extra,
        }
        headers = {"Authorization": f"Api-Key {auth}"} if auth else {}
        if key:
            headers["Idempotency-Key"] = key
        return client.post("/api/v1/redemptions/", body, content_type="application/json", headers=headers)

    return post, numbers, codes, lieu, user, mediateur, raw


def test_software_validates_a_cheque_and_gets_a_receipt(api):
    post, numbers, codes, lieu, *_ = api
    response = post(numbers[0])
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "validated" and body["cheques"] == [numbers[0]] and body["cheques_left"] == 9
    assert body["lieu"] == {"id": lieu.pk, "name": lieu.name} and body["face_value_total"] == 1000
    assert body["receipt_number"].startswith("V")


def test_a_retry_gets_the_first_answer_and_a_reused_key_is_refused(api):
    post, numbers, *_ = api
    first = post(numbers[0], key="retry-me")
    again = post(numbers[0], key="retry-me")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    other = post(numbers[1], key="retry-me")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Redemption.objects.count() == 1


def test_every_refusal_has_its_status_and_code(api):
    post, numbers, codes, lieu, user, mediateur, raw = api
    assert post(numbers[0], key="").json()["error"]["code"] == "idempotency_key_required"
    post(numbers[0], key="a")
    used = post(numbers[0], key="b")
    assert used.status_code == 409 and used.json()["error"]["code"] == "already_redeemed"
    assert "déjà été utilisé le" in used.json()["error"]["message"]
    wrong = post(numbers[1], key="c", code=codes[numbers[2]])
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    not_offered = post(numbers[1], key="d", service="cv-lettre-motivation")
    assert not_offered.status_code == 422 and not_offered.json()["error"]["code"] == "service_not_offered"
    reviewer = staff_user("qualification")
    qualification_services.qualification_suspend(
        qualification=lieu.qualifications.get(), reason="Contrôle", by=reviewer
    )
    suspended = post(numbers[1], key="e")
    assert suspended.status_code == 422 and suspended.json()["error"]["code"] == "lieu_not_qualified"
    missing = post(numbers[1], key="f", mediateur=None)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "mediateur_required"
    assert Redemption.objects.count() == 1


def test_another_structure_cannot_touch_this_lieu_nor_see_its_validations(api, client):
    post, numbers, codes, lieu, *_ = api
    post(numbers[0])
    other_lieu = counter_lieu()
    other_admin = member(OrganisationKind.STRUCTURE, MembershipRole.ADMIN, organisation=other_lieu.structure)
    _key, other_raw = api_key_create(organisation=other_lieu.structure, name="x", by=other_admin)
    assert post(numbers[1], key="z", auth=other_raw).status_code == 404
    listing = client.get("/api/v1/redemptions/", headers={"Authorization": f"Api-Key {other_raw}"})
    assert listing.json()["results"] == []
    redemption = Redemption.objects.get()
    assert (
        client.post(
            f"/api/v1/redemptions/{redemption.pk}/void/",
            {"reason": "x"},
            headers={"Authorization": f"Api-Key {other_raw}"},
        ).status_code
        == 404
    )
    funder = issued_codes()[0].funder
    funder_admin = member(organisation=funder)
    _key, funder_raw = api_key_create(organisation=funder, name="y", by=funder_admin)
    assert post(numbers[2], key="w", auth=funder_raw).status_code == 403


def test_list_filter_and_void_through_the_api(api, client):
    post, numbers, codes, lieu, user, mediateur, raw = api
    post(numbers[0], key="1")
    post(numbers[1], key="2")
    headers = {"Authorization": f"Api-Key {raw}"}
    listing = client.get("/api/v1/redemptions/", {"status": "validated", "lieu": lieu.pk}, headers=headers).json()
    assert listing["count"] == 2
    redemption_id = listing["results"][0]["id"]
    voided = client.post(
        f"/api/v1/redemptions/{redemption_id}/void/",
        {"reason": "Erreur de saisie"},
        content_type="application/json",
        headers=headers,
    )
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    again = client.post(
        f"/api/v1/redemptions/{redemption_id}/void/",
        {"reason": "Encore"},
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_done"


def test_a_logged_in_mediateur_uses_the_api_without_naming_themselves(api, client):
    post, numbers, codes, lieu, user, *_ = api
    client.force_login(user)
    response = post(numbers[0], auth=None, mediateur=None)
    assert response.status_code == 201
    assert Redemption.objects.get().validated_by == user


def test_the_redemption_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    assert "/api/v1/redemptions/" in schema["paths"] and "post" in schema["paths"]["/api/v1/redemptions/"]
    assert "/api/v1/redemptions/{id}/void/" in schema["paths"]
