"""A curious support agent, logged in for real (password and second factor), tries to widen rights through
the admin: every form, hand-crafted POST, password page, group page and bulk action is refused and changes
nothing. A superuser's change of rights is recorded and e-mailed to the person."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group, Permission

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import AuditEvent, Membership, User
from tests.factories import OrganisationFactory, UserFactory, member, staff_user, totp_enrol
from tests.utils import form_data, log_in, page_text

pytestmark = pytest.mark.django_db


def rights(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_staff,
        user.is_superuser,
        user.is_active,
        user.email,
        user.password,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
        sorted(user.memberships.values_list("organisation_id", "role")),
    )


def hostile(data: dict, *, groups=(), email: str | None = None) -> dict:
    """What a person could add to a form by hand: every right there is."""
    return {
        **data,
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [str(group.pk) for group in groups],
        "user_permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)[:20]],
        "password": "md5$forged$0123456789abcdef",
        "password1": "un-mot-de-passe-choisi-2026",
        "password2": "un-mot-de-passe-choisi-2026",
        **({"email": email} if email else {}),
    }


def user_url(user: User, page: str = "change") -> str:
    return f"/admin/accounts/user/{user.pk}/{page}/"


@pytest.fixture
def support(client):
    user = staff_user(StaffRole.SUPPORT)
    log_in(client, user)
    return user


@pytest.fixture
def finance2():
    return staff_user(StaffRole.FINANCE, email="finance2@exemple.test")


def test_support_cannot_grant_itself_superuser_or_a_role(client, support):
    before = rights(support)
    finance = Group.objects.get(name=StaffRole.FINANCE)
    page = client.get(user_url(support))
    assert page.status_code == 200 and "Enregistrer" not in page_text(page)  # its own account: read-only
    data = hostile({"email": support.email, "first_name": "Sarah", "last_name": "Petit"}, groups=[finance])
    assert client.post(user_url(support), data).status_code == 403
    assert rights(support) == before


def test_support_edits_a_persons_name_but_never_their_rights_or_address(client, support):
    person = UserFactory()
    before = rights(person)
    data = form_data(client.get(user_url(person)), "user_form")
    data["first_name"] = ["Camille-Marie"]
    finance = Group.objects.get(name=StaffRole.FINANCE)
    response = client.post(user_url(person), hostile(data, groups=[finance], email="support-prend@exemple.test"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "Camille-Marie"
    assert rights(person) == before  # staff flags, groups, permissions, password, e-mail: all unchanged


def test_support_cannot_change_another_staff_member(client, support, finance2):
    before = rights(finance2)
    data = {"email": "support@exemple.test", "first_name": "Faux", "last_name": "Finance", "is_active": ""}
    assert client.post(user_url(finance2), data).status_code == 403
    assert client.post(user_url(finance2, "delete"), {"post": "yes"}).status_code == 403
    assert rights(finance2) == before


@pytest.mark.parametrize("target", ["self", "finance2", "person"])
def test_nobody_sets_another_persons_password_in_the_admin(client, support, finance2, target):
    user = {"self": support, "finance2": finance2, "person": UserFactory()}[target]
    before = rights(user)
    assert client.get(user_url(user, "password")).status_code == 403
    data = {
        "password1": "mot-de-passe-impose-2026",
        "password2": "mot-de-passe-impose-2026",
        "usable_password": "true",
    }
    assert client.post(user_url(user, "password"), data).status_code == 403
    assert rights(user) == before


def test_not_even_a_superuser_sets_a_password_and_the_form_has_no_link_to_it(client, finance2):
    root = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(root)
    log_in(client, root)
    before = rights(finance2)
    page = client.get(user_url(finance2))
    assert page.status_code == 200 and "/password/" not in page.content.decode()
    data = {"password1": "mot-de-passe-impose-2026", "password2": "mot-de-passe-impose-2026"}
    assert client.post(user_url(finance2, "password"), data).status_code == 403
    assert rights(finance2) == before


def test_support_cannot_see_or_change_groups_and_their_permissions(client, support):
    finance = Group.objects.get(name=StaffRole.FINANCE)
    permissions_before = sorted(finance.permissions.values_list("pk", flat=True))
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403
    assert client.post("/admin/auth/group/add/", {"name": "pirates", "permissions": ["1", "2"]}).status_code == 403
    data = {
        "name": StaffRole.SUPPORT,
        "permissions": [str(pk) for pk in Permission.objects.values_list("pk", flat=True)],
    }
    support_group = Group.objects.get(name=StaffRole.SUPPORT)
    support_before = sorted(support_group.permissions.values_list("pk", flat=True))
    assert client.post(f"/admin/auth/group/{support_group.pk}/change/", data).status_code == 403
    assert client.post(f"/admin/auth/group/{finance.pk}/delete/", {"post": "yes"}).status_code == 403
    assert sorted(support_group.permissions.values_list("pk", flat=True)) == support_before
    assert sorted(finance.permissions.values_list("pk", flat=True)) == permissions_before
    assert not Group.objects.filter(name="pirates").exists()
    assert client.get("/admin/auth/permission/").status_code == 404  # never registered


def test_support_cannot_add_people_nor_use_bulk_actions_on_staff(client, support, finance2):
    assert client.post("/admin/accounts/user/add/", {"email": "nouveau@exemple.test"}).status_code == 403
    assert not User.objects.filter(email="nouveau@exemple.test").exists()
    client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [finance2.pk], "post": "yes"}
    )
    assert User.objects.filter(pk=finance2.pk).exists()

    address = EmailAddress.objects.get(user=finance2)
    action = {"action": "make_verified", "_selected_action": [address.pk]}
    assert client.post("/admin/account/emailaddress/", action).status_code == 403
    changed = {"user": support.pk, "email": "finance2@exemple.test", "verified": "on", "primary": "on"}
    assert client.post(f"/admin/account/emailaddress/{address.pk}/change/", changed).status_code == 403
    assert EmailAddress.objects.get(pk=address.pk).user == finance2

    authenticator = Authenticator.objects.get(user=finance2)
    assert client.get("/admin/mfa/authenticator/").status_code == 403
    assert client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_support_cannot_tie_a_staff_account_to_an_organisation(client, support):
    structure = OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    url = f"/admin/accounts/organisation/{structure.pk}/change/"
    data = form_data(client.get(url), "organisation_form")
    data.update(
        {
            "memberships-TOTAL_FORMS": ["1"],
            "memberships-0-user": [str(support.pk)],
            "memberships-0-role": [MembershipRole.ADMIN],
            "memberships-0-created_at_0": data["memberships-__prefix__-created_at_0"],
            "memberships-0-created_at_1": data["memberships-__prefix__-created_at_1"],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Seul un super-administrateur peut rattacher une personne de l'équipe" in page_text(response)
    assert not Membership.objects.filter(user=support).exists()

    # Helping an organisation with its people is support's work.
    person = UserFactory()
    data["memberships-0-user"] = [str(person.pk)]
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get(user=person).role == MembershipRole.ADMIN


@pytest.mark.parametrize("role", StaffRole.values)
def test_no_staff_role_reaches_what_holds_rights(client, role):
    user = staff_user(role)
    log_in(client, user)
    before = rights(user)
    assert client.post(user_url(user), hostile({"email": user.email})).status_code == 403
    for url in ("/admin/auth/group/", "/admin/mfa/authenticator/", "/admin/account/emailaddress/"):
        assert client.get(url).status_code == 403, url
    assert rights(user) == before


def test_only_users_and_groups_hold_rights_in_any_registered_admin():
    """A new admin whose model links to groups or permissions would be a new way to widen rights."""
    holders = {
        model._meta.label
        for model in admin.site._registry
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model in (Group, Permission)
    }
    assert holders == {"accounts.User", "auth.Group"}


def test_a_superusers_change_of_rights_is_audited_and_emailed(client, mailoutbox, django_capture_on_commit_callbacks):
    root = UserFactory(is_staff=True, is_superuser=True, email="secours@exemple.test")
    totp_enrol(root)
    log_in(client, root)
    person = member(OrganisationKind.COMMANDITAIRE)
    data = form_data(client.get(user_url(person)), "user_form")
    data["is_staff"] = ["on"]
    data["groups"] = [str(Group.objects.get(name=StaffRole.FINANCE).pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(user_url(person), data).status_code == 302
    person.refresh_from_db()
    assert person.is_staff and list(person.groups.values_list("name", flat=True)) == [StaffRole.FINANCE]
    event = AuditEvent.objects.get(action="accounts.staff_rights.changed", target_id=str(person.pk))
    assert event.actor == root and event.data["via"] == "admin"
    assert event.data["before"]["groups"] == [] and event.data["after"]["groups"] == [StaffRole.FINANCE]
    [mail] = mailoutbox
    assert mail.to == [person.email] and "Vos droits d'accès" in mail.subject
    assert "Rôles : Finance" in mail.body and "secours@exemple.test" in mail.body

    # Saving the page again without a change of rights records nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(user_url(person), form_data(client.get(user_url(person)), "user_form"))
    assert AuditEvent.objects.filter(action="accounts.staff_rights.changed").count() == 1
    assert len(mailoutbox) == 1
