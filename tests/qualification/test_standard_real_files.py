"""Real files keep their meaning: lost characters, arrondissements, ids shared by sources, the source's date.

``fixtures/lieux-v1-awkward.csv`` (see the fixtures' README) holds one case per row.
"""

import pytest

from qualification.enums import LieuSource
from qualification.models import Lieu
from qualification.standard import exporter, schema
from qualification.standard.importer import lieux_import
from tests.qualification.conftest import FIXTURES
from tests.qualification.standard import csv_bytes, frictionless_errors, refusals, row

pytestmark = pytest.mark.django_db

AWKWARD = FIXTURES / "lieux-v1-awkward.csv"
LOST = "\ufffd"


def _import():
    return lieux_import(content=AWKWARD.read_bytes())


def test_every_row_of_the_awkward_file_is_accounted_for():
    report = _import()

    assert (report.total, report.created, report.updated, report.refused) == (12, 8, 1, 3)
    assert sorted(refusals(report)) == [9, 12, 13]
    assert Lieu.objects.filter(source=LieuSource.NATIONAL_STANDARD).count() == 8


def test_a_lost_character_refuses_the_row_and_says_where_and_why():
    report = _import()

    refused = refusals(report)
    assert "caractère illisible « � » dans « nom » : « M�diath�que Fran�ois-Mitterrand »" in refused[9]
    assert "caractère illisible « � » dans « adresse » : « 3 all�e des Tilleuls »" in refused[12]
    assert "dans « presentation_detail »" in refused[13]  # an optional text is no exception
    assert "ne peut pas être deviné" in refused[9]
    assert any("3 lignes refusées contiennent le caractère illisible « � »" in note for note in report.notes)
    # Nothing stored holds the replacement character, in any column.
    for lieu in Lieu.objects.all():
        stored = [lieu.name, lieu.address, lieu.summary, lieu.description, *map(str, lieu.standard_extra.values())]
        assert not any(LOST in value for value in stored), lieu.external_id


@pytest.mark.parametrize(
    "column",
    [
        item.name
        for item in schema.fields()
        if not item.is_list and item.name not in ("id", "commune")  # (a damaged id is refused too: see below)
    ],
)
def test_a_lost_character_is_refused_in_every_text_field(column):
    value = {"latitude": "48.79" + LOST, "date_maj": "2024-04-0" + LOST}.get(column, "Caf" + LOST + " du centre")

    report = lieux_import(content=csv_bytes([row(**{column: value})]))

    assert report.refused == 1 and f"caractère illisible « � » dans « {column} »" in refusals(report)[2]
    assert not Lieu.objects.exists()


def test_a_lost_character_in_the_id_or_in_a_commune_without_insee_code_is_refused():
    report = lieux_import(
        content=csv_bytes([row(id="lieu-" + LOST), row(id="lieu-2", commune="Cr" + LOST + "teil", code_insee="")])
    )

    assert report.refused == 2
    assert "dans « id »" in refusals(report)[2] and "dans « commune »" in refusals(report)[3]


def test_what_can_be_recovered_for_certain_is_recovered_with_a_warning():
    report = _import()

    warnings = {item.line: " ".join(item.warnings) for item in report.rows}
    # The commune is found by its INSEE code: its name comes from the référentiel.
    creteil = Lieu.objects.get(external_id="94-solidarite")
    assert creteil.commune_id == "94028" and creteil.commune.name == "Créteil"
    assert "« Cr�teil » illisible ; commune retrouvée par son code INSEE (Créteil)" in warnings[10]
    # A value of the standard's closed lists that only one value fits (an accented letter lost as "�"
    # or, read byte by byte, as "��").
    caf = Lieu.objects.get(external_id="15-caf")
    assert sorted(caf.standard_services.values_list("label", flat=True)) == [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    ]
    assert caf.standard_extra["publics_specifiquement_adresses"] == "Étudiants|Seniors"
    assert "« �tudiants » lu comme « Étudiants »" in warnings[11]


def test_a_list_value_that_no_value_of_the_standard_fits_is_refused():
    report = lieux_import(content=csv_bytes([row(services="Aide aux d" + LOST + "marches|Cuisine")]))

    assert report.refused == 1 and "dans « services »" in refusals(report)[2]


def test_paris_lyon_and_marseille_keep_their_arrondissement():
    _import()

    communes = dict(Lieu.objects.values_list("external_id", "commune_id"))
    assert communes["EPN-18-01"] == "75118"  # its own code
    assert communes["152"] == "69388"  # "LYON" and the postcode 69008, no INSEE code
    assert communes["13-belsunce"] == "13201"  # the city's code and the postcode 13001
    assert communes["75-14-apaso"] == "75114"  # "Paris 14ème arrondissement", no INSEE code


def test_an_id_used_by_two_sources_is_two_places_and_each_source_updates_its_own():
    report = _import()

    warnings = {item.line: item.warnings for item in report.rows}
    assert dict(Lieu.objects.filter(external_id="1003").values_list("external_source", "name")) == {
        "hinaura": "Novatalk Agency (nouvelle adresse)",  # line 8 ("HINAURA") updated line 6
        "siao": "[ADOMA] |GHL| RS LES NYMPHEAS",
    }
    assert "même identifiant que la ligne 6 : cette ligne met à jour le même lieu." in warnings[8]

    again = _import()

    assert (again.created, again.updated, again.refused) == (0, 9, 3)
    assert Lieu.objects.count() == 8


def test_the_export_keeps_the_sources_date_and_its_ids_stay_unique():
    _import()

    data = exporter.rows(Lieu.objects.filter(source=LieuSource.NATIONAL_STANDARD))

    assert frictionless_errors(exporter.to_csv(data), "csv") == []
    by_id = {item["id"]: item for item in data}
    assert len(by_id) == len(data) == 8
    # The source's own date (02/05/2021 written DD/MM/YYYY), not the day of the import.
    assert by_id["EPN-18-01"]["date_maj"] == "2023-03-14"
    assert by_id["152"]["date_maj"] == "2021-05-05"
    # Two sources, one id: the lieu imported first keeps it, the other is "<source>:<id>", with its source.
    assert (by_id["1003"]["source"], by_id["1003"]["commune"]) == ("HINAURA", "Désertines")
    assert (by_id["siao:1003"]["source"], by_id["siao:1003"]["commune"]) == ("siao", "Blagnac")
    # The arrondissement's code and name.
    assert (by_id["EPN-18-01"]["code_insee"], by_id["EPN-18-01"]["commune"]) == ("75118", "Paris 18e Arrondissement")
