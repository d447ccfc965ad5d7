"""The legal pages every footer links to: who publishes and hosts, what is kept about people, accessibility."""

import re

import pytest
from django.urls import reverse

from tests.utils import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/mon-carnet/", "/lieux/", "/catalogue/", "/comptes/login/"])
def test_every_footer_links_the_three_pages(client, path):
    footer = re.search(r'<footer class="site-footer">.*?</footer>', client.get(path).content.decode(), re.S).group(0)
    for name in ("legal-notice", "personal-data", "accessibility"):
        assert f'href="{reverse(name)}"' in footer
    assert "Accessibilité : non conforme" in footer  # the RGAA asks the link to say the status


def test_the_legal_notice_names_the_publisher_its_registry_and_the_host(client, settings):
    settings.APTIC_COOPERATIVE = {
        **settings.APTIC_COOPERATIVE,
        "name": "SCIC SA #APTIC",
        "capital": "à capital variable",
        "rcs_city": "Bordeaux",
        "siren": "900000001",
        "publication_director": "Alex Martin",
    }
    settings.APTIC_HOSTING = {"name": "Hébergeur coop", "address": "2 rue du Nuage, 59000 Lille", "phone": "0320"}
    text = page_text(client.get(reverse("legal-notice")))
    assert "SCIC SA #APTIC" in text and "à capital variable" in text and "RCS Bordeaux 900000001" in text
    assert "Alex Martin" in text
    assert "Hébergeur coop" in text and "2 rue du Nuage, 59000 Lille" in text and "0320" in text


def test_the_personal_data_page_states_the_profiles_retention_and_the_rights(client, settings):
    response = client.get(reverse("personal-data"))
    text = page_text(response)
    assert "supprimé automatiquement 3 ans après la remise du carnet" in text
    for kept in ("IBAN", "Journal d'audit", "Journaux techniques", "pièces justificatives", "tranche d'âge"):
        assert kept in text
    assert "Exécution du contrat" in text and "Obligation légale" in text and "Intérêt légitime" in text
    assert settings.APTIC_COOPERATIVE["privacy_email"] in text and "CNIL" in text
    settings.BENEFICIARY_PROFILE_RETENTION_YEARS = 1
    assert "supprimé automatiquement 1 an après la remise" in page_text(client.get(reverse("personal-data")))


def test_the_accessibility_statement_is_honest_and_gives_the_recourse(client):
    text = page_text(client.get(reverse("accessibility")))
    assert "est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1" in text
    assert "Aucun audit de conformité n'a encore été réalisé" in text
    assert "Défenseur des droits" in text and "Libre réponse 71120" in text


def test_the_pages_exist_in_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for name in ("legal-notice", "personal-data", "accessibility"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and '<html lang="en">' in response.content.decode()
