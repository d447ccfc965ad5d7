"""The admin's part of the access matrix: what each staff role may see, add and change, model by model.

The table below is the cooperative's intent, written by hand: a permission granted by mistake (or a new
model registered without an entry) fails the test. Other people never reach the admin at all.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.access.test_matrix import SF, SQ, SS
from tests.access.world import build_world
from tests.factories import UserFactory, member, totp_enrol

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"

# model -> {role: rights}: "v" view, "a" add, "c" change (a change page that saves). No entry: nothing.
RIGHTS: dict[str, dict[str, str]] = {
    "account.emailaddress": {},
    "mfa.authenticator": {},
    "auth.group": {},
    "accounts.user": {SS: "vc"},  # names only: rights, password and address are a superuser's (test_staff_admin)
    "accounts.organisation": {SS: "vc", SQ: "v", SF: "v"},
    "accounts.apikey": {SS: "v"},
    "accounts.auditevent": {SS: "v", SQ: "v", SF: "v"},
    "accounts.historyentry": {SS: "v", SQ: "v", SF: "v"},
    "cheques.carnet": {SF: "v", SS: "v"},
    "cheques.cheque": {SF: "v", SS: "v"},
    "cheques.feerates": {SF: "vac", SS: "v"},
    "cheques.invoice": {SF: "v", SS: "v"},
    "cheques.order": {SF: "v", SS: "v"},
    "cheques.payment": {SF: "v"},
    "ledger.account": {},
    "ledger.transaction": {},
    "qualification.application": {SQ: "vac", SS: "v"},
    "qualification.lieu": {SQ: "vac", SS: "v", SF: "v"},
    "qualification.mediateur": {SQ: "vac", SS: "v"},
    "qualification.mediateurqualification": {SQ: "vac"},
    "qualification.qualification": {SQ: "vac", SS: "v", SF: "v"},
    "referentiel.category": {SQ: "vac", SS: "v", SF: "v"},
    "referentiel.format": {SQ: "v"},
    "referentiel.public": {SQ: "v"},
    "referentiel.service": {SQ: "vac", SS: "v", SF: "v"},
    "referentiel.standardservice": {SQ: "v"},
    "referentiel.version": {SQ: "vac", SS: "v", SF: "v"},
    "settlement.bankaccount": {SF: "v", SS: "v"},
    "settlement.mutationsconsent": {SF: "v", SS: "v"},
    "settlement.payout": {SF: "v", SS: "v"},
    "settlement.settlementrun": {SF: "vc", SS: "v"},
    "territories.commune": {},
    "territories.departement": {},
    "territories.region": {},
}


def test_every_registered_model_has_an_entry():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert sorted(registered - set(RIGHTS)) == [], "models in the admin without an entry in RIGHTS"
    assert sorted(set(RIGHTS) - registered) == [], "entries of RIGHTS no longer in the admin"


def _expected(rights: str, page: str, role: str) -> set[int]:
    if role == SUPERUSER:
        rights = "vac"
    if page == "changelist":
        return {200} if ("v" in rights or "c" in rights) else {403}
    if page == "add":
        # A model the admin never adds by hand (keys, audit, journal…) refuses everyone, superusers included.
        return {200} if "a" in rights else {403}
    return {200} if ("v" in rights or "c" in rights) else {403, 302}


def test_staff_reach_in_the_admin_what_their_role_allows():
    world = build_world()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(superuser)
    people = {**world.staff, SUPERUSER: superuser}
    mismatches = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        info = (model._meta.app_label, model._meta.model_name)
        instance = model._default_manager.order_by("pk").first()
        for role, user in people.items():
            client = Client()
            client.force_login(user)
            rights = RIGHTS[label].get(role, "")
            pages = {"changelist": reverse("admin:{}_{}_changelist".format(*info))}
            pages["add"] = reverse("admin:{}_{}_add".format(*info))
            if instance is not None:
                pages["change"] = reverse("admin:{}_{}_change".format(*info), args=[instance.pk])
            for page, path in pages.items():
                want = _expected(rights, page, role)
                if page == "add" and not model_admin.has_add_permission(_request_for(superuser)):
                    want = {403}
                status = client.get(path).status_code
                if status not in want:
                    mismatches.append(f"{label} {page} as {role}: {status}, expected {sorted(want)}")
    assert mismatches == [], "\n".join(mismatches)


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("who", ["anonymous", "funder_admin", "structure_admin"])
def test_nobody_but_staff_reaches_the_admin(client, who):
    if who != "anonymous":
        user = member()
        client.force_login(user)
    for path in ("/admin/", "/admin/cheques/order/", "/admin/accounts/user/", "/admin/settlement/settlementrun/"):
        response = client.get(path)
        assert response.status_code == 302 and "login" in response["Location"], path
