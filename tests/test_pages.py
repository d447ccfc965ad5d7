import pytest
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from tests.factories import member, staff_user
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_the_public_home_page_is_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Le chèque #APTIC paie l'accompagnement au numérique" in page_text(response)


def test_english_is_available(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "The #APTIC cheque pays for digital-skills support" in page_text(response)


def test_the_personal_space_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("kind", "role", "heading"),
    [
        (OrganisationKind.COMMANDITAIRE, MembershipRole.ADMIN, "Espace commanditaire"),
        (OrganisationKind.DISTRIBUTEUR, MembershipRole.ADMIN, "Espace distributeur"),
        (OrganisationKind.STRUCTURE, MembershipRole.ADMIN, "Espace structure"),
        (OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR, "Au guichet"),
    ],
)
def test_each_role_lands_on_its_home_page_with_what_comes_next(client, kind, role, heading):
    user = member(kind, role)
    client.force_login(user)
    text = page_text(client.get(reverse("home")))
    assert heading in text
    assert user.email in text  # the header says who is logged in…
    assert user.memberships.get().organisation.name in text  # …and for which organisation
    assert "Prochaine étape" in text or "Quand une personne vous présente un chèque" in text


@pytest.mark.parametrize("role", StaffRole.values)
def test_staff_land_on_the_team_dashboard_and_reach_the_admin(client, role):
    client.force_login(staff_user(role))
    text = page_text(client.get(reverse("home")))
    assert "Tableau de bord de l'équipe" in text and role in text
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_non_staff_user_cannot_enter_the_admin(client):
    client.force_login(member())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url
