import pytest
from django.urls import reverse

from accounts.access import access_for_user
from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member, staff_user
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_access_knows_the_organisation_kind_and_role():
    user = member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR)
    access = access_for_user(user)
    assert access.is_structure and access.is_mediateur and not access.is_organisation_admin
    assert access.role_label == "Médiateur"
    assert not access.is_staff and access.staff_roles == frozenset()


def test_a_member_of_two_organisations_acts_for_the_chosen_one(client):
    user = member(OrganisationKind.COMMANDITAIRE)
    other = OrganisationFactory(distributeur=True, name="Zeta distribution")
    MembershipFactory(user=user, organisation=other, role=MembershipRole.MEMBER)
    assert access_for_user(user, other.pk).organisation == other
    # An organisation id the user does not belong to falls back to their own.
    stranger = OrganisationFactory(name="Autre")
    assert access_for_user(user, stranger.pk).organisation != stranger

    client.force_login(user)
    response = client.post(reverse("organisation-switch"), {"organisation": other.pk}, follow=True)
    assert response.context["access"].organisation == other
    assert "Espace distributeur" in page_text(response)

    response = client.post(reverse("organisation-switch"), {"organisation": stranger.pk}, follow=True)
    assert "Vous n'êtes pas membre de cette organisation." in page_text(response)
    assert response.context["access"].organisation == other


def test_staff_roles_come_from_groups_and_only_for_staff():
    finance = staff_user(StaffRole.FINANCE)
    access = access_for_user(finance)
    assert access.has_staff_role(StaffRole.FINANCE) and not access.has_staff_role(StaffRole.QUALIFICATION)
    not_staff = UserFactory()
    not_staff.groups.add(*finance.groups.all())
    assert access_for_user(not_staff).staff_roles == frozenset()


def test_staff_groups_carry_admin_permissions():
    finance = staff_user(StaffRole.FINANCE)
    assert finance.has_perm("cheques.change_feerates")
    support = staff_user(StaffRole.SUPPORT)
    assert support.has_perm("accounts.view_organisation") and not support.has_perm("cheques.change_feerates")


def test_a_person_without_organisation_can_declare_one(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert "Déclarer mon organisation" in page_text(response)
    response = client.post(
        reverse("organisation-create"),
        {
            "kind": OrganisationKind.STRUCTURE,
            "name": "Tiers-lieu des Possibles",
            "siret": "90000004300001",
            "address": "",
            "postcode": "",
            "city": "",
            "email": "",
            "phone": "",
        },
        follow=True,
    )
    assert "Espace structure — Tiers-lieu des Possibles" in page_text(response)
    assert access_for_user(user).is_organisation_admin
    assert AuditEvent.objects.filter(action="accounts.organisation.created", actor=user).exists()


def test_an_invalid_siret_is_refused_with_a_clear_message(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("organisation-create"), {"kind": "commanditaire", "name": "X", "siret": "12345678901234"}
    )
    assert response.status_code == 200
    assert "Ce numéro SIRET n'est pas valide" in page_text(response)
