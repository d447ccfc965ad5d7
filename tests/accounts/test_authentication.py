import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _login(client, user):
    return client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})


def test_a_person_resets_a_forgotten_password_by_email(client, mailoutbox):
    user = UserFactory()
    client.post("/comptes/password/reset/", {"email": user.email})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    assert "#APTIC" in mailoutbox[0].subject and "testserver" not in mailoutbox[0].body.split("\n")[0]
    link = re.search(r"https?://testserver(/comptes/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key into the session, then shows the form
    response = client.post(
        form_url, {"password1": "un-nouveau-mot-de-passe-2026", "password2": "un-nouveau-mot-de-passe-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-nouveau-mot-de-passe-2026")


def test_an_unverified_address_cannot_log_in_until_confirmed(client, mailoutbox):
    response = client.post(
        "/comptes/signup/",
        {"email": "nouvelle@exemple.test", "password1": "Cheque-Aptic-2026!", "password2": "Cheque-Aptic-2026!"},
    )
    assert response.status_code == 302 and "confirm-email" in response.url
    assert "Confirmez" in mailoutbox[0].subject or "Confirm" in mailoutbox[0].subject
    assert client.get("/espace/").status_code == 302  # not logged in yet


@pytest.mark.ignore_template_errors  # allauth's own field element reads an optional `attrs.errors`
def test_totp_two_factor_authentication_can_be_activated_and_is_then_required(client):
    user = UserFactory()
    _login(client, user)
    assert client.get("/comptes/2fa/totp/activate/").url.startswith("/comptes/reauthenticate/")
    client.post("/comptes/reauthenticate/", {"password": PASSWORD})  # sensitive: the password again
    client.get("/comptes/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/comptes/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = _login(client, user)
    assert response.url == "/comptes/2fa/authenticate/"
    assert client.get("/espace/").status_code == 302  # the password alone is not enough
    response = client.post("/comptes/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/espace/").status_code == 200
