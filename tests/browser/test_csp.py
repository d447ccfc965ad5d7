"""The Content-Security-Policy (no inline script, style or event handler) breaks no page.

Every browser test fails on a CSP violation (tests/browser/conftest.py); this one walks the main pages of each
kind of person — and checks what used to be inline code: confirmations, the choices that submit themselves,
the QR code's link to the balance page, the map, HTMX, the admin and the API documentation."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from accounts.models import ApiKey
from cheques.models import Order
from qualification.models import Lieu
from tests.browser.conftest import login, watch_csp
from tests.browser.test_cheques import demo_codes

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/mon-carnet/",
    "/lieux/",
    "/lieux/?q=15160",
    "/catalogue/",
    "/comptes/login/",
    "/comptes/signup/",
]
LEGAL_PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"]


def _visit(page, paths):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")


def test_the_watch_catches_what_the_policy_blocks(chromium, live_server):
    """The watch every browser test relies on does see a violation (so that its silence means something)."""
    context = chromium.new_context(base_url=live_server.url)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/")
    page.evaluate("document.body.appendChild(document.createElement('script')).textContent = 'window.x = 1'")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    context.close()
    assert any("script-src" in violation for violation in violations)
    assert any("style-src" in violation for violation in violations)


def test_public_pages_the_map_htmx_and_the_qr_code_link(page, live_server, demo_data):
    _visit(page, PUBLIC_PAGES + LEGAL_PAGES)
    page.goto(f"/lieux/{Lieu.objects.filter(name__contains='Allanche').get().pk}/")
    expect(page.get_by_test_id("lieux-map").locator("path.lieu-marker")).to_have_count(1)  # Leaflet drew it
    page.goto("/catalogue/")
    page.get_by_role("searchbox").fill("smartphone")  # HTMX updates the results
    expect(page.locator("#catalogue-results")).to_contain_text("martphone")
    row = demo_codes()[0]
    page.goto(row["qr_url"].replace(settings.SITE_URL, live_server.url))  # the QR code's fragment, read by a file
    expect(page.get_by_test_id("balance")).to_contain_text("10 chèques disponibles")
    page.goto("/")
    page.get_by_label("Langue").select_option("en")  # a choice that submits itself
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=20_000)
    page.wait_for_load_state()  # the page's scripts are there
    page.get_by_label("Language").select_option("fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr", timeout=20_000)


def test_the_api_documentation(page):
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API #APTIC", timeout=30_000)
    page.get_by_text("/api/v1/balance/").first.wait_for()


def test_a_confirmation_protects_an_irreversible_action(page, demo_data):
    login(page, "structure@demo.aptic.test", PASSWORD)
    page.goto("/espace/cles-api/")
    page.get_by_label("Nom de la clé").fill("Logiciel de caisse")
    page.get_by_role("button", name="Créer la clé").click()
    page.get_by_test_id("new-api-key").wait_for()
    messages = []

    def answer(dialog, accept: bool):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Révoquer").click()
    page.wait_for_timeout(300)
    assert messages == ["Révoquer cette clé ? Les logiciels qui l’utilisent perdront l’accès immédiatement."]
    assert ApiKey.objects.get(name="Logiciel de caisse").revoked_at is None  # "Annuler" changed nothing
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_text("Révoquée le")).to_be_visible()
    assert ApiKey.objects.get(name="Logiciel de caisse").revoked_at is not None
    # A structure admin of two structures switches with a choice that submits itself.
    page.get_by_label("Agir pour").select_option(label="Numérique en Cézallier (démo)")
    expect(page.get_by_test_id("who-org")).to_contain_text("Numérique en Cézallier (démo)")
    _visit(page, ["/espace/", "/espace/qualification/", "/espace/contrepaiements/", "/espace/coordonnees-bancaires/"])


def test_the_pages_of_funders_distributors_and_mediateurs(page, demo_data):
    login(page, "commanditaire@demo.aptic.test", PASSWORD)
    _visit(page, ["/espace/", "/espace/commandes/", "/espace/distribution/", "/espace/cheques/"])
    page.goto("/espace/commandes/simulation/")
    page.locator("input[name=quantity]").fill("30")  # HTMX prices the order as it is typed
    expect(page.locator("#price")).to_contain_text("€")
    order = Order.objects.filter(funder__name__startswith="Région").first()
    _visit(page, [f"/espace/commandes/{order.pk}/"])
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "distributeur@demo.aptic.test", PASSWORD)
    _visit(page, ["/espace/", "/espace/carnets/"])
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "mediateur@demo.aptic.test", PASSWORD)
    _visit(page, ["/espace/", "/guichet/", "/espace/validations/"])


def test_the_staff_pages_and_the_admin(page, demo_data):
    login(page, "finance@demo.aptic.test", PASSWORD)
    _visit(
        page,
        [
            "/espace/",
            "/equipe/contrepaiements/",
            "/equipe/comptes-bancaires/",
            "/admin/",
            "/admin/cheques/order/",
            "/admin/cheques/order/virement/",
            "/admin/settlement/settlementrun/",
            "/admin/accounts/auditevent/",
        ],
    )
    page.goto(f"/admin/cheques/order/{Order.objects.first().pk}/change/")
    expect(page.locator("#content h2").first).to_be_visible()
    page.goto("/espace/")
    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "qualification@demo.aptic.test", PASSWORD)
    _visit(page, ["/equipe/candidatures/", "/equipe/qualifications/", "/admin/referentiel/version/"])
