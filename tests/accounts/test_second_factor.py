"""Every staff account, and every structure admin before bank details, uses a second factor; wrong codes are
rate-limited wherever a code is asked, with a French message and 429 + Retry-After."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.services import api_key_create
from settlement.models import BankAccount
from tests.factories import PASSWORD, OrganisationFactory, member, staff_user, totp_code, totp_enrol
from tests.utils import log_in, page_text

pytestmark = pytest.mark.django_db

ENROL = "/comptes/2fa/totp/activate/"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.mark.parametrize("role", StaffRole.values)
@pytest.mark.parametrize("url", ["/admin/", "/equipe/contrepaiements/", "/equipe/candidatures/", "/espace/"])
def test_staff_without_a_second_factor_are_sent_to_enrol_it_first(client, role, url):
    user = staff_user(role, totp=False)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(ENROL)
    # allauth's enrolment (after the password again) is reachable; once enrolled, the page opens.
    enrol = client.get(ENROL)
    assert enrol.status_code == 200 or enrol.url.startswith("/comptes/reauthenticate/")
    totp_enrol(user)
    assert client.get(url).status_code in (200, 403)  # 403: that role does not open that page


def test_a_staff_session_without_second_factor_gets_a_json_refusal_from_the_api(client):
    client.force_login(staff_user(StaffRole.SUPPORT, totp=False))
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_enrolment_required"


def test_api_keys_are_not_concerned(client):
    admin = member(OrganisationKind.STRUCTURE, MembershipRole.ADMIN)
    _key, raw_key = api_key_create(organisation=admin.memberships.get().organisation, name="outil", by=admin)
    assert client.get("/api/v1/me/", headers={"Authorization": f"Api-Key {raw_key}"}).status_code == 200


def test_a_structure_admin_enrols_before_the_bank_details_and_a_mediateur_is_still_refused(client):
    structure = OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("payouts")).status_code == 200  # other pages need no second factor
    assert client.get(reverse("bank-account")).url.startswith(ENROL)
    client.force_login(member(organisation=structure, role=MembershipRole.MEDIATEUR))
    assert client.get(reverse("bank-account")).status_code == 403


@pytest.mark.parametrize("staff", [True, False])
def test_staff_keep_their_second_factor_others_may_remove_theirs(client, staff):
    user = staff_user(StaffRole.FINANCE) if staff else member()
    if not staff:
        totp_enrol(user)
    log_in(client, user)
    client.post("/comptes/reauthenticate/", {"password": PASSWORD})  # allauth asks for the password again
    response = client.post("/comptes/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=user).exists() == staff
    if staff:
        assert "Vous ne pouvez pas désactiver" in page_text(response)


def test_the_admin_login_page_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == "/comptes/login/?next=/admin/"
    client.force_login(member())
    assert client.get("/admin/login/?next=/admin/").status_code == 403  # no redirect loop for a non-staff person


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_codes_at_the_login_stage_are_limited_per_person(client):
    user = staff_user(StaffRole.FINANCE)
    client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    for _attempt in range(5):
        response = client.post("/comptes/2fa/authenticate/", {"code": _wrong(totp_code(user))})
        assert response.status_code == 200
    response = client.post("/comptes/2fa/authenticate/", {"code": totp_code(user)})
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 15 * 60
    assert "Trop de codes de double authentification erronés" in page_text(response)
    assert re.search(r"réessayez dans \d+ minute\(s\)", page_text(response))
    assert client.get("/espace/").status_code == 302  # still not logged in


def test_wrong_codes_are_counted_together_on_every_page_that_asks_for_one(client):
    """Three wrong codes on the IBAN page and two at reauthentication: the next one, anywhere, is refused."""
    structure = OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    totp_enrol(admin)
    log_in(client, admin)
    form = {"holder": "Asso", "iban": IBAN, "bic": ""}
    for _attempt in range(3):
        response = client.post(reverse("bank-account"), {**form, "totp_code": "000000"})
        assert response.status_code == 200 and "incorrect ou déjà utilisé" in page_text(response)
    for _attempt in range(2):
        assert client.post("/comptes/2fa/reauthenticate/", {"code": "000000"}).status_code == 200
    response = client.post(reverse("bank-account"), {**form, "totp_code": totp_code(admin)})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Trop de codes de double authentification erronés" in page_text(response)
    assert not BankAccount.objects.exists()
    response = client.post("/comptes/2fa/reauthenticate/", {"code": totp_code(admin)})
    assert response.status_code == 429 and "Retry-After" in response


def test_thirty_wrong_codes_on_the_iban_page_meet_a_429_from_the_sixth(client):
    structure = OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    totp_enrol(admin)
    log_in(client, admin)
    statuses = [
        client.post(
            reverse("bank-account"), {"holder": "A", "iban": IBAN, "bic": "", "totp_code": f"{n:06d}"}
        ).status_code
        for n in range(30)
    ]
    assert statuses == [200] * 5 + [429] * 25


def test_codes_tried_from_one_address_against_many_people_are_limited_too(client):
    people = [staff_user(StaffRole.SUPPORT) for _ in range(5)]
    for person in people:
        client.post("/comptes/login/", {"login": person.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
        for _attempt in range(4):
            client.post("/comptes/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9")
        client.get("/comptes/logout/")
        client.cookies.clear()
    last = staff_user(StaffRole.SUPPORT)
    client.post("/comptes/login/", {"login": last.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    response = client.post("/comptes/2fa/authenticate/", {"code": totp_code(last)}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    # The same person, from another address, gets in.
    client.cookies.clear()
    log_in(client, last, ip="198.51.100.4")
    assert client.get("/espace/").status_code == 200
