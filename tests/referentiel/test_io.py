"""Import and export of a version (CSV and JSON): the round trip, and files refused as a whole."""

import csv
import io as stdlib_io
import json

import pytest

from accounts.enums import StaffRole
from referentiel import io, services
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Service, Version
from tests.factories import CategoryFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return staff_user(StaffRole.QUALIFICATION)


@pytest.fixture
def v1():
    return Version.objects.get(number=1)


def without_identity(text: str) -> dict:
    data = json.loads(text)
    del data["version"]["numero"], data["version"]["etat"]
    return data


def csv_file(rows: list[dict], delimiter: str = ",") -> bytes:
    buffer = stdlib_io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def good_row(**changes) -> dict:
    row = {
        "categorie": "premiers-pas",
        "categorie_libelle": "Premiers pas",
        "categorie_description": "",
        "categorie_ordre": "1",
        "code": "tablette",
        "libelle": "Prendre en main une tablette",
        "description": "Allumer sa tablette, se connecter au wifi, installer une application.",
        "publics": "seniors",
        "formats": "individuel|collectif",
        "services_standard": "maitrise_outils_numeriques",
        "duree_minutes": "60",
        "cout_cheques": "1",
        "cout_reductible": "non",
        "ordre": "1",
    }
    return {**row, **changes}


def test_json_export_import_export_gives_the_same_content(v1, staff):
    exported = io.export_json(v1)
    draft = services.version_import(content=exported.encode(), filename="v1.json", by=staff)
    assert draft.status == VersionStatus.DRAFT and draft.number == 2
    assert (draft.label, draft.notes, draft.valid_from) == (v1.label, v1.notes, v1.valid_from)
    assert (draft.categories.count(), draft.services.count()) == (v1.categories.count(), v1.services.count())
    assert without_identity(io.export_json(draft)) == without_identity(exported)
    assert draft.transitions.get().reason == "Import du fichier v1.json"


def test_csv_export_import_export_gives_the_same_bytes_even_with_an_empty_category(v1, staff):
    draft = services.version_copy(version=v1, by=staff)
    CategoryFactory(
        version=draft, code="a-venir", label="À venir", description="Bientôt, sur deux\nlignes", position=99
    )
    exported = io.export_csv(draft)
    assert exported.startswith("\ufeff".encode())  # spreadsheets read the accents
    again = services.version_import(content=exported, filename="brouillon.csv", by=staff, label="Réimport")
    assert again.label == "Réimport"
    assert io.export_csv(again) == exported
    assert again.categories.get(code="a-venir").description == "Bientôt, sur deux\nlignes"


def test_a_csv_from_a_spreadsheet_is_read_with_semicolons_labels_and_without_accents(staff):
    content = (
        csv_file(
            [
                good_row(
                    formats="Atelier collectif|À DISTANCE",
                    publics="Personnes allophones",
                    services_standard="Comprehension du monde numerique",
                )
            ],
            delimiter=";",
        )
        .decode()
        .encode("cp1252")
    )
    draft = services.version_import(content=content, filename="tableur.csv", by=staff)
    service = draft.services.get()
    assert service.label == "Prendre en main une tablette"
    assert sorted(service.formats.values_list("value", flat=True)) == ["a_distance", "collectif"]
    assert list(service.standard_services.values_list("value", flat=True)) == ["comprehension_monde_numerique"]
    assert draft.label == "Import de tableur.csv"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            good_row(services_standard="cuisine_numerique"),
            "le service du standard national « cuisine_numerique » est inconnu",
        ),
        (good_row(services_standard=""), "le service doit correspondre à au moins un service du standard national"),
        (good_row(cout_cheques="0"), "le coût en chèques doit être un nombre entre 1 et 20 (lu : 0)"),
        (good_row(cout_cheques="1,5"), "le coût en chèques « 1,5 » n'est pas un nombre entier"),
        (good_row(cout_reductible="peut-être"), "le coût réductible vaut « oui » ou « non », pas « peut-être »"),
        (good_row(libelle=""), "le libellé du service est manquant"),
        (good_row(description=" "), "la description pour le public est manquante"),
        (good_row(duree_minutes="une heure"), "la durée (minutes) « une heure » n'est pas un nombre entier"),
        (good_row(duree_minutes="0"), "la durée (minutes) doit être un nombre entre 1 et 1440"),
        (good_row(categorie="inconnue", categorie_libelle=""), "la catégorie « inconnue » est inconnue"),
        (good_row(formats="en_plein_air"), "le format « en_plein_air » est inconnu"),
        (good_row(publics="martiens"), "le public « martiens » est inconnu"),
        (good_row(code="tablette-été"), "ne doit contenir que des lettres sans accent"),
        (good_row(code=""), "le code du service est manquant"),
        (good_row(categorie_libelle="Premiers pas, autrement"), "la catégorie « premiers-pas » est décrite autrement"),
    ],
)
def test_a_csv_with_one_bad_row_is_refused_as_a_whole_with_its_line_and_reason(staff, row, reason):
    content = csv_file([good_row(code="ligne-bonne"), row])
    versions, services_count = Version.objects.count(), Service.objects.count()
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=content, filename="erreur.csv", by=staff)
    messages = [str(problem) for problem in refusal.value.problems]
    assert any(message.startswith("Ligne 3 : ") and reason in message for message in messages), messages
    assert "rien n'a été modifié" in str(refusal.value)
    assert (Version.objects.count(), Service.objects.count()) == (versions, services_count)


def test_a_duplicate_code_names_both_lines(staff):
    content = csv_file([good_row(), good_row(libelle="Autre libellé")])
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=content, filename="doublon.csv", by=staff)
    assert [str(p) for p in refusal.value.problems] == [
        "Ligne 3 : le code de service « tablette » est en double (déjà utilisé : Ligne 2)"
    ]


def test_every_problem_of_a_file_is_reported_at_once(staff):
    content = csv_file([good_row(cout_cheques="0"), good_row(code="b", libelle=""), good_row(code="c", formats="x")])
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=content, filename="erreurs.csv", by=staff)
    assert [p.where for p in refusal.value.problems] == ["Ligne 2", "Ligne 3", "Ligne 4"]
    assert refusal.value.details["problems"][0]["where"] == "Ligne 2"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "le fichier est vide"),
        (b"code,libelle\n", "colonnes manquantes : categorie, description, services_standard"),
        (csv_file([{**good_row(), "prix": "10"}]), "colonnes inconnues : prix"),
        (csv_file([good_row()]).split(b"\r\n")[0] + b"\r\n", "le fichier ne contient aucun service"),
    ],
)
def test_a_csv_that_is_not_in_the_format_is_refused(staff, content, reason):
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=content, filename="mauvais.csv", by=staff)
    assert any(reason in str(problem) for problem in refusal.value.problems), refusal.value.problems


def test_a_json_file_is_checked_row_by_row_too(v1, staff):
    data = json.loads(io.export_json(v1))
    data["services"][2]["categorie"] = "inexistante"
    data["services"][4]["cout_cheques"] = 0
    data["services"][5]["services_standard"] = ["inconnu"]
    data["services"][6]["libelle"] = ["une", "liste"]
    data["categories"][1]["code"] = data["categories"][0]["code"]
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=json.dumps(data).encode(), filename="v1.json", by=staff)
    problems = [str(problem) for problem in refusal.value.problems]
    assert "Service n° 3 : la catégorie « inexistante » est inconnue" in problems
    assert "Service n° 5 : le coût en chèques doit être un nombre entre 1 et 20 (lu : 0)" in problems
    assert "Service n° 6 : le service du standard national « inconnu » est inconnu" in problems
    assert "Service n° 7 : « libelle » doit être une valeur simple, pas une liste" in problems
    assert any(p.startswith("Catégorie n° 2 : le code de catégorie") and "en double" in p for p in problems)
    assert Version.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"services": [', "le JSON est mal formé (ligne 1, colonne 15)"),
        (b'{"format": "autre", "services": []}', "format de fichier inconnu"),
        (b"[1, 2]", "le JSON doit être un objet avec une liste « services »"),
    ],
)
def test_a_json_file_that_is_not_in_the_format_is_refused(staff, content, reason):
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=content, filename="mauvais.json", by=staff)
    assert reason in str(refusal.value.problems[0])


def test_a_retired_value_is_refused(staff):
    Format.objects.filter(value="collectif").update(retired=True)
    with pytest.raises(io.ImportRefused) as refusal:
        services.version_import(content=csv_file([good_row()]), filename="retire.csv", by=staff)
    assert str(refusal.value.problems[0]) == "Ligne 2 : le format « collectif » est retiré"
    assert not Category.objects.filter(code="premiers-pas", version__status=VersionStatus.DRAFT).exists()
