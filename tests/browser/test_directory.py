"""A beneficiary finds a qualified lieu near a postcode, on a computer and on a phone, and opens its page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from tests.browser.conftest import login
from tests.qualification.conftest import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tiles_unreachable(settings, live_server):
    """A tile server that answers nothing but 404: the markers must show all the same."""
    settings.MAP_TILES_URL = f"{live_server.url}/tuiles-absentes/{{z}}/{{x}}/{{y}}.png"


def only_this_server(page, live_server):
    """No request leaves the test server (no tile server, no CDN)."""
    page.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())


def test_a_postcode_search_finds_the_rural_lieu_on_the_map_and_opens_its_page(
    page, live_server, demo_data, tiles_unreachable
):
    only_this_server(page, live_server)
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Annuaire des lieux").click()
    page.get_by_label("Commune ou code postal").fill("15160")
    page.get_by_role("button", name="Rechercher").click()

    expect(page.get_by_test_id("directory-count")).to_contain_text("1 lieu qualifié à moins de 20 km de 15160")
    results = page.get_by_test_id("lieux-list")
    expect(results.get_by_role("link")).to_have_text(["Maison des services d'Allanche"])
    expect(page.get_by_test_id("lieux-map").locator("path.lieu-marker")).to_have_count(1)

    results.get_by_role("link", name="Maison des services d'Allanche").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maison des services d'Allanche")
    expect(page.get_by_test_id("lieu-address")).to_contain_text("15160 Allanche")
    expect(page.get_by_test_id("opening-hours")).to_contain_text("Le lundi et le jeudi")
    expect(page.get_by_test_id("opening-hours")).to_contain_text("de 9 h à 12 h")
    expect(page.get_by_test_id("lieux-map").locator("path.lieu-marker")).to_have_count(1)


def test_on_a_phone_the_commune_is_suggested_and_the_lyon_lieux_are_on_the_map(phone, live_server, demo_data):
    only_this_server(phone, live_server)
    phone.goto("/lieux/")
    field = phone.get_by_label("Commune ou code postal")
    field.fill("lyo")
    expect(phone.locator("#commune-suggestions option").first).to_have_attribute("value", "Lyon (69)")
    field.fill("Lyon (69)")
    phone.get_by_label("Distance").select_option("5")
    phone.get_by_role("button", name="Rechercher").click()

    expect(phone.get_by_test_id("directory-count")).to_contain_text("2 lieux qualifiés à moins de 5 km de Lyon (69)")
    expect(phone.get_by_test_id("lieux-map").locator("path.lieu-marker")).to_have_count(2)
    expect(phone.get_by_test_id("distance").first).to_contain_text("km")
    # Nothing overflows the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_import_real_places_in_the_admin_and_read_the_report(page, live_server, demo_data):
    login(page, "qualification@demo.aptic.test", PASSWORD)
    page.goto("/admin/qualification/lieu/")
    page.get_by_role("link", name="Importer des lieux (standard national)").click()
    page.get_by_label("Fichier (CSV ou JSON)").set_input_files(FIXTURES / "lieux-v0-sample.csv")
    page.get_by_role("button", name="Importer").click()

    expect(page.get_by_test_id("import-summary")).to_have_text(
        "19 lignes lues : 16 lieux créés, 0 mis à jour, 3 lignes refusées."
    )
    expect(page.get_by_test_id("refused-rows")).to_contain_text("commune inconnue : « PUYRICARD »")
