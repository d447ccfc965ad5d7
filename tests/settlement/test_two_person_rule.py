"""The reviewer's attack, replayed: a support agent tried to become finance and to act as finance2, so as to
review and approve a settlement run alone. Every step is refused; the run still needs two finance people."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from accounts.enums import StaffRole
from accounts.models import User
from settlement.enums import RunStatus
from settlement.services import runs
from tests.factories import PASSWORD, staff_user
from tests.settlement.helpers import OCTOBER, redeemed, verified_account
from tests.utils import log_in, page_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _action(client, run, action):
    return client.post(f"/admin/settlement/settlementrun/{run.pk}/action/{action}/")


def test_support_can_neither_become_finance_nor_act_as_finance2(client, mailoutbox):
    lieu, _redemptions = redeemed([1, 2])
    verified_account(lieu.structure)
    run = runs.settlement_compute(period=OCTOBER)
    finance, finance2 = staff_user(StaffRole.FINANCE), staff_user(StaffRole.FINANCE)
    support = staff_user(StaffRole.SUPPORT)
    log_in(client, support)

    # 1. Grant itself superuser and the finance group: refused, nothing changes.
    group = Group.objects.get(name=StaffRole.FINANCE)
    forged = {"email": support.email, "is_staff": "on", "is_superuser": "on", "groups": [group.pk]}
    assert client.post(f"/admin/accounts/user/{support.pk}/change/", forged).status_code == 403
    support.refresh_from_db()
    assert not support.is_superuser and not support.groups.filter(name=StaffRole.FINANCE).exists()

    # 2. Review the run as itself: not finance, refused.
    assert _action(client, run, "verifier").status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED and run.reviewed_by is None

    # 3. Take over finance2: set their password, change their address, remove their second factor.
    hash_before = finance2.password
    new_password = {"password1": "repris-par-le-support-2026", "password2": "repris-par-le-support-2026"}
    assert client.post(f"/admin/accounts/user/{finance2.pk}/password/", new_password).status_code == 403
    assert client.post(f"/admin/accounts/user/{finance2.pk}/change/", {"email": support.email}).status_code == 403
    authenticator = finance2.authenticator_set.get()
    assert client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}).status_code == 403
    finance2.refresh_from_db()
    assert finance2.password == hash_before and finance2.email != support.email
    assert finance2.authenticator_set.exists()

    # A password reset asked for finance2 goes to finance2's own mailbox, never to support's.
    client.post("/comptes/password/reset/", {"email": finance2.email})
    assert [mail.to for mail in mailoutbox] == [[finance2.email]]

    # Even knowing finance2's password, support lacks their second factor.
    other = Client()
    response = other.post("/comptes/login/", {"login": finance2.email, "password": PASSWORD})
    assert response.url == "/comptes/2fa/authenticate/"
    assert other.post(response.url, {"code": "123456"}).status_code == 200
    assert other.get(f"/admin/settlement/settlementrun/{run.pk}/change/").status_code == 302  # not logged in

    # The run still takes two different finance people.
    first, second = Client(), Client()
    log_in(first, finance)
    log_in(second, finance2)
    _action(first, run, "verifier")
    response = first.post(f"/admin/settlement/settlementrun/{run.pk}/action/approuver/", follow=True)
    assert "L'approbation doit venir d'une autre personne" in page_text(response)
    _action(second, run, "approuver")
    run.refresh_from_db()
    assert (run.status, run.reviewed_by, run.approved_by) == (RunStatus.APPROVED, finance, finance2)
    assert not User.objects.filter(pk=support.pk, is_superuser=True).exists()
