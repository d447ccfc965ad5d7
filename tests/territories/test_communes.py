import pytest
from django.db.models import Count

from aptic.text import normalize_search
from territories.loader import territories_ensure_loaded
from territories.models import Commune, Departement
from territories.selectors import communes_with_postcode

pytestmark = pytest.mark.django_db


def test_the_communes_are_shipped_with_their_density():
    assert Commune.objects.filter(parent=None).count() == 34_969
    lyon = Commune.objects.get(code="69123")
    assert (lyon.name, lyon.density3, lyon.departement.name, lyon.departement.region.name) == (
        "Lyon",
        "dense",
        "Rhône",
        "Auvergne-Rhône-Alpes",
    )
    assert "69004" in lyon.postcode_list and lyon.population > 500_000
    assert Commune.objects.get(code="15001").density3 == "rural"
    assert Departement.objects.count() == 109  # 101 départements and the overseas collectivités


def test_search_names_ignore_accents_case_and_punctuation():
    assert normalize_search("Saint-Étienne") == "saint etienne"
    assert normalize_search("  L'Haÿ-les-Roses ") == "l hay les roses"
    assert normalize_search("Œuilly") == "oeuilly"
    assert Commune.objects.filter(search_name=normalize_search("SAINT-ETIENNE")).exists()


def test_the_arrondissements_of_paris_lyon_and_marseille_are_communes_of_their_city():
    arrondissements = Commune.objects.exclude(parent=None)

    assert dict(arrondissements.values_list("parent_id").annotate(count=Count("code"))) == {
        "75056": 20,
        "69123": 9,
        "13055": 16,
    }
    paris_16 = Commune.objects.get(code="75116")
    assert (paris_16.name, paris_16.parent_id, paris_16.postcode_list) == (
        "Paris 16e Arrondissement",
        "75056",
        ["75016", "75116"],
    )
    # The city's département and density; the city's population is the sum of its arrondissements'.
    assert {(commune.departement_id, commune.density3) for commune in arrondissements.filter(parent="69123")} == {
        ("69", "dense")
    }
    paris = Commune.objects.get(code="75056")
    assert paris.population == sum(arrondissements.filter(parent=paris).values_list("population", flat=True))


def test_a_database_loaded_before_the_arrondissements_gets_them_at_the_next_migrate():
    Commune.objects.exclude(parent=None).delete()

    assert territories_ensure_loaded() == 45
    assert territories_ensure_loaded() == 0
    assert Commune.objects.get(code="13201").parent_id == "13055"


def test_a_postcode_of_paris_designates_its_arrondissement():
    assert list(communes_with_postcode("75011").values_list("code", flat=True)) == ["75111"]
    assert list(communes_with_postcode("75116").values_list("code", flat=True)) == ["75116"]
    assert list(communes_with_postcode("69004").values_list("code", flat=True)) == ["69384"]
    assert "15187" in communes_with_postcode("15100").values_list("code", flat=True)  # elsewhere, communes
