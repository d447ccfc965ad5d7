"""Every demo login works in a real browser and lands on its home page."""

import pytest

from accounts.demo import PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

HOMES = [
    ("commanditaire@demo.aptic.test", "Espace commanditaire — Région Auvergne-Rhône-Alpes (démo)"),
    ("distributeur@demo.aptic.test", "Espace distributeur — CCAS de Saint-Flour (démo)"),
    ("structure@demo.aptic.test", "Espace structure — Les Connecteurs — Lyon (démo)"),
    ("mediateur@demo.aptic.test", "Bonjour — Les Connecteurs — Lyon (démo)"),
    ("mediateur.rural@demo.aptic.test", "Bonjour — Numérique en Cézallier (démo)"),
    ("qualification@demo.aptic.test", "Tableau de bord de l'équipe"),
    ("finance@demo.aptic.test", "Tableau de bord de l'équipe"),
    ("finance2@demo.aptic.test", "Tableau de bord de l'équipe"),
    ("support@demo.aptic.test", "Tableau de bord de l'équipe"),
]


def test_each_demo_role_logs_in_and_lands_on_its_home_page(page, demo_data):
    for email, heading in HOMES:
        login(page, email, PASSWORD)
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert page.get_by_test_id("who-user").inner_text() == email
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("link", name="Se connecter").wait_for()


def test_a_wrong_password_is_refused_with_a_french_message(page, demo_data):
    login(page, "commanditaire@demo.aptic.test", "pas-le-bon-mot-de-passe")
    page.get_by_text("L’adresse e-mail ou le mot de passe sont incorrects.").wait_for()


def test_a_structure_admin_switches_between_its_two_structures(page, demo_data):
    login(page, "structure@demo.aptic.test", PASSWORD)
    page.get_by_label("Agir pour").select_option(label="Numérique en Cézallier (démo)")
    page.get_by_role("heading", level=1, name="Espace structure — Numérique en Cézallier (démo)").wait_for()
    page.get_by_text("Maison des services d'Allanche").wait_for()
