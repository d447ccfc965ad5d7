"""The export of qualified lieux in the national standard, checked against the standard's own schema."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from qualification.enums import LieuSource, QualificationStatus
from qualification.models import Lieu
from qualification.selectors import lieux_qualified
from qualification.standard import exporter, schema
from referentiel.models import Format, StandardService
from tests.factories import LieuFactory, OrganisationFactory, qualified_lieu, qualify
from tests.qualification.standard import frictionless_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_lieu(catalogue):
    structure = OrganisationFactory(structure=True, legal_form="association", siret="43493312300029")
    lieu = qualified_lieu(
        structure=structure,
        name="Espace « Clic » de Saint-Flour",
        address="2 place d'Armes",
        address_complement="Rez-de-chaussée, porte B",
        postcode="15100",
        commune_id="15187",
        latitude=Decimal("45.034100"),
        longitude=Decimal("3.093600"),
        phone="04 71 60 00 00",
        email="contact@clic.test",
        website="https://clic.test/",
        opening_hours="Mo-Fr 09:00-12:00,14:00-17:00",
        summary="Accompagnement aux démarches et au smartphone.",
        accessibility_url="https://acceslibre.beta.gouv.fr/app/15-saint-flour/a/espace/erp/clic/",
        appointment_url="https://rdv.clic.test/",
        standard_extra={
            "itinerance": "Fixe",
            "formations_labels": "Étapes numériques(La Poste)",
            "frais_a_charge": "Gratuit",
            "modalites_accompagnement": "En autonomie",
            "telephone": "not a phone",
        },
    )
    lieu.services.set(catalogue.values())
    lieu.formats.set(Format.objects.filter(value__in=["individuel", "collectif"]))
    lieu.standard_services.set(StandardService.objects.filter(value="comprehension_monde_numerique"))
    return lieu


@pytest.fixture
def bare_lieu():
    """Nothing but what a lieu must have: no coordinates, a structure without SIRET."""
    return qualified_lieu(structure=OrganisationFactory(structure=True, siret=""), name="Lieu sans détails")


def test_the_csv_export_is_valid_against_the_schema(rich_lieu, bare_lieu):
    content = exporter.to_csv(exporter.rows(lieux_qualified()))

    assert frictionless_errors(content, "csv") == []
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert list(rows[0]) == list(schema.field_names())
    assert len(rows) == 2


def test_the_json_export_is_valid_against_the_schema(rich_lieu, bare_lieu):
    data = json.loads(exporter.to_json(exporter.rows(lieux_qualified())))

    assert frictionless_errors(data, "json") == []
    assert all(list(item) == list(schema.field_names()) for item in data)
    by_name = {item["nom"]: item for item in data}
    assert by_name["Espace « Clic » de Saint-Flour"]["latitude"] == 45.0341
    assert by_name["Lieu sans détails"]["latitude"] is None


def test_a_row_says_what_the_lieu_offers_in_the_standards_vocabulary(rich_lieu):
    [row] = exporter.rows(Lieu.objects.filter(pk=rich_lieu.pk))

    assert row["id"] == f"aptic-{rich_lieu.pk}"
    assert row["pivot"] == "43493312300029"
    assert (row["commune"], row["code_postal"], row["code_insee"]) == ("Saint-Flour", "15100", "15187")
    assert (row["latitude"], row["longitude"]) == ("45.0341", "3.0936")
    # Its own standard services plus those of the référentiel services it offers, in the pattern's order.
    assert row["services"] == (
        "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|"
        "Compréhension du monde numérique"
    )
    assert row["modalites_accompagnement"] == "En autonomie|Accompagnement individuel|Dans un atelier collectif"
    assert row["telephone"] == "+33471600000"
    assert row["formations_labels"] == "Étapes numériques(La Poste)"
    assert row["modalites_acces"] == "Prendre un RDV en ligne"
    assert row["autres_formations_labels"] == "#APTIC"
    assert (row["typologie"], row["source"], row["structure_parente"]) == ("ASSO", "#APTIC", rich_lieu.structure.name)
    assert row["date_maj"] == timezone.localdate().isoformat()
    # One of its services is for everyone: no "publics spécifiquement adressés".
    assert row["publics_specifiquement_adresses"] == ""


def test_publics_are_exported_only_when_every_service_is_aimed_at_specific_publics(rich_lieu, catalogue):
    rich_lieu.services.set([catalogue["smartphone"]])

    [row] = exporter.rows(Lieu.objects.filter(pk=rich_lieu.pk))

    assert row["publics_specifiquement_adresses"] == "Seniors"


def test_the_descriptions_spellings_are_written_in_the_patterns_spelling(rich_lieu):
    rich_lieu.standard_extra = {
        "formations_labels": "Étapes numériques (La Poste)",
        "prise_en_charge_specifique": "Déficience visuelle|Surdité",
    }
    rich_lieu.save()
    rich_lieu.standard_services.set([])

    [row] = exporter.rows(Lieu.objects.filter(pk=rich_lieu.pk))

    assert row["formations_labels"] == "Étapes numériques(La Poste)"
    assert row["prise_en_charge_specifique"] == "Surdité|Déficience visuelle"
    assert schema.check_row(row) == []


def test_a_value_that_would_break_the_schema_is_left_out(bare_lieu):
    bare_lieu.phone = "pas de téléphone"
    bare_lieu.summary = ""
    bare_lieu.standard_extra = {"itinerance": "En bateau", "frais_a_charge": "Gratuit|Selon revenus"}
    bare_lieu.save()

    [row] = exporter.rows(Lieu.objects.filter(pk=bare_lieu.pk))

    assert row["telephone"] == "" and row["itinerance"] == "" and row["frais_a_charge"] == "Gratuit"
    assert row["pivot"] == "0" * 14  # required: the placeholder real files use when the SIRET is unknown
    assert schema.check_row(row) == []


def test_only_lieux_qualified_today_are_exported():
    today = timezone.localdate()
    shown = qualified_lieu(name="Qualifié")
    expired = LieuFactory(name="Expiré")
    qualify(expired, valid_from=today - datetime.timedelta(days=400), valid_until=today - datetime.timedelta(days=1))
    future = LieuFactory(name="Pas encore")
    qualify(future, valid_from=today + datetime.timedelta(days=1))
    for status in (QualificationStatus.SUSPENDED, QualificationStatus.REVOKED, QualificationStatus.EXPIRED):
        qualify(LieuFactory(name=f"État {status}"), status=status)
    Lieu.objects.create(
        name="Importé",
        address="1 rue",
        postcode="94000",
        commune_id="94028",
        source=LieuSource.NATIONAL_STANDARD,
        external_id="importe",
        structure=None,
    )

    rows = exporter.rows(lieux_qualified())

    assert [row["nom"] for row in rows] == ["Qualifié"]
    assert rows[0]["id"] == f"aptic-{shown.pk}"


def test_the_schema_module_reads_the_same_vocabularies_as_the_standards_own_list():
    derived = json.loads((schema.DATA_DIR / "vocabulaires_v1.0.2_derived.json").read_text(encoding="utf-8"))

    for name, values in derived.items():
        if name.startswith("_"):
            continue
        assert list(schema.field(name).choices) == values, name
    assert len(schema.fields()) == 32


def test_the_schema_module_agrees_with_frictionless_on_every_constraint():
    """Our generic checker (used by the import) and Frictionless find the same broken fields."""
    example = list(csv.DictReader(io.StringIO((schema.DATA_DIR / "exemple-valide.csv").read_text(encoding="utf-8"))))
    assert schema.check_row(example[0]) == []
    assert frictionless_errors([example[0]], "json") == []

    broken = {
        "id": "",
        "pivot": "123",
        "code_postal": "7500",
        "code_insee": "00ABC",
        "latitude": "nord",
        "telephone": "0180059880",
        "presentation_resume": "x" * 281,
        "itinerance": "Fixe|Volant",
        "date_maj": "2024-13-45",
        "services": "Aide aux démarches administratives|Cuisine",
        "modalites_accompagnement": "Sur place",
    }
    for name, value in broken.items():
        row = {**example[0], name: value}
        ours = {problem.field for problem in schema.check_row(row)}
        # (an empty id also breaks the primary key: a row-level error, without a field)
        theirs = {error[1] for error in frictionless_errors([row], "json") if error[1]}
        assert ours == theirs == {name}, name
