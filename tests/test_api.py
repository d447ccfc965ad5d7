import pytest

from aptic.api import exception_handler
from aptic.ratelimit import RateLimited
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_and_its_docs_are_served(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "ApiKey" in schema["components"]["securitySchemes"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content and b"cdn" not in docs.content.lower()


def test_errors_have_one_shape_with_a_code_and_a_french_message(client):
    response = client.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert body["error"]["code"] == "not_authenticated"
    assert body["error"]["message"] == "Informations d'authentification non fournies."


def test_errors_follow_the_requested_language(client):
    response = client.get("/api/v1/me/", headers={"Accept-Language": "en"})
    assert response.json()["error"]["message"] == "Authentication credentials were not provided."


def test_a_session_reaches_the_api_too(client):
    user = member()
    client.force_login(user)
    body = client.get("/api/v1/me/").json()
    assert body["email"] == user.email and body["authenticated_by"] == "session"


def test_a_rate_limited_answer_says_when_to_retry():
    response = exception_handler(RateLimited("Trop de tentatives.", retry_after=42), {})
    assert response.status_code == 429 and response["Retry-After"] == "42"
    assert response.data["error"] == {"code": "rate_limited", "message": "Trop de tentatives.", "retry_after": 42}
