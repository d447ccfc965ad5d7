"""Demo organisations and people. Every login uses the password ``demo-aptic-2026``; staff and structure admins
also have a second factor with a known secret (``manage.py demo_totp EMAIL`` prints its current code)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import Membership, Organisation, User

PASSWORD = "demo-aptic-2026"

ORGANISATIONS = [
    # kind, name, siret, address, postcode, city
    (
        OrganisationKind.COMMANDITAIRE,
        "Région Auvergne-Rhône-Alpes (démo)",
        "90000000100009",
        "1 esplanade François Mitterrand",
        "69002",
        "Lyon",
    ),
    (
        OrganisationKind.DISTRIBUTEUR,
        "CCAS de Saint-Flour (démo)",
        "90000001900001",
        "2 place d'Armes",
        "15100",
        "Saint-Flour",
    ),
    (
        OrganisationKind.STRUCTURE,
        "Les Connecteurs — Lyon (démo)",
        "90000002700004",
        "12 rue d'Austerlitz",
        "69004",
        "Lyon",
    ),
    (
        OrganisationKind.STRUCTURE,
        "Numérique en Cézallier (démo)",
        "90000003500007",
        "Place de l'Église",
        "15160",
        "Allanche",
    ),
]

PEOPLE = [
    # e-mail, first name, last name, organisation, role
    (
        "commanditaire@demo.aptic.test",
        "Claire",
        "Fontaine",
        "Région Auvergne-Rhône-Alpes (démo)",
        MembershipRole.ADMIN,
    ),
    ("distributeur@demo.aptic.test", "Djamel", "Benali", "CCAS de Saint-Flour (démo)", MembershipRole.ADMIN),
    ("structure@demo.aptic.test", "Sophie", "Marchand", "Les Connecteurs — Lyon (démo)", MembershipRole.ADMIN),
    ("structure@demo.aptic.test", "Sophie", "Marchand", "Numérique en Cézallier (démo)", MembershipRole.ADMIN),
    ("mediateur@demo.aptic.test", "Malik", "Diallo", "Les Connecteurs — Lyon (démo)", MembershipRole.MEDIATEUR),
    ("mediateur.rural@demo.aptic.test", "Jeanne", "Vidal", "Numérique en Cézallier (démo)", MembershipRole.MEDIATEUR),
]

STAFF = [
    ("qualification@demo.aptic.test", "Quentin", "Lefebvre", StaffRole.QUALIFICATION),
    ("finance@demo.aptic.test", "Fatima", "Haddad", StaffRole.FINANCE),
    ("finance2@demo.aptic.test", "François", "Garnier", StaffRole.FINANCE),
    ("support@demo.aptic.test", "Sarah", "Petit", StaffRole.SUPPORT),
]


# The TOTP secrets of the demo logins that need a second factor (staff; structure admins, who touch bank
# details). Public, like the demo password: listed in the README, refused with DEBUG off.
TOTP_SECRETS = {
    "qualification@demo.aptic.test": "DEMOAPTICQUALIFICATIONSTAFFXXXXX",
    "finance@demo.aptic.test": "DEMOAPTICFINANCEPREMIERSTAFFXXXX",
    "finance2@demo.aptic.test": "DEMOAPTICFINANCESECONDSTAFFXXXXX",
    "support@demo.aptic.test": "DEMOAPTICSUPPORTSTAFFXXXXXXXXXXX",
    "structure@demo.aptic.test": "DEMOAPTICSTRUCTUREADMINXXXXXXXXX",
}


def _totp(user: User) -> None:
    secret = TOTP_SECRETS.get(user.email)
    if secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


def _user(email: str, first_name: str, last_name: str, *, is_staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff}
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    _totp(user)
    return user


def load(stdout) -> None:
    organisations = {}
    for kind, name, siret, address, postcode, city in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "siret": siret,
                "address": address,
                "postcode": postcode,
                "city": city,
                "email": "contact@demo.aptic.test",
            },
        )
    for email, first_name, last_name, organisation, role in PEOPLE:
        user = _user(email, first_name, last_name)
        Membership.objects.get_or_create(user=user, organisation=organisations[organisation], defaults={"role": role})
    for email, first_name, last_name, role in STAFF:
        user = _user(email, first_name, last_name, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    stdout.write(f"  accounts: {len(organisations)} organisations, {len(PEOPLE) + len(STAFF)} logins")
