"""The public API of the référentiel: versions, services and their filters, the OpenAPI schema."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import StaffRole
from referentiel import services
from referentiel.models import Service, Version
from tests.factories import ServiceFactory, staff_user

pytestmark = pytest.mark.django_db

VERSIONS = "/api/v1/referentiel/"
SERVICES = "/api/v1/referentiel/services/"


@pytest.fixture
def v1():
    return Version.objects.get(number=1)


@pytest.fixture
def v2(v1):
    """Next version, in force in ten days: one service more, one service dearer."""
    staff = staff_user(StaffRole.QUALIFICATION)
    draft = services.version_copy(version=v1, by=staff)
    ServiceFactory(category=draft.categories.get(code="loisirs"), code="jeux-video", label="Jeux vidéo en famille")
    dearer = draft.services.get(code="mots-de-passe")
    dearer.cost_in_cheques = 2
    services.service_save(service=dearer, by=staff)
    return services.version_publish(
        version=draft, valid_from=timezone.localdate() + datetime.timedelta(days=10), by=staff
    )


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [service["code"] for service in response.json()["results"]]


def test_versions_are_listed_without_login_and_drafts_stay_hidden(client, v1, v2):
    services.version_create(label="Brouillon secret", by=None)
    body = client.get(VERSIONS).json()
    assert [(v["number"], v["in_force"]) for v in body["results"]] == [(2, False), (1, True)]
    first = body["results"][1]
    assert first["valid_from"] == "2026-01-01" and first["status"] == "published"
    assert first["services_count"] == v1.services.count()


def test_services_default_to_the_version_in_force_today(client, v1, v2):
    body = client.get(SERVICES).json()
    assert body["count"] == v1.services.count()
    password = next(s for s in body["results"] if s["code"] == "mots-de-passe")
    assert password == {
        "code": "mots-de-passe",
        "label": "Créer et gérer ses mots de passe",
        "description": v1.services.get(code="mots-de-passe").description,
        "category": {"code": "securite", "label": "Sécurité et vie privée"},
        "publics": [{"value": "tous_publics", "label": "Tous publics"}],
        "formats": [
            {"value": "individuel", "label": "Accompagnement individuel"},
            {"value": "collectif", "label": "Atelier collectif"},
        ],
        "standard_services": [{"value": "utilisation_securisee", "label": "Utilisation sécurisée du numérique"}],
        "duration_minutes": 60,
        "cost_in_cheques": 1,
        "cost_adjustable": False,
        "version": 1,
    }


def test_a_date_or_a_version_number_chooses_the_version(client, v1, v2):
    later = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert "jeux-video" in codes(client.get(SERVICES, {"date": later, "q": "jeux"}))
    assert "jeux-video" not in codes(client.get(SERVICES, {"date": "2026-03-01", "q": "jeux"}))
    assert codes(client.get(SERVICES, {"date": "2025-06-01"})) == []
    body = client.get(SERVICES, {"version": 2, "category": "securite"}).json()
    assert {s["code"]: s["cost_in_cheques"] for s in body["results"]}["mots-de-passe"] == 2
    draft = services.version_copy(version=v2, by=None)
    assert codes(client.get(SERVICES, {"version": draft.number})) == []  # a draft is never public
    assert codes(client.get(SERVICES, {"version": 99})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "sante"}, {"mon-espace-sante", "compte-ameli", "rendez-vous-teleconsultation"}),
        ({"category": "sante", "format": "a_distance"}, {"rendez-vous-teleconsultation"}),
        ({"public": "femmes", "category": "securite"}, {"violences-numeriques"}),
        ({"q": "DÉMARCHES ants"}, {"titres-ants"}),
        (
            {"q": "demarch", "public": "seniors"},
            {"identite-numerique-franceconnect", "impots-en-ligne", "retraite-en-ligne", "justificatifs-numeriser"},
        ),
        ({"q": "hameconnage"}, {"arnaques-hameconnage"}),
        ({"format": "inconnu"}, set()),
    ],
)
def test_services_are_filtered(client, v1, params, expected):
    assert set(codes(client.get(SERVICES, params))) == expected


def test_the_format_filter_is_not_taken_for_an_output_format(client, v1):
    response = client.get(SERVICES, {"format": "collectif"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert all("collectif" in [f["value"] for f in s["formats"]] for s in response.json()["results"])


def test_a_bad_filter_value_gets_a_clear_error(client, v1):
    response = client.get(SERVICES, {"date": "demain"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"]["date"][0]["message"] == "Saisissez une date valide."


def test_listing_services_takes_a_fixed_number_of_queries(client, v1, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(SERVICES).json()["count"] == Service.objects.filter(version=v1).count()


def test_the_schema_documents_both_routes_and_every_filter_in_french(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    listing = schema["paths"]["/api/v1/referentiel/services/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert {"category", "format", "public", "q", "version", "date", "page"} <= set(parameters)
    assert parameters["version"]["schema"]["type"] == "integer"
    assert parameters["date"]["schema"]["format"] == "date"
    assert "accents" in parameters["q"]["description"]
    assert parameters["version"]["description"].startswith("Numéro d'une version publiée")
    assert listing["summary"] == "Services du référentiel" and {} in listing["security"]  # no key needed
    assert "/api/v1/referentiel/" in schema["paths"]
    service = schema["components"]["schemas"]["Service"]["properties"]
    assert "chèques" in service["cost_in_cheques"]["description"]
