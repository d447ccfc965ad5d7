import pytest
from django.core import mail

from accounts.enums import OrganisationKind
from aptic.errors import BusinessError
from cheques.enums import CarnetStatus, ChequeStatus, OrderStatus
from cheques.models import BeneficiaryProfile, Carnet, CarnetEvent, Partnership
from cheques.selectors import carnets_select, funder_stats
from cheques.services import distribution
from cheques.services.common import AlreadyDone
from ledger.enums import AccountCode as A
from ledger.services import account_balance
from territories.models import Commune
from tests.factories import OrganisationFactory, member, order_through

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def setup():
    order = order_through(OrderStatus.ISSUED, quantity=50, carnet_size=10)
    funder = order.funder
    holder = member(OrganisationKind.DISTRIBUTEUR)
    distributeur = holder.memberships.get().organisation
    distribution.partnership_add(funder=funder, distributeur=distributeur, by=order.created_by)
    return order, funder, distributeur, holder


def test_a_funder_assigns_carnets_by_count_or_by_range_only_to_its_distributeurs(setup):
    order, funder, distributeur, _holder = setup
    stock = Carnet.objects.filter(funder=funder, status=CarnetStatus.ISSUED)
    assert (
        distribution.carnets_assign(
            funder=funder,
            carnets=carnets_select(carnets=stock, count=2),
            distributeur=distributeur,
            by=order.created_by,
        )
        == 2
    )
    numbers = list(order.carnets.order_by("number").values_list("number", flat=True))
    by_range = carnets_select(carnets=stock, first_number=numbers[3], last_number=numbers[4])
    assert (
        distribution.carnets_assign(funder=funder, carnets=by_range, distributeur=distributeur, by=order.created_by)
        == 2
    )
    assigned = set(Carnet.objects.filter(distributeur=distributeur).values_list("number", flat=True))
    assert assigned == {numbers[0], numbers[1], numbers[3], numbers[4]}
    assert CarnetEvent.objects.filter(kind="assigned").count() == 4
    stranger = OrganisationFactory(distributeur=True)
    with pytest.raises(BusinessError, match="partenaires"):
        distribution.carnets_assign(funder=funder, carnets=stock, distributeur=stranger, by=order.created_by)


def test_idle_carnets_are_taken_back_and_given_to_another_distributeur(setup):
    order, funder, distributeur, holder = setup
    distribution.carnets_assign(
        funder=funder, carnets=order.carnets.all(), distributeur=distributeur, by=order.created_by
    )
    handed = order.carnets.order_by("number").first()
    distribution.carnet_hand_out(carnet=handed, distributeur=distributeur, by=holder)
    moved = distribution.carnets_take_back(
        funder=funder, carnets=Carnet.objects.filter(distributeur=distributeur), by=order.created_by
    )
    assert moved == 4  # the one handed out stays with its beneficiary
    other = OrganisationFactory(distributeur=True)
    distribution.partnership_add(funder=funder, distributeur=other, by=order.created_by)
    distribution.carnets_assign(
        funder=funder, carnets=Carnet.objects.filter(funder=funder), distributeur=other, by=order.created_by
    )
    stats = {s.name: s for s in funder_stats(funder)}
    assert stats[other.name].carnets_idle == 4 and stats[distributeur.name].carnets_distributed == 1
    assert stats[distributeur.name].cheques[ChequeStatus.ISSUED] == 10


def test_a_hand_out_records_an_anonymous_profile_apart_and_only_once(setup):
    order, funder, distributeur, holder = setup
    carnet = order.carnets.first()
    distribution.carnets_assign(
        funder=funder, carnets=Carnet.objects.filter(pk=carnet.pk), distributeur=distributeur, by=order.created_by
    )
    commune = Commune.objects.get(code="15187")
    distribution.carnet_hand_out(
        carnet=carnet, distributeur=distributeur, by=holder, age_band="65_79", commune=commune, situation="retired"
    )
    profile = BeneficiaryProfile.objects.get(carnet=carnet)
    assert (profile.age_band, profile.commune, profile.situation) == ("65_79", commune, "retired")
    assert {f.name for f in BeneficiaryProfile._meta.fields} == {
        "id",
        "carnet",
        "age_band",
        "commune",
        "situation",
        "recorded_on",
    }  # no name, no contact
    with pytest.raises(AlreadyDone):
        distribution.carnet_hand_out(carnet=carnet, distributeur=distributeur, by=holder)
    other = OrganisationFactory(distributeur=True)
    with pytest.raises(BusinessError, match="pas dans votre stock"):
        distribution.carnet_hand_out(carnet=order.carnets.last(), distributeur=other, by=holder)


def test_blocking_blocks_unspent_cheques_at_once_and_a_replacement_keeps_the_value(setup):
    order, funder, distributeur, holder = setup
    carnet = order.carnets.first()
    first_cheque = carnet.cheques.order_by("position").first()
    first_cheque.status = ChequeStatus.REDEEMED
    first_cheque.save()
    outstanding = account_balance(A.CHEQUES_OUTSTANDING)
    assert distribution.carnet_block(carnet=carnet, by=holder, organisation=distributeur, reason="perdu") == 9
    assert carnet.cheques.filter(status=ChequeStatus.BLOCKED).count() == 9
    first_cheque.refresh_from_db()
    assert first_cheque.status == ChequeStatus.REDEEMED
    with pytest.raises(AlreadyDone):
        distribution.carnet_block(carnet=carnet, by=holder, organisation=distributeur)
    replacement = distribution.carnet_replace(carnet=carnet, by=holder, organisation=distributeur)
    assert replacement.size == 9 and replacement.cheques.filter(status=ChequeStatus.ISSUED).count() == 9
    assert account_balance(A.CHEQUES_OUTSTANDING) == outstanding
    with pytest.raises(AlreadyDone):
        distribution.carnet_replace(carnet=carnet, by=holder, organisation=distributeur)


def test_an_invitation_by_email_creates_the_partnership_when_accepted(setup, django_capture_on_commit_callbacks):
    order, funder, _distributeur, _holder = setup
    with django_capture_on_commit_callbacks(execute=True):
        invitation = distribution.invitation_send(funder=funder, email="ccas@exemple.test", by=order.created_by)
    assert mail.outbox[0].to == ["ccas@exemple.test"] and invitation.token in mail.outbox[0].body
    newcomer = member(OrganisationKind.DISTRIBUTEUR)
    organisation = newcomer.memberships.get().organisation
    distribution.invitation_accept(token=invitation.token, distributeur=organisation, by=newcomer)
    assert Partnership.objects.filter(funder=funder, distributeur=organisation).exists()
    with pytest.raises(AlreadyDone):
        distribution.invitation_accept(token=invitation.token, distributeur=organisation, by=newcomer)
