"""The public pages of the catalogue: browse, search as you type, a page per service with its lieux."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification.enums import QualificationStatus
from referentiel import services
from referentiel.models import Version
from tests.factories import LieuFactory, qualified_lieu
from tests.utils import page_text

pytestmark = pytest.mark.django_db

CATALOGUE = "/catalogue/"


@pytest.fixture
def v1():
    return Version.objects.get(number=1)


def test_the_catalogue_shows_every_category_and_service_of_the_version_in_force(client, v1):
    response = client.get(CATALOGUE)
    text = page_text(response)
    assert "Catalogue des services" in text
    assert "Référentiel national, version 1, en vigueur depuis le 1 janvier 2026." in text
    assert f"{v1.services.count()} services." in text
    for category in v1.categories.all():
        assert category.label in text
    assert "Activer et utiliser Mon Espace Santé" in text and "1 chèque" in text and "3 chèques" in text
    assert reverse("referentiel:service", args=["mon-espace-sante"]) in response.content.decode()


def test_the_catalogue_is_browsed_by_category(client, v1):
    text = page_text(client.get(CATALOGUE, {"categorie": "sante"}))
    assert "3 services." in text
    assert "Utiliser son compte Ameli" in text and "Premiers pas sur un smartphone" not in text


@pytest.mark.parametrize("query", ["demarch", "DÉMARCHES", "démarches  ants", "Demarches-ANTS"])
def test_search_ignores_accents_case_and_punctuation(client, v1, query):
    text = page_text(client.get(CATALOGUE, {"q": query}))
    assert "Carte d'identité, passeport, permis, carte grise : les démarches ANTS" in text


def test_search_as_you_type_gets_only_the_results(client, v1):
    response = client.get(CATALOGUE, {"q": "mot de passe"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and 'id="catalogue-results"' not in content
    assert "1 service correspond à « mot de passe »." in page_text(response)
    assert "Créer et gérer ses mots de passe" in content
    assert response["Vary"] and "HX-Request" in response["Vary"]
    # Going back in the browser's history asks for the whole page again.
    restore = client.get(CATALOGUE, {"q": "mot"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_a_search_without_result_says_what_to_do(client, v1):
    text = page_text(client.get(CATALOGUE, {"q": "astronomie"}))
    assert "Aucun service ne correspond à « astronomie »." in text
    assert "Essayez un autre mot" in text and "Voir tout le catalogue" in text


def test_before_any_published_version_the_catalogue_says_so(client, monkeypatch):
    monkeypatch.setattr("referentiel.selectors.version_in_force", lambda on=None: None)
    text = page_text(client.get(CATALOGUE))
    assert "Le catalogue n'est pas encore publié." in text


def test_a_service_page_says_what_for_whom_how_long_and_how_many_cheques(client, v1):
    text = page_text(client.get("/catalogue/retraite-en-ligne/"))
    assert "Préparer et demander sa retraite en ligne" in text
    assert "vérifier son relevé de carrière" in text
    assert "Pour qui Seniors" in text
    assert "Durée habituelle 2 h" in text
    assert "Combien de chèques 2 chèques #APTIC" in text
    assert "Comment Accompagnement individuel" in text
    assert "« Aide aux démarches administratives »" in text
    assert "Aucun lieu qualifié ne propose encore ce service." in text


def test_a_service_page_lists_the_qualified_lieux_that_offer_it(client, v1):
    service = v1.services.get(code="mon-espace-sante")
    qualified_lieu(name="Médiathèque de Riom", services=[service], commune_id="63300")
    qualified_lieu(name="Tiers-lieu sans ce service", services=[v1.services.get(code="mots-de-passe")])
    LieuFactory(name="Lieu pas encore qualifié").services.set([service])
    expired = qualified_lieu(name="Lieu à la qualification expirée", services=[service])
    expired.qualifications.update(status=QualificationStatus.EXPIRED)
    # A lieu whose offer was chosen in another version of the référentiel: the same code, the same service.
    draft = services.version_copy(version=v1, by=None)
    qualified_lieu(
        name="Espace numérique d'Aurillac", services=[draft.services.get(code="mon-espace-sante")], commune_id="15014"
    )
    text = page_text(client.get("/catalogue/mon-espace-sante/"))
    assert "2 lieux qualifiés #APTIC proposent ce service" in text
    assert "Espace numérique d'Aurillac — Aurillac (15)" in text
    assert "Médiathèque de Riom — Riom (63)" in text
    for absent in ("sans ce service", "pas encore qualifié", "expirée"):
        assert absent not in text


def test_a_service_page_shows_the_version_in_force(client, v1):
    draft = services.version_copy(version=v1, by=None)
    service = draft.services.get(code="mots-de-passe")
    service.label = "Mots de passe et double authentification"
    services.service_save(service=service, by=None)
    assert client.get("/catalogue/mots-de-passe/").context["service"].version == v1
    services.version_publish(version=draft, valid_from=timezone.localdate() + datetime.timedelta(days=1), by=None)
    assert "Créer et gérer ses mots de passe" in page_text(client.get("/catalogue/mots-de-passe/"))


def test_an_unknown_service_is_a_404(client, v1):
    assert client.get("/catalogue/service-inexistant/").status_code == 404


def test_every_visitor_finds_the_catalogue_from_the_header_and_the_home_page(client, v1):
    content = client.get("/").content.decode()
    assert content.count(f'href="{CATALOGUE}"') == 2
    assert "Voir le catalogue des services" in page_text(client.get("/"))


def test_the_catalogue_page_takes_a_fixed_number_of_queries(client, v1, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(CATALOGUE)
    with django_assert_max_num_queries(12):
        client.get("/catalogue/mon-espace-sante/")


@pytest.mark.parametrize(
    ("code", "duration"),
    [("justificatifs-numeriser", "45 min"), ("numerique-sobre", "1 h 30"), ("atelier-creation", "3 h")],
)
def test_durations_read_the_french_way(client, v1, code, duration):
    assert f"Durée habituelle {duration}" in page_text(client.get(f"/catalogue/{code}/")).replace("\u00a0", " ")
