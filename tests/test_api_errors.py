"""Bad input to the API gets a clear 4xx in the one error shape of ``aptic/api.py`` and changes nothing."""

import json

import pytest

from accounts.api import MeView
from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import AuditEvent
from accounts.services import api_key_create
from cheques.models import IdempotentRequest, Order, Redemption
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import member

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Les données envoyées contiennent un caractère nul (U+0000) : il n'est accepté dans aucun champ."


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def key_headers(kind: str, organisation=None) -> dict:
    admin = member(kind, MembershipRole.ADMIN, organisation=organisation)
    _key, raw = api_key_create(organisation=admin.memberships.get().organisation, name="outil", by=admin)
    return {"Authorization": f"Api-Key {raw}"}


@pytest.fixture
def funder():
    return key_headers(OrganisationKind.COMMANDITAIRE)


@pytest.fixture
def till():
    """A structure's software about to validate a real cheque: its headers and a valid body."""
    _order, codes = issued_codes()
    lieu = counter_lieu()
    _user, mediateur = mediateur_at(lieu)
    number = sorted(codes)[0]
    body = {
        "number": number,
        "code": codes[number],
        "lieu": lieu.pk,
        "service": "smartphone-premiers-pas",
        "cheques_count": 1,
        "mediateur": mediateur.pk,
    }
    return {**key_headers(OrganisationKind.STRUCTURE, lieu.structure), "Idempotency-Key": "k-1"}, body


def rows() -> dict:
    """What a request could write: orders, redemptions, idempotency records, audit events."""
    return {model.__name__: model.objects.count() for model in (Order, Redemption, IdempotentRequest, AuditEvent)}


@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_json_nested_too_deep_is_a_400_on_every_json_endpoint(client, funder, till, levels):
    headers, valid = till
    before = rows()
    deep = "[" * levels + "]" * levels
    for url, auth, body in [
        ("/api/v1/balance/", {}, f'{{"number": {deep}, "code": "ABCD"}}'),
        ("/api/v1/orders/", funder, f'{{"quantity": 10, "carnet_size": 10, "communes": {deep}}}'),
        ("/api/v1/redemptions/", headers, json.dumps(valid)[:-1] + f', "qr": {deep}}}'),
        ("/api/v1/redemptions/", headers, deep),
    ]:
        error = assert_error(client.post(url, body, content_type="application/json", headers=auth), 400, "too_deep")
        assert error["message"] == "Le JSON envoyé est trop profondément imbriqué (20 niveaux au plus)."
    assert rows() == before


def test_malformed_json_is_a_400(client, till):
    headers, _valid = till
    before = rows()
    for body in ['{"number": ', "{'number': '1'}", '{"number": NaN, "code": "x"}', b'{"number": "\xff"}']:
        error = assert_error(
            client.post("/api/v1/redemptions/", body, content_type="application/json", headers=headers),
            400,
            "malformed_json",
        )
        assert error["message"] == "Le corps de la requête n'est pas un JSON valide (encodé en utf-8)."
    assert rows() == before


@pytest.mark.parametrize("field", ["categories", "communes", "departements"])
def test_a_nul_character_in_an_order_restriction_is_a_clear_400(client, funder, field):
    before = rows()
    body = {"quantity": 10, "carnet_size": 10, "valid_until": "2027-12-31", field: ["15\x00"]}
    response = client.post("/api/v1/orders/", body, content_type="application/json", headers=funder)
    assert assert_error(response, 400, "null_character")["message"] == NUL_MESSAGE
    assert rows() == before


def test_a_nul_character_is_refused_wherever_it_comes_from(client, funder, till):
    headers, valid = till
    before = rows()
    refused = [
        client.post("/api/v1/orders/", {"communes": "15\x00"}, headers=funder),  # multipart form
        client.post("/api/v1/orders/", "communes=15%00", "application/x-www-form-urlencoded", headers=funder),
        client.post("/api/v1/orders/", '{"\\u0000": 1}', content_type="application/json", headers=funder),  # a key
        client.get("/api/v1/orders/?status=%00", headers=funder),
        client.get("/api/v1/lieux/?commune=15%00"),
        client.get("/api/v1/redemptions/%00/", headers=headers),
        client.post(
            "/api/v1/redemptions/",
            valid,
            content_type="application/json",
            headers={**headers, "Idempotency-Key": "k\x00"},
        ),
    ]
    for response in refused:
        assert assert_error(response, 400, "null_character")["message"] == NUL_MESSAGE
    assert rows() == before


def test_a_body_over_the_size_limit_is_a_413(client, till, settings):
    headers, valid = till
    before = rows()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    big = {**valid, "qr": "Q" * 3000}
    for response in [
        client.post("/api/v1/redemptions/", big, content_type="application/json", headers=headers),
        client.post("/api/v1/redemptions/", big, headers=headers),  # multipart form
        client.post("/api/v1/balance/", {"number": "1" * 3000, "code": "x"}, content_type="application/json"),
    ]:
        error = assert_error(response, 413, "payload_too_large")
        assert error["message"] == "Le corps de la requête dépasse la taille maximale acceptée (2,0\xa0Kio)."
    assert rows() == before


def test_too_many_form_fields_is_a_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"field{index}=1" for index in range(20))
    response = client.post("/api/v1/balance/", body, content_type="application/x-www-form-urlencoded")
    assert_error(response, 400, "too_many_fields")


def test_unknown_addresses_and_malformed_ids_are_a_404_in_the_error_shape(client, funder):
    for path, headers in [
        ("/api/v1/lieux/abc/", {}),
        ("/api/v1/lieux/1.5/", {}),
        ("/api/v1/orders/abc/", funder),
        ("/api/v1/orders/1.5/", funder),
        ("/api/v1/nulle-part/", {}),
        ("/api/", {}),
    ]:
        error = assert_error(client.get(path, headers=headers), 404, "not_found")
        assert error["message"] in ("Aucune ressource de l'API ne correspond à cette adresse.", "Non trouvé.")
    outside = client.get("/nulle-part/")  # the pages keep their HTML 404
    assert outside.status_code == 404 and outside["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_a_500_in_the_error_shape(client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(MeView, "get", fail)
    client.raise_request_exception = False
    client.force_login(member())
    error = assert_error(client.get("/api/v1/me/"), 500, "server_error")
    assert error["message"] == "Erreur interne du serveur. Réessayez plus tard."


def test_options_on_the_csv_export_answers_json(client):
    response = client.options("/api/v1/lieux/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["renders"] == ["application/json", "text/csv"]
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_every_429_says_when_to_retry(client, till):
    headers, valid = till
    before = rows()
    guess = {"number": "12345678", "code": "x"}
    for _attempt in range(10):
        assert client.post("/api/v1/balance/", guess, "application/json").status_code == 400
    refused = client.post("/api/v1/balance/", guess, "application/json")
    error = assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 15 * 60 and error["retry_after"] == int(refused["Retry-After"])

    wrong = {**valid, "code": "AAAA-AAAA-AAAA-AAAA"}
    for attempt in range(10):  # the software's key is limited to 10 wrong codes per 15 minutes
        retry = {**headers, "Idempotency-Key": str(attempt)}
        assert client.post("/api/v1/redemptions/", wrong, "application/json", headers=retry).status_code == 400
    refused = client.post("/api/v1/redemptions/", valid, "application/json", headers=headers)
    assert_error(refused, 429, "rate_limited")
    assert int(refused["Retry-After"]) >= 1
    assert rows() == before


def test_an_authorization_header_of_another_scheme_is_a_401_not_a_silent_session(client):
    client.force_login(member())
    for value in ("Bearer abc", "Basic dXNlcjpwYXNz", ""):
        response = client.get("/api/v1/me/", headers={"Authorization": value})
        assert assert_error(response, 401, "invalid_authorization")["message"] == (
            "En-tête Authorization non reconnu : utilisez « Api-Key <clé> »."
        )
        assert response["WWW-Authenticate"] == "Api-Key"
    assert client.get("/api/v1/me/").json()["authenticated_by"] == "session"


def test_the_schema_documents_every_error_with_the_shared_error_component(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and error["properties"]["error"]["required"] == ["code", "message"]
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    documented = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {status: response for status, response in operation["responses"].items() if status >= "400"}
            assert all(response["content"] == reference for response in errors.values()), (method, path)
            documented[f"{method.upper()} {path}"] = set(errors)
    assert all({"400", "406"} <= statuses for statuses in documented.values())
    assert documented["GET /api/v1/me/"] == {"400", "401", "403", "406"}
    assert documented["GET /api/v1/lieux/"] == {"400", "404", "406"}  # public: no key needed, pages
    assert documented["POST /api/v1/orders/"] == {"400", "401", "403", "406", "413", "415"}
    assert documented["GET /api/v1/orders/{id}/"] == {"400", "401", "403", "404", "406"}
    assert documented["POST /api/v1/redemptions/"] >= {"404", "409", "413", "415", "422", "429"}
    balance_429 = schema["paths"]["/api/v1/balance/"]["post"]["responses"]["429"]
    assert balance_429["headers"]["Retry-After"]["required"] is True
