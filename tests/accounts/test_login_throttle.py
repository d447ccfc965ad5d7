"""A stranger hammering someone's account cannot lock its owner out (DESIGN §4: a limit meant for attackers
never becomes a switch that attackers can flip to stop everyone else)."""

import re

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _login(client, email: str, password: str, ip: str):
    return client.post("/comptes/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_failures_from_one_address_do_not_lock_the_owner_out_from_theirs(client):
    owner = UserFactory()
    for _attempt in range(5):
        response = _login(client, owner.email, "pas-le-bon-mot-de-passe", ATTACKER)
        assert response.status_code == 200 and "sont incorrects" in page_text(response)
    # From the attacker's address, even the right password is refused now, with a French message and 429.
    for password in ("encore-un-essai", PASSWORD):
        response = _login(client, owner.email, password, ATTACKER)
        assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 5 * 60
        text = page_text(response)
        assert "Trop de mots de passe erronés pour ce compte depuis votre connexion" in text
        assert re.search(r"réessayez dans \d+ minute\(s\)", text) and "Mot de passe oublié" in text
    assert client.get("/espace/").status_code == 302

    # The owner, from their own address, logs in.
    response = _login(client, owner.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.get("/espace/").status_code == 200


def test_one_address_trying_many_accounts_is_stopped(client):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        for _attempt in range(4):
            assert _login(client, person.email, "mauvais", ATTACKER).status_code == 200
    response = _login(client, UserFactory().email, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées depuis votre connexion" in page_text(response)
    assert _login(client, people[0].email, PASSWORD, OWNER).status_code == 302


def test_a_wrong_password_at_reauthentication_counts_too(client):
    user = UserFactory()
    assert _login(client, user.email, PASSWORD, OWNER).status_code == 302
    for _attempt in range(5):
        client.post("/comptes/reauthenticate/", {"password": "pas-le-bon"}, REMOTE_ADDR=OWNER)
    response = client.post("/comptes/reauthenticate/", {"password": PASSWORD}, REMOTE_ADDR=OWNER)
    assert response.status_code == 429 and "Trop de mots de passe erronés" in page_text(response)


def test_allauths_own_limits_answer_in_french(client):
    for _attempt in range(20):
        client.post("/comptes/signup/", {"email": "pas-une-adresse"}, REMOTE_ADDR=ATTACKER)
    response = client.post("/comptes/signup/", {"email": "pas-une-adresse"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429 and "patientez une minute avant de réessayer" in page_text(response)
