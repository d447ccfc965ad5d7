"""Importing lieux from files of the national standard: what is accepted, what is refused, and why."""

import csv
import io
import json

import pytest

from accounts.models import AuditEvent
from qualification.enums import LieuSource
from qualification.models import Lieu
from qualification.selectors import lieux_qualified
from qualification.standard import schema
from qualification.standard.importer import FileRefused, lieux_import
from tests.factories import OrganisationFactory, qualified_lieu
from tests.qualification.conftest import FIXTURES
from tests.qualification.standard import csv_bytes, refusals, row

pytestmark = pytest.mark.django_db

EXAMPLE = schema.DATA_DIR / "exemple-valide.csv"


def test_the_standards_own_example_is_imported_as_a_lieu_that_is_never_qualified():
    report = lieux_import(content=EXAMPLE.read_bytes())

    assert (report.total, report.created, report.updated, report.refused) == (1, 1, 0, 0)
    lieu = Lieu.objects.get(external_id="structure-1")
    assert lieu.source == LieuSource.NATIONAL_STANDARD and lieu.structure is None
    assert lieu.name == "Anonymal" and lieu.commune_id == "51454" and lieu.postcode == "51100"
    assert lieu.phone == "+33180059880" and lieu.email == "contact@laquincaillerie.tl"
    assert sorted(lieu.standard_services.values_list("label", flat=True)) == [
        "Insertion professionnelle via le numérique",
        "Loisirs et créations numériques",
        "Maîtrise des outils numériques du quotidien",
    ]
    assert set(lieu.formats.values_list("value", flat=True)) == {"individuel", "collectif", "a_distance"}
    # What #APTIC has no column for is kept as it came, for the cartography and the applications.
    assert lieu.standard_extra["itinerance"] == "Itinérant"
    assert lieu.standard_extra["courriels"] == "contact@laquincaillerie.tl|responsable@laquincaillerie.tl"
    assert lieu.standard_extra["prise_en_charge_specifique"] == "Surdité|Illettrisme|Langues étrangères (anglais)"
    assert not lieu.qualifications.exists() and lieu not in lieux_qualified()


def test_importing_the_same_id_again_updates_the_lieu_instead_of_creating_another():
    lieux_import(content=csv_bytes([row()]))
    report = lieux_import(content=csv_bytes([row(nom="Médiathèque de l'Abbaye (rénovée)", services="")]))

    assert (report.created, report.updated, report.refused) == (0, 1, 0)
    lieu = Lieu.objects.get(external_id="lieu-1")
    assert lieu.name == "Médiathèque de l'Abbaye (rénovée)"
    assert not lieu.standard_services.exists()
    assert Lieu.objects.count() == 1


def test_a_repeated_id_of_the_same_source_in_one_file_updates_the_same_lieu():
    report = lieux_import(content=csv_bytes([row(), row(nom="Nom corrigé")]))

    assert (report.created, report.updated, report.refused) == (1, 1, 0)
    assert Lieu.objects.get().name == "Nom corrigé"
    assert "même identifiant que la ligne 2" in report.rows[-1].warnings[0]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_a_utf8_bom_and_any_usual_delimiter_are_read(delimiter, bom):
    report = lieux_import(content=csv_bytes([row()], delimiter=delimiter, bom=bom))

    assert report.created == 1 and report.refused == 0
    assert Lieu.objects.get().name == "Médiathèque de l'Abbaye"


def test_a_spreadsheet_header_in_capitals_and_a_utf16_export_are_read():
    content = csv_bytes([row()]).decode()
    header, rest = content.split("\r\n", 1)
    text = header.upper().replace("_", " ") + "\r\n" + rest

    report = lieux_import(content=text.encode("utf-16"))

    assert report.created == 1 and report.encoding == "utf-16"


def test_both_spellings_the_standard_allows_are_accepted_and_stored_in_the_patterns_spelling():
    report = lieux_import(
        content=csv_bytes(
            [
                row(
                    services="Comprehension du monde numérique|Accès internet et matériel informatique",
                    formations_labels="Étapes numériques (La Poste)|Formé à « Mon Espace Santé »",
                    prise_en_charge_specifique="Déficience visuelle",
                ),
                row(
                    id="lieu-2",
                    services="Compréhension du monde numérique",
                    formations_labels="Étapes numériques(La Poste)",
                ),
            ]
        )
    )

    assert report.created == 2 and not report.rows
    for lieu in Lieu.objects.all():
        assert "Compréhension du monde numérique" in lieu.standard_services.values_list("label", flat=True)
        assert lieu.standard_extra["formations_labels"].startswith("Étapes numériques(La Poste)")
    assert Lieu.objects.get(external_id="lieu-1").standard_extra["prise_en_charge_specifique"] == "Déficience visuelle"


def test_a_latin1_file_is_refused_with_a_message_that_says_how_to_fix_it():
    content = csv_bytes([row()], encoding="latin-1")

    with pytest.raises(FileRefused) as refusal:
        lieux_import(content=content)

    assert refusal.value.code == "encoding"
    message = str(refusal.value)
    assert "n'est pas encodé en UTF-8" in message and "ligne 2" in message and "Latin-1" in message
    assert "Médiathèque" in message  # the excerpt shows where, read as it was meant
    assert not Lieu.objects.exists()


def test_a_file_converted_twice_to_utf8_is_refused_rather_than_stored_as_mojibake():
    text = csv_bytes([row(), row(id="lieu-2", nom="Espace numérique de Créteil")]).decode()
    content = text.encode("utf-8").decode("latin-1").encode("utf-8")

    with pytest.raises(FileRefused) as refusal:
        lieux_import(content=content)

    assert refusal.value.code == "double_encoded"
    assert "converti deux fois en UTF-8" in str(refusal.value) and "Ã©" in str(refusal.value)
    assert not Lieu.objects.exists()


def test_one_row_with_mojibake_is_refused_and_the_others_are_imported():
    rows = [row(id=f"lieu-{number}", nom=f"Médiathèque n° {number}") for number in range(1, 5)]
    rows[2]["adresse"] = "12 rue de la RÃ©publique"

    report = lieux_import(content=csv_bytes(rows))

    assert (report.created, report.refused) == (3, 1)
    assert (
        "texte mal encodé : « 12 rue de la RÃ©publique » (sans doute « 12 rue de la République »)"
        in (refusals(report)[4])
    )
    assert not Lieu.objects.filter(external_id="lieu-3").exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nom": ""}, "« nom » est obligatoire et vide."),
        ({"adresse": " "}, "« adresse » est obligatoire et vide."),
        ({"id": ""}, "« id » est obligatoire et vide."),
        ({"pivot": "12-34"}, "« pivot » : « 12-34 » n'a pas le format attendu."),
        ({"code_postal": "94 000"}, "« code_postal » : « 94 000 » n'a pas le format attendu."),
        ({"date_maj": "hier"}, "« date_maj » : « hier » n'est pas une date AAAA-MM-JJ."),
        (
            {"code_insee": "99999", "commune": "Nulle-sur-Terre"},
            "commune inconnue : le code INSEE 99999 n'existe pas dans le référentiel des communes",
        ),
        (
            {"code_insee": "", "commune": "Nulle-sur-Terre"},
            "commune inconnue : « Nulle-sur-Terre » (code postal 94000) n'existe pas",
        ),
    ],
)
def test_each_refusal_says_why_and_keeps_the_row_out(overrides, reason):
    report = lieux_import(content=csv_bytes([row(id="autre", nom="Un autre lieu"), row(**overrides)]))

    assert report.created == 1 and report.refused == 1
    assert reason in refusals(report)[3]
    assert Lieu.objects.count() == 1


def test_an_id_reused_by_another_source_is_another_place_and_each_source_updates_its_own():
    report = lieux_import(content=csv_bytes([row(), row(nom="Autre lieu", source="Autre réseau")]))

    assert (report.created, report.refused) == (2, 0)
    assert dict(Lieu.objects.values_list("external_source", "name")) == {
        "val-de-marne": "Médiathèque de l'Abbaye",
        "autre-reseau": "Autre lieu",
    }

    # Again, from each source: each updates its own lieu; the source's spelling may vary.
    report = lieux_import(content=csv_bytes([row(nom="Abbaye (rénovée)", source="VAL DE MARNE")]))
    report_other = lieux_import(content=csv_bytes([row(nom="Autre lieu (déménagé)", source="Autre réseau")]))

    assert (report.created, report.updated, report_other.created, report_other.updated) == (0, 1, 0, 1)
    assert sorted(Lieu.objects.filter(external_id="lieu-1").values_list("name", flat=True)) == [
        "Abbaye (rénovée)",
        "Autre lieu (déménagé)",
    ]


def test_a_lieu_of_aptic_is_never_changed_by_an_import():
    lieu = qualified_lieu(name="Lieu #APTIC")
    claimed = Lieu.objects.create(
        name="Importé puis repris",
        address="1 rue",
        postcode="94000",
        commune_id="94028",
        source=LieuSource.NATIONAL_STANDARD,
        external_id="repris",
        external_source="val-de-marne",
        structure=OrganisationFactory(structure=True),
    )

    report = lieux_import(content=csv_bytes([row(id=f"aptic-{lieu.pk}"), row(id="repris", nom="Écrasé ?")]))

    assert report.refused == 2 and report.created == 0
    assert all("est celui d'un lieu #APTIC" in reason for reason in refusals(report).values())
    lieu.refresh_from_db()
    claimed.refresh_from_db()
    assert lieu.name == "Lieu #APTIC" and claimed.name == "Importé puis repris"


def test_a_file_without_a_required_column_is_refused_as_a_whole():
    columns = [name for name in schema.field_names() if name != "adresse"]
    content = csv_bytes([{key: value for key, value in row().items() if key != "adresse"}], columns=columns)

    with pytest.raises(FileRefused) as refusal:
        lieux_import(content=content)

    assert "Colonne obligatoire absente de l'en-tête : adresse." in str(refusal.value)


def test_a_spreadsheet_or_an_empty_file_is_refused():
    with pytest.raises(FileRefused, match="classeur"):
        lieux_import(content=b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(FileRefused, match="vide"):
        lieux_import(content=b"  \n")


def test_values_outside_the_standard_are_dropped_with_a_warning_and_the_row_is_kept():
    report = lieux_import(
        content=csv_bytes(
            [row(services="Aide aux démarches administratives|Cours de cuisine", telephone="pas de téléphone")]
        )
    )

    assert report.created == 1 and report.refused == 0
    warnings = " ".join(report.rows[0].warnings)
    assert "« services » : valeur inconnue du standard ignorée : « Cours de cuisine »." in warnings
    assert "« telephone »" in warnings
    lieu = Lieu.objects.get()
    assert list(lieu.standard_services.values_list("label", flat=True)) == ["Aide aux démarches administratives"]
    assert lieu.phone == ""


def test_what_spreadsheets_do_to_values_is_repaired():
    report = lieux_import(
        content=csv_bytes(
            [
                row(
                    code_postal="1000",
                    code_insee="1053",
                    commune="Bourg-en-Bresse",
                    telephone="04 74 32 12 00",
                    date_maj="02/04/2024",
                    latitude="46,2052",
                    longitude="5,2255",
                    presentation_resume="x" * 300,
                )
            ],
            delimiter=";",
        )
    )

    assert report.created == 1 and report.refused == 0
    lieu = Lieu.objects.get()
    assert (lieu.postcode, lieu.commune_id) == ("01000", "01053")
    assert lieu.phone == "+33474321200"
    assert str(lieu.latitude) == "46.205200"
    assert lieu.standard_extra["date_maj"] == "2024-04-02"
    assert len(lieu.summary) == 280 and lieu.description == "x" * 300


def test_former_insee_codes_find_the_current_commune_and_arrondissements_are_kept():
    report = lieux_import(
        content=csv_bytes(
            [
                row(id="a", commune="Lyon 4e Arrondissement", code_postal="69004", code_insee="69384"),
                row(id="b", commune="Pierre-Bénite", code_postal="69310", code_insee="69152"),
                row(id="c", commune="LE MANS CEDEX 2", code_postal="72015", code_insee=""),
            ]
        )
    )

    assert report.created == 3 and report.refused == 0
    assert dict(Lieu.objects.values_list("external_id", "commune_id")) == {"a": "69384", "b": "69149", "c": "72181"}
    warnings = {item.id: item.warnings for item in report.rows}
    assert "a" not in warnings
    assert warnings["b"] == ["ancien code INSEE 69152 : commune actuelle Oullins-Pierre-Bénite (69149)."]


def test_a_json_file_of_the_standard_is_read_too():
    content = json.dumps([{**row(), "services": ["Aide aux démarches administratives"], "latitude": 48.79}])

    report = lieux_import(content=content.encode())

    assert report.created == 1
    assert Lieu.objects.get().standard_services.get().label == "Aide aux démarches administratives"


def test_a_dry_run_reports_without_writing_anything():
    report = lieux_import(content=csv_bytes([row(), row(id="x", nom="")]), dry_run=True)

    assert (report.created, report.refused, report.dry_run) == (1, 1, True)
    assert not Lieu.objects.exists()
    assert not AuditEvent.objects.filter(action="qualification.lieux.imported").exists()


def test_an_import_is_recorded_in_the_audit_log():
    lieux_import(content=csv_bytes([row()]), filename="lieux.csv")

    event = AuditEvent.objects.get(action="qualification.lieux.imported")
    assert event.data["filename"] == "lieux.csv" and event.data["created"] == 1 and len(event.data["sha256"]) == 64


def test_the_older_v0_layout_of_real_places_is_mapped_to_the_current_standard():
    """A sample of the 3 811 real places of the national cartography (2023, v0 layout)."""
    content = (FIXTURES / "lieux-v0-sample.csv").read_bytes()

    report = lieux_import(content=content)

    assert report.layout == "v0" and report.total == 19
    assert (report.created, report.updated, report.refused) == (16, 0, 3)
    refused = refusals(report)
    # Id 1003 of Hinaura (Désertines) and of the SIAO (Blagnac): two places, both kept.
    assert dict(Lieu.objects.filter(external_id="1003").values_list("external_source", "commune__name")) == {
        "hinaura": "Désertines",
        "siao": "Blagnac",
    }
    assert "texte mal encodé : « CS 1808 NÂ° 11A 15 » (sans doute « CS 1808 N° 11A 15 »)" in refused[15]
    assert "commune inconnue : « SAINT GERVAIS » (code postal 74170)" in refused[16]
    assert "commune inconnue : « PUYRICARD » (code postal 13540)" in refused[20]
    # Every old service, "modalité" and label of the sample has a v1.0.2 equivalent: no value was dropped.
    assert not [warning for item in report.rows for warning in item.warnings if "ignorée" in warning]

    # Pamiers: old services separated by ";", the old "CNFS" label.
    pamiers = Lieu.objects.get(external_id="625989af05457b079081759e")
    old_services = next(
        line["services"] for line in csv.DictReader(io.StringIO(content.decode())) if line["id"] == pamiers.external_id
    )
    assert ";" in old_services and "|" not in old_services
    labels = set(pamiers.standard_services.values_list("label", flat=True))
    assert labels and labels <= set(schema.field("services").choices)
    assert pamiers.standard_extra["dispositif_programmes_nationaux"] == "Conseillers numériques"
    # "Dans un atelier : j'apprends collectivement…" is "Dans un atelier collectif", the collective format.
    saint_etienne = Lieu.objects.get(external_id="1158")
    assert "Dans un atelier collectif" in saint_etienne.standard_extra["modalites_accompagnement"]
    assert "collectif" in saint_etienne.formats.values_list("value", flat=True)
    # Rows without an INSEE code find their commune by name and postcode (or an INSEE code put in the postcode).
    assert Lieu.objects.get(external_id="1009").commune.name == "Montfort-sur-Meu"
    assert Lieu.objects.get(external_id="1004").commune.name == "Annecy"
    assert not Lieu.objects.exclude(source=LieuSource.NATIONAL_STANDARD).exists()
    assert not lieux_qualified().exists()


def test_every_old_service_label_maps_to_services_of_the_current_standard():
    from qualification.standard.legacy import MODALITES_ACCOMPAGNEMENT, SERVICES

    for old, new in {**SERVICES, **MODALITES_ACCOMPAGNEMENT}.items():
        name = "services" if old in SERVICES else "modalites_accompagnement"
        assert new and all(value in schema.field(name).choices for value in new), old
    assert len(SERVICES) == 15  # the 15 old services, condensed into 9


def test_a_name_longer_than_a_lieu_can_hold_is_shortened_with_a_warning():
    report = lieux_import(content=csv_bytes([row(nom="Espace numérique " * 15)]))

    assert report.created == 1
    assert "« nom » raccourci à 200 caractères." in report.rows[0].warnings
    assert len(Lieu.objects.get().name) == 200
