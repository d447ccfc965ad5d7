import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from accounts.models import Membership, Organisation, User
from qualification.models import Lieu, Qualification
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version
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


# The second factor of test users: a known secret, so that a test can compute the codes (``totp_code``).
TOTP_SECRET = "APTICTESTSECONDFACTORXXXXXXXXXXX"


def totp_enrol(user: User, secret: str = TOTP_SECRET) -> str:
    """Give ``user`` a TOTP authenticator (as if they had enrolled one); returns its secret."""
    TOTP.activate(user, secret)
    return secret


def totp_code(user: User) -> str:
    """A code of ``user``'s authenticator that has not been used yet (each code works once; the codes of the
    30 seconds before and after are accepted too, see ``MFA_TOTP_TOLERANCE``)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    for counter in sorted(yield_hotp_counters_from_time(), reverse=True):
        code = format_hotp_value(hotp_value(secret, counter))
        if not cache.get(TOTP(authenticator)._get_used_cache_key(code)):
            return code
    raise AssertionError(f"every code of {user.email} in the current window was used")


def staff_user(role: str, *, totp: bool = True, **kwargs) -> User:
    """A staff member with ``role``; with a second factor enrolled (``TOTP_SECRET``) unless ``totp=False``."""
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    if totp:
        totp_enrol(user)
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


# --- Référentiel ------------------------------------------------------------------------------------


def _next_version_number() -> int:
    return (Version.objects.aggregate(top=Max("number"))["top"] or 0) + 1


class VersionFactory(factory.django.DjangoModelFactory):
    """A draft version. ``VersionFactory(published=True, valid_from=date)`` publishes it (with one category
    and one service when it has none yet) straight in the database, bypassing the publication service's
    guards: tests may need a version in force in the past, which ``version_publish`` refuses on purpose."""

    class Meta:
        model = Version
        skip_postgeneration_save = True

    number = factory.LazyFunction(_next_version_number)
    label = factory.Sequence(lambda n: f"Version de test {n}")

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        if not self.services.exists():
            ServiceFactory(category=CategoryFactory(version=self))
        Version.objects.filter(pk=self.pk).update(
            status=VersionStatus.PUBLISHED,
            valid_from=self.valid_from or timezone.localdate(),
            published_at=timezone.now(),
        )
        self.refresh_from_db()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    version = factory.SubFactory(VersionFactory)
    code = factory.Sequence(lambda n: f"categorie-{n}")
    label = factory.Sequence(lambda n: f"Catégorie {n}")
    position = factory.Sequence(int)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service of a draft, with one public, one format and one standard service unless given."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    version = factory.LazyAttribute(lambda service: service.category.version)
    code = factory.Sequence(lambda n: f"service-{n}")
    label = factory.Sequence(lambda n: f"Service numéro {n}")
    description = "Un accompagnement pour apprendre à faire soi-même."
    duration_minutes = 60
    cost_in_cheques = 1
    position = factory.Sequence(int)

    @factory.post_generation
    def publics(self, create, extracted, **kwargs):
        if create:
            self.publics.set(extracted if extracted is not None else Public.objects.filter(value="tous_publics"))

    @factory.post_generation
    def formats(self, create, extracted, **kwargs):
        if create:
            self.formats.set(extracted if extracted is not None else Format.objects.filter(value="individuel"))

    @factory.post_generation
    def standard_services(self, create, extracted, **kwargs):
        if create:
            default = StandardService.objects.filter(value="maitrise_outils_numeriques")
            self.standard_services.set(extracted if extracted is not None else default)


# --- Lieux in the public directory and the national standard -------------------------------------


def qualify(lieu: Lieu, *, status: str = "active", valid_from=None, valid_until=None):
    """Give ``lieu`` a qualification (active from a year ago to a year from now unless told otherwise)."""

    from django.utils import timezone

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


# --- Cheques ------------------------------------------------------------------------------------------


class OrderFactory(factory.django.DjangoModelFactory):
    """A draft order (go through the services to move it on: ``order_through(status)``)."""

    class Meta:
        model = "cheques.Order"

    funder = factory.SubFactory(OrganisationFactory, commanditaire=True)
    quantity = 20
    carnet_size = 10
    valid_until = factory.LazyFunction(lambda: datetime.date(timezone.localdate().year + 1, 12, 31))
    created_by = factory.SubFactory(UserFactory)


def order_through(status: str, *, funder=None, by=None, quantity: int = 20, carnet_size: int = 10, **kwargs):
    """An order taken through the real services up to ``status`` (quoted, confirmed, paid, issued).

    Tasks queued on commit do not run in a test's transaction: issuance is called directly, printing not.
    """
    from cheques.enums import OrderStatus
    from cheques.services import orders

    if by is None:
        by = member(OrganisationKind.COMMANDITAIRE, organisation=funder)
    funder = funder or by.memberships.get().organisation
    order = OrderFactory(funder=funder, created_by=by, quantity=quantity, carnet_size=carnet_size, **kwargs)
    steps = [OrderStatus.QUOTED, OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.ISSUED]
    for step in steps[: steps.index(status) + 1]:
        if step == OrderStatus.QUOTED:
            order = orders.order_quote(order=order, by=by)
        elif step == OrderStatus.CONFIRMED:
            order = orders.order_confirm(order=order, by=by)
        elif step == OrderStatus.PAID:
            order = orders.order_payment_record(
                transfer_reference=order.transfer_reference,
                amount=order.total_ttc,
                received_on=timezone.localdate(),
                by=staff_user("finance"),
            )
        elif step == OrderStatus.ISSUED:
            from cheques.services.issuance import order_issue

            order_issue(order_id=order.pk)
    order.refresh_from_db()
    return order
