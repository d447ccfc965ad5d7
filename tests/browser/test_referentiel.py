"""A visitor finds a service of the catalogue by typing part of its name, without accents, and opens it."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_finds_a_service_by_typing_part_of_its_name_without_accents(page):
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Catalogue des services"
    ).click()
    page.get_by_role("heading", level=1, name="Catalogue des services").wait_for()
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Rechercher un service").press_sequentially("demarch", delay=40)
    results = page.locator("#catalogue-results")
    expect(results.get_by_text("8 services correspondent à « demarch ».")).to_be_visible()
    expect(results.get_by_role("link", name="Premiers pas sur un smartphone")).to_have_count(0)
    # Searched as one types: the results changed without loading another page, and the address follows.
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_url("/catalogue/?q=demarch")

    results.get_by_role("link", name="Faire ses démarches CAF ou MSA en ligne").click()
    page.get_by_role("heading", level=1, name="Faire ses démarches CAF ou MSA en ligne").wait_for()
    expect(page.get_by_text("1 chèque #APTIC")).to_be_visible()
    expect(page.get_by_text("déclarer ses ressources")).to_be_visible()

    page.go_back()
    expect(page.get_by_label("Rechercher un service")).to_have_value("demarch")
    expect(page.locator("#catalogue-results").get_by_text("8 services correspondent à « demarch ».")).to_be_visible()


def test_on_a_phone_a_service_page_shows_the_qualified_lieux_nearby(phone, demo_data):
    phone.goto("/catalogue/")
    phone.get_by_label("Rechercher un service").press_sequentially("espace sante", delay=40)
    phone.locator("#catalogue-results").get_by_role("link", name="Activer et utiliser Mon Espace Santé").click()
    phone.get_by_role("heading", level=1, name="Activer et utiliser Mon Espace Santé").wait_for()
    lieux = phone.get_by_test_id("lieux")
    expect(lieux).to_contain_text("Maison des services d'Allanche — Allanche (15)")
    expect(lieux).to_contain_text("Espace numérique de la Croix-Rousse — Lyon (69)")
    # Nothing sticks out sideways on a 390 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
