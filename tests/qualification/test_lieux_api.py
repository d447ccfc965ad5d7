"""The public lieux API: qualified lieux with filters, and the export in the national standard."""

import csv
import io
from decimal import Decimal

import pytest

from qualification.enums import QualificationStatus
from qualification.standard import schema
from tests.factories import LieuFactory, qualified_lieu, qualify

pytestmark = pytest.mark.django_db

LIST = "/api/v1/lieux/"
EXPORT = "/api/v1/lieux/export/"


@pytest.fixture
def lieux(catalogue):
    lyon = qualified_lieu(
        name="Croix-Rousse numérique",
        commune_id="69123",
        postcode="69004",
        latitude=Decimal("45.774700"),
        longitude=Decimal("4.831600"),
    )
    lyon.services.set([catalogue["demarches-en-ligne"]])
    villeurbanne = qualified_lieu(
        name="Villeurbanne clic",
        commune_id="69266",
        postcode="69100",
        latitude=Decimal("45.771900"),
        longitude=Decimal("4.890200"),
    )
    villeurbanne.services.set([catalogue["smartphone"]])
    allanche = qualified_lieu(
        name="Maison des services d'Allanche",
        commune_id="15001",
        postcode="15160",
        latitude=Decimal("45.229400"),
        longitude=Decimal("2.935700"),
    )
    qualify(LieuFactory(name="Suspendu", commune_id="69123"), status=QualificationStatus.SUSPENDED)
    return {"lyon": lyon, "villeurbanne": villeurbanne, "allanche": allanche}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def test_the_list_is_public_and_holds_only_qualified_lieux(client, lieux):
    response = client.get(LIST)

    assert names(response) == ["Croix-Rousse numérique", "Maison des services d'Allanche", "Villeurbanne clic"]
    first = response.json()["results"][0]
    assert first["commune"] == {"code": "69123", "name": "Lyon", "departement": "69"}
    assert first["services"] == [{"code": "demarches-en-ligne", "label": "Faire ses démarches en ligne"}]
    assert first["standard_services"] == ["Aide aux démarches administratives"]
    assert first["page_url"] == f"http://testserver/lieux/{lieux['lyon'].pk}/"
    assert first["distance_km"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"commune": "69123"}, ["Croix-Rousse numérique"]),
        ({"departement": "69"}, ["Croix-Rousse numérique", "Villeurbanne clic"]),
        ({"departement": "15"}, ["Maison des services d'Allanche"]),
        ({"service": "smartphone"}, ["Villeurbanne clic"]),
        ({"service": "standard:aide_demarches_administratives"}, ["Croix-Rousse numérique"]),
        ({"departement": "69", "service": "demarches-en-ligne"}, ["Croix-Rousse numérique"]),
    ],
)
def test_the_list_filters(client, lieux, params, expected):
    assert names(client.get(LIST, params)) == expected


def test_near_a_point_lists_the_nearest_first_with_their_distance(client, lieux):
    response = client.get(LIST, {"lat": "45.7640", "lon": "4.8357", "radius_km": "10"})

    assert names(response) == ["Croix-Rousse numérique", "Villeurbanne clic"]
    distances = [item["distance_km"] for item in response.json()["results"]]
    assert 0 < distances[0] < distances[1] < 10
    assert names(client.get(LIST, {"lat": "45.7640", "lon": "4.8357", "radius_km": "300"}))[-1] == (
        "Maison des services d'Allanche"
    )


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"lat": "45.7"}, "__all__", "near_incomplete"),
        ({"lat": "95", "lon": "4", "radius_km": "5"}, "lat", "range"),
        ({"lat": "45", "lon": "4", "radius_km": "0"}, "radius_km", "range"),
        ({"lat": "nord", "lon": "4", "radius_km": "5"}, "lat", "invalid"),
    ],
)
def test_a_wrong_point_is_a_clear_400(client, lieux, params, field, code):
    response = client.get(LIST, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"][field][0]["code"] == code


def test_one_lieu_and_a_non_qualified_one(client, lieux):
    assert client.get(f"{LIST}{lieux['lyon'].pk}/").json()["name"] == "Croix-Rousse numérique"
    suspended = qualify(LieuFactory(), status=QualificationStatus.REVOKED).lieu
    assert client.get(f"{LIST}{suspended.pk}/").status_code == 404


def test_the_csv_export_is_a_file_of_the_standard(client, lieux):
    response = client.get(EXPORT, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lieux-aptic-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["nom"] for row in rows] == [
        "Croix-Rousse numérique",
        "Maison des services d'Allanche",
        "Villeurbanne clic",
    ]
    assert all(schema.check_row(row) == [] for row in rows)


def test_the_json_export_is_the_default(client, lieux):
    for params in ({}, {"format": "json"}):
        response = client.get(EXPORT, params)
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert [item["id"] for item in data] == [
            f"aptic-{lieux[key].pk}" for key in ("lyon", "allanche", "villeurbanne")
        ]
        assert data[0]["latitude"] == 45.7747 and data[0]["services"] == "Aide aux démarches administratives"


def test_an_unknown_export_format_is_a_clear_400(client, lieux):
    response = client.get(EXPORT, {"format": "xml"})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "unknown_format",
        "message": "Format inconnu : demandez ?format=csv ou ?format=json.",
    }


def test_the_lieux_endpoints_are_in_the_openapi_schema(client):
    schema_doc = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    listing = schema_doc["paths"]["/api/v1/lieux/"]["get"]
    assert {parameter["name"] for parameter in listing["parameters"]} >= {
        "commune",
        "departement",
        "service",
        "lat",
        "lon",
        "radius_km",
    }
    export = schema_doc["paths"]["/api/v1/lieux/export/"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert [parameter for parameter in export["parameters"] if parameter["name"] == "format"][0]["schema"]["enum"] == [
        "csv",
        "json",
    ]


def test_the_commune_filter_of_paris_lyon_or_marseille_covers_its_arrondissements(client, lieux):
    qualified_lieu(name="Espace numérique Voltaire", commune_id="75111", postcode="75011")
    qualified_lieu(name="Point numérique Goutte d'Or", commune_id="75118", postcode="75018")

    both = ["Espace numérique Voltaire", "Point numérique Goutte d'Or"]
    assert names(client.get(LIST, {"commune": "75056"})) == both
    assert names(client.get(LIST, {"departement": "75"})) == both
    assert names(client.get(LIST, {"commune": "75118"})) == ["Point numérique Goutte d'Or"]
    [item] = client.get(LIST, {"commune": "75111"}).json()["results"]
    assert item["commune"] == {"code": "75111", "name": "Paris 11e Arrondissement", "departement": "75"}
