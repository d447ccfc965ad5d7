import pytest
from playwright.sync_api import sync_playwright

from accounts.models import User
from tests.conftest import CHROMIUM
from tests.factories import totp_code

# Chromium as the probe of this workplace starts it: no background traffic to the outside world.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def chromium(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(chromium, live_server):
    """A phone-sized page (most médiateurs validate cheques on their phone)."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, email: str, password: str) -> None:
    """Log in as a person does: the password, then (staff, structure admins who enrolled) the TOTP code."""
    page.goto("/comptes/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    user = User.objects.filter(email=email).first()
    if user is not None and user.check_password(password) and user.authenticator_set.exists():
        page.wait_for_url("**/comptes/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(user))
        page.get_by_role("button", name="Connexion").click()
        page.wait_for_url(lambda url: "/comptes/2fa/" not in url)
