import pytest

from aptic.text import normalize_search
from territories.models import Commune, Departement

pytestmark = pytest.mark.django_db


def test_the_communes_are_shipped_with_their_density():
    assert Commune.objects.count() == 34_969
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
