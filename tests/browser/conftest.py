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


# Every page of every browser test reports what the Content-Security-Policy blocked (an inline script, style or
# event handler, a resource from elsewhere): the browser fires `securitypolicyviolation`, this script logs it.
CSP_PREFIX = "CSP violation:"
_CSP_WATCH = """
window.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline code")
    + " in " + event.sourceFile + ":" + event.lineNumber + " (" + document.location.pathname + ")");
}, true);
"""


def watch_csp(context) -> list[str]:
    """The CSP violations the pages of ``context`` will report (a list that fills as they happen)."""
    violations: list[str] = []
    context.add_init_script(_CSP_WATCH)
    context.on("console", lambda message: message.text.startswith(CSP_PREFIX) and violations.append(message.text))
    return violations


def assert_no_csp_violation(violations: list[str]) -> None:
    assert not violations, "the Content-Security-Policy blocked:\n" + "\n".join(violations)


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert_no_csp_violation(violations)


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
    violations = watch_csp(context)
    page = context.new_page()
    yield page
    context.close()
    assert_no_csp_violation(violations)


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
