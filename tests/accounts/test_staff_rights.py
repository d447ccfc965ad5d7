"""Staff rights change only through a superuser or a management command, each change audited and e-mailed."""

import re
from io import StringIO

import pytest
from allauth.mfa.utils import decrypt
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.demo import TOTP_SECRETS
from accounts.enums import StaffRole
from accounts.models import AuditEvent, User
from accounts.staff_rights import staff_role_grant
from aptic.errors import BusinessError
from tests.factories import UserFactory, staff_user
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_role_is_granted_and_revoked_by_command_audited_and_emailed(mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(email="nouvelle.recrue@exemple.test")
    with django_capture_on_commit_callbacks(execute=True):
        _run("staff_role", "grant", "Nouvelle.Recrue@exemple.test", StaffRole.FINANCE)
    person.refresh_from_db()
    assert person.is_staff and list(person.groups.values_list("name", flat=True)) == [StaffRole.FINANCE]
    with django_capture_on_commit_callbacks(execute=True):
        assert "Nothing to change" in _run("staff_role", "grant", person.email, StaffRole.FINANCE)
        _run("staff_role", "revoke", person.email, StaffRole.FINANCE)
    person.refresh_from_db()
    assert not person.is_staff and not person.groups.exists()  # no role left: no longer staff

    events = AuditEvent.objects.filter(action="accounts.staff_rights.changed", target_id=str(person.pk))
    assert [(e.actor, e.data["via"]) for e in events.order_by("id")] == [
        (None, "manage.py staff_role grant"),
        (None, "manage.py staff_role revoke"),
    ]
    assert [mail.to for mail in mailoutbox] == [[person.email], [person.email]]
    assert "Rôles : Finance" in mailoutbox[0].body and "une commande d'administration du serveur" in mailoutbox[0].body
    assert "Rôles : aucun" in mailoutbox[1].body


def test_the_command_refuses_an_unknown_person_or_role():
    with pytest.raises(CommandError, match="No account"):
        _run("staff_role", "grant", "personne@nulle-part.test", StaffRole.SUPPORT)
    with pytest.raises(CommandError):
        _run("staff_role", "grant", UserFactory().email, "superuser")


def test_a_staff_member_cannot_use_the_service_to_widen_rights():
    support = staff_user(StaffRole.SUPPORT)
    with pytest.raises(BusinessError) as refused:
        staff_role_grant(user=support, role=StaffRole.FINANCE, by=support, via="admin")
    assert refused.value.code == "forbidden"
    assert list(support.groups.values_list("name", flat=True)) == [StaffRole.SUPPORT]
    assert not AuditEvent.objects.filter(action="accounts.staff_rights.changed").exists()


def test_the_break_glass_superuser_logs_in_with_the_printed_password_then_must_enrol(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = _run("breakglass_superuser", "secours@exemple.test")
    password = re.search(r"Password \(shown once, keep it sealed\): (\S+)", out).group(1)
    user = User.objects.get(email="secours@exemple.test")
    assert user.is_superuser and user.is_staff and user.check_password(password)
    assert mailoutbox[0].to == [user.email] and "Super-administrateur (compte de secours) : oui" in mailoutbox[0].body
    assert AuditEvent.objects.get(action="accounts.staff_rights.changed").data["after"]["is_superuser"] is True

    response = client.post("/comptes/login/", {"login": user.email, "password": password})
    assert response.status_code == 302
    assert client.get("/admin/").url.startswith("/comptes/2fa/totp/activate/")

    with pytest.raises(CommandError, match="existe déjà"):
        _run("breakglass_superuser", "secours@exemple.test")
    with django_capture_on_commit_callbacks(execute=True):
        _run("breakglass_superuser", "secours@exemple.test", "--revoke")
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff and len(mailoutbox) == 2


def test_demo_totp_prints_the_code_the_login_accepts(client, demo_data):
    with override_settings(DEBUG=True):
        code = _run("demo_totp", "support@demo.aptic.test").strip()
    assert re.fullmatch(r"\d{6}", code)
    user = User.objects.get(email="support@demo.aptic.test")
    assert decrypt(user.authenticator_set.get().data["secret"]) == TOTP_SECRETS[user.email]
    client.post("/comptes/login/", {"login": user.email, "password": "demo-aptic-2026"})
    response = client.post("/comptes/2fa/authenticate/", {"code": code}, follow=True)
    assert "Tableau de bord de l'équipe" in page_text(response)


def test_demo_totp_is_refused_without_debug(demo_data):
    with pytest.raises(CommandError, match="DEBUG=1 only"):
        _run("demo_totp", "support@demo.aptic.test")
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="not a demo login"):
        _run("demo_totp", "commanditaire@demo.aptic.test")


def test_every_demo_staff_login_and_structure_admin_has_a_second_factor(demo_data):
    needing = User.objects.filter(is_staff=True) | User.objects.filter(email="structure@demo.aptic.test")
    assert {user.email for user in needing} == set(TOTP_SECRETS)
    assert all(user.authenticator_set.exists() for user in needing)
