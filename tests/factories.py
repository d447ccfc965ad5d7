import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Membership, Organisation, User
from qualification.models import Lieu
from territories.models import Commune

PASSWORD = "mot-de-passe-de-test-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.save()

    class Params:
        staff = factory.Trait(is_staff=True)


def staff_user(role: str, **kwargs) -> User:
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COMMANDITAIRE
    name = factory.Sequence(lambda n: f"Organisation {n}")
    siret = "90000000100009"
    address = "1 rue de la Paix"
    postcode = "69001"
    city = "Lyon"

    class Params:
        commanditaire = factory.Trait(kind=OrganisationKind.COMMANDITAIRE)
        distributeur = factory.Trait(kind=OrganisationKind.DISTRIBUTEUR)
        structure = factory.Trait(kind=OrganisationKind.STRUCTURE)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.ADMIN


def member(kind: str = OrganisationKind.COMMANDITAIRE, role: str = MembershipRole.ADMIN, organisation=None) -> User:
    """A user who belongs to a (new, unless given) organisation of ``kind`` with ``role``."""
    organisation = organisation or OrganisationFactory(kind=kind)
    return MembershipFactory(organisation=organisation, role=role).user


class LieuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lieu

    structure = factory.SubFactory(OrganisationFactory, structure=True)
    name = factory.Sequence(lambda n: f"Lieu {n}")
    address = "3 place Bellecour"
    postcode = "69002"
    commune = factory.LazyFunction(lambda: Commune.objects.get(code="69123"))


# --- Lieux in the public directory and the national standard -------------------------------------


def qualify(lieu: Lieu, *, status: str = "active", valid_from=None, valid_until=None):
    """Give ``lieu`` a qualification (active from a year ago to a year from now unless told otherwise)."""
    import datetime

    from django.utils import timezone

    from qualification.models import Qualification

    today = timezone.localdate()
    return Qualification.objects.create(
        lieu=lieu,
        status=status,
        valid_from=valid_from or today - datetime.timedelta(days=365),
        valid_until=valid_until or today + datetime.timedelta(days=365),
    )


def qualified_lieu(*, services=(), **kwargs) -> Lieu:
    """A lieu whose qualification is active today, offering ``services`` (``LieuFactory`` arguments)."""
    lieu = LieuFactory(**kwargs)
    lieu.services.set(services)
    qualify(lieu)
    return lieu
