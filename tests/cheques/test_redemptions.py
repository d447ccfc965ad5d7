"""Redemption at the counter: every rule, every refusal (which changes nothing), exactly once, the ledger."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from aptic.errors import BusinessError
from aptic.ratelimit import RateLimited
from cheques.enums import ChequeStatus, RedemptionStatus
from cheques.models import Carnet, Cheque, RedeemedCheque, Redemption
from cheques.selectors import lieux_for_order
from cheques.services import distribution
from cheques.services import redemptions as services
from cheques.services.expiry import cheques_expire
from cheques.services.redemptions import AlreadyRedeemed
from ledger.enums import AccountCode as A
from ledger.services import account_balance, journal_is_balanced
from qualification.enums import EmploymentStatus
from qualification.services import qualifications as qualification_services
from referentiel.models import Category
from territories.models import Commune, Departement
from tests.cheques.counter import counter_lieu, issued_codes, mediateur_at
from tests.factories import staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def setup():
    order, codes = issued_codes()
    lieu = counter_lieu()
    user, mediateur = mediateur_at(lieu)
    return order, codes, lieu, user, mediateur


def _validate(lieu, user, number, code, *, service="smartphone-premiers-pas", count=1, key=None, ip="10.0.0.1"):
    return services.redemption_validate(
        counter=services.counter_for_user(user=user, lieu=lieu),
        lieu=lieu,
        service_code=service,
        cheques_count=count,
        ip=ip,
        number=number,
        code=code,
        idempotency_key=key,
    )


def _refusal(*args, **kwargs) -> str:
    with pytest.raises(BusinessError) as refusal:
        _validate(*args, **kwargs)
    return refusal.value.code


def _unchanged(order):
    """A refusal changed nothing: no redemption, no posting beyond issuance."""
    assert not Redemption.objects.exists()
    assert not Cheque.objects.filter(order=order, status=ChequeStatus.REDEEMED).exists()
    assert account_balance(A.STRUCTURE_PAYABLE) == 0
    assert journal_is_balanced()


def test_a_cheque_is_validated_once_with_its_ledger_entries(setup):
    order, codes, lieu, user, mediateur = setup
    number, code = next(iter(codes.items()))
    outcome = _validate(lieu, user, number, code)
    redemption = outcome.redemption
    assert (redemption.status, redemption.cheques_count, redemption.face_value_total) == ("validated", 1, 1000)
    assert redemption.mediateur == mediateur and redemption.structure == lieu.structure
    assert (redemption.downstream_fee_bp, redemption.vat_bp) == (400, 2000)  # the rates in force that day
    assert redemption.period == timezone.localdate().replace(day=1)
    assert Cheque.objects.get(number=number).status == ChequeStatus.REDEEMED
    assert account_balance(A.STRUCTURE_PAYABLE, party=lieu.structure) == 1000
    assert account_balance(A.CHEQUES_OUTSTANDING) == 20 * 1000 - 1000
    assert journal_is_balanced()

    with pytest.raises(AlreadyRedeemed) as again:
        _validate(lieu, user, number, code)
    assert again.value.status == 409
    assert "déjà été utilisé le" in again.value.message and lieu.name in again.value.message
    assert user.email not in again.value.message and "Lou" not in again.value.message  # never by whom
    assert Redemption.objects.count() == 1


def test_a_service_of_several_cheques_takes_the_next_ones_of_the_carnet(setup):
    order, codes, lieu, user, _m = setup
    number = sorted(codes)[3]  # the 4th cheque of the first carnet
    redemption = _validate(lieu, user, number, codes[number], service="retraite-en-ligne", count=2).redemption
    consumed = sorted(RedeemedCheque.objects.filter(redemption=redemption).values_list("cheque__number", flat=True))
    assert consumed == sorted([number, sorted(codes)[0]])  # the presented one, then the first spendable
    assert redemption.face_value_total == 2000
    # An adjustable service may consume fewer cheques, never more; a fixed one exactly its cost.
    other = sorted(codes)[5]
    assert _validate(lieu, user, other, codes[other], service="parcours-bien-demarrer", count=1).redemption
    assert (
        _refusal(lieu, user, sorted(codes)[6], codes[sorted(codes)[6]], service="retraite-en-ligne", count=3)
        == "count_not_allowed"
    )
    assert _refusal(lieu, user, sorted(codes)[6], codes[sorted(codes)[6]], count=2) == "count_not_allowed"


def test_not_enough_cheques_left_on_the_carnet(setup):
    order, codes, lieu, user, _m = setup
    numbers = sorted(codes)[:10]  # one carnet
    for number in numbers[:9]:
        _validate(lieu, user, number, codes[number])
    assert (
        _refusal(lieu, user, numbers[9], codes[numbers[9]], service="retraite-en-ligne", count=2)
        == "not_enough_cheques"
    )


@pytest.mark.parametrize(
    ("number", "code", "reason"),
    [
        ("10000016-01", "AAAA-BBBB-CCCC-DDDD", "invalid_code_format"),
        ("99999999-01", None, "unknown_number"),
        (None, "0000-0000-0000-0000", None),
    ],
)
def test_a_wrong_number_or_code_is_refused_and_changes_nothing(setup, number, code, reason):
    order, codes, lieu, user, _m = setup
    first = sorted(codes)[0]
    other = sorted(codes)[1]
    number = number or first
    code = code or codes[other]  # a real code of another cheque
    assert _refusal(lieu, user, number, code) == (reason or "wrong_code")
    _unchanged(order)


def test_failed_code_entries_are_limited_per_account_but_the_cheque_stays_usable(setup, monkeypatch):
    order, codes, lieu, user, _m = setup
    monkeypatch.setattr(services, "FAILURES_PER_ACCOUNT", (3, 900))
    number = sorted(codes)[0]
    wrong = codes[sorted(codes)[1]]
    for _attempt in range(3):
        assert _refusal(lieu, user, number, wrong) == "wrong_code"
    with pytest.raises(RateLimited) as limited:
        _validate(lieu, user, number, codes[number])
    assert limited.value.status == 429 and "Trop de tentatives" in limited.value.message
    # Someone else at another address can still use that very cheque: it is never locked.
    other_lieu = counter_lieu(structure=lieu.structure)
    colleague, _mediateur = mediateur_at(other_lieu)
    assert _validate(other_lieu, colleague, number, codes[number], ip="10.0.0.2").redemption


def test_failed_code_entries_are_limited_per_ip(setup, monkeypatch):
    order, codes, lieu, user, _m = setup
    monkeypatch.setattr(services, "FAILURES_PER_IP", (2, 900))
    colleague = mediateur_at(lieu)[0]
    wrong = codes[sorted(codes)[1]]
    for person in (user, colleague):
        assert _refusal(lieu, person, sorted(codes)[0], wrong, ip="10.9.9.9") == "wrong_code"
    assert _refusal(lieu, mediateur_at(lieu)[0], sorted(codes)[0], wrong, ip="10.9.9.9") == "rate_limited"
    assert _refusal(lieu, mediateur_at(lieu)[0], sorted(codes)[0], wrong, ip="10.1.1.1") == "wrong_code"


def test_wrong_codes_from_many_accounts_and_addresses_never_stop_other_counters(setup, monkeypatch, caplog):
    """A structure with many accounts (or API keys) and addresses fails more than the platform-wide alarm: each
    of its accounts is stopped, the team is told, and a médiateur elsewhere validates as usual."""
    order, codes, lieu, user, _m = setup
    monkeypatch.setattr(services, "FAILURES_ALARM", (12, 60))
    wrong = codes[sorted(codes)[1]]
    per_account = services.FAILURES_PER_ACCOUNT[0]
    for index in range(2):
        attacker = mediateur_at(lieu)[0]
        for _attempt in range(per_account):
            assert _refusal(lieu, attacker, sorted(codes)[0], wrong, ip=f"10.66.0.{index}") == "wrong_code"
        assert _refusal(lieu, attacker, sorted(codes)[0], wrong, ip=f"10.66.1.{index}") == "rate_limited"
    assert "Rate alarm counter-fail-all" in caplog.text
    elsewhere = counter_lieu(commune_code="15001")
    someone, _mediateur = mediateur_at(elsewhere)
    number = sorted(codes)[0]
    assert _validate(elsewhere, someone, number, codes[number], ip="10.0.0.2").redemption


def test_an_expired_or_blocked_cheque_is_refused(setup):
    order, codes, lieu, user, _m = setup
    first = sorted(codes)[0]
    with time_machine.travel(order.valid_until + datetime.timedelta(days=1)):
        assert _refusal(lieu, user, first, codes[first]) == "expired"
    carnet = Carnet.objects.get(number=first.split("-")[0])
    distribution.carnet_block(
        carnet=carnet, reason="Perdu dans le bus", by=order.created_by, organisation=order.funder
    )
    assert _refusal(lieu, user, first, codes[first]) == "blocked"
    _unchanged(order)


def test_the_lieu_and_the_mediateur_must_be_qualified_that_day(setup):
    order, codes, lieu, user, mediateur = setup
    number = sorted(codes)[0]
    qualification = lieu.qualifications.get()
    reviewer = staff_user("qualification")
    qualification_services.qualification_suspend(qualification=qualification, reason="Contrôle", by=reviewer)
    assert _refusal(lieu, user, number, codes[number]) == "lieu_not_qualified"
    qualification_services.qualification_reinstate(qualification=qualification, reason="OK", by=reviewer)
    qualification_services.mediateur_qualification_suspend(
        mediateur_qualification=mediateur.qualifications.get(), reason="Convention à renouveler", by=reviewer
    )
    assert _refusal(lieu, user, number, codes[number]) == "mediateur_not_qualified"
    # Someone of the structure who is not declared at this lieu.
    other_lieu = counter_lieu(structure=lieu.structure)
    stranger, _mediateur = mediateur_at(other_lieu)
    assert _refusal(lieu, stranger, number, codes[number]) == "mediateur_not_qualified"
    _unchanged(order)


@pytest.mark.parametrize("status", [EmploymentStatus.BENEVOLE, EmploymentStatus.AUTO_ENTREPRENEUR])
def test_a_mediateur_whose_status_is_not_eligible_cannot_redeem(setup, status):
    order, codes, lieu, _user, _m = setup
    volunteer, mediateur = mediateur_at(lieu, status=status)
    number = sorted(codes)[0]
    assert _refusal(lieu, volunteer, number, codes[number]) == "mediateur_not_eligible"
    _unchanged(order)


def test_a_service_civique_volunteer_qualified_by_staff_can_redeem(setup):
    order, codes, lieu, _user, _m = setup
    volunteer, _mediateur = mediateur_at(lieu, status=EmploymentStatus.SERVICE_CIVIQUE)
    number = sorted(codes)[0]
    assert _validate(lieu, volunteer, number, codes[number]).redemption


def test_a_service_the_lieu_does_not_offer_is_refused(setup):
    order, codes, lieu, user, _m = setup
    number = sorted(codes)[0]
    assert _refusal(lieu, user, number, codes[number], service="cv-lettre-motivation") == "service_not_offered"
    assert _refusal(lieu, user, number, codes[number], service="cuisine") == "unknown_service"
    _unchanged(order)


def test_the_funder_restrictions_are_enforced():
    restricted, codes = issued_codes(quantity=10, carnet_size=10)
    restricted.categories.set(Category.objects.filter(version__number=1, code="demarches"))
    restricted.departements.set(Departement.objects.filter(code="15"))
    lyon = counter_lieu(commune_code="69123")
    lyon_user, _m = mediateur_at(lyon)
    allanche = counter_lieu(commune_code="15001")
    allanche_user, _m2 = mediateur_at(allanche)
    number = sorted(codes)[0]
    assert _refusal(allanche, allanche_user, number, codes[number]) == "service_outside_restrictions"
    assert (
        _refusal(lyon, lyon_user, number, codes[number], service="retraite-en-ligne", count=2)
        == "lieu_outside_territory"
    )
    assert _validate(allanche, allanche_user, number, codes[number], service="retraite-en-ligne", count=2).redemption

    named, codes = issued_codes(quantity=10, carnet_size=10)
    named.lieux.set([allanche])
    number = sorted(codes)[0]
    assert _refusal(lyon, lyon_user, number, codes[number]) == "lieu_not_allowed"
    assert _validate(allanche, allanche_user, number, codes[number]).redemption
    named.communes.set(Commune.objects.filter(code="15001"))
    assert _validate(allanche, allanche_user, sorted(codes)[1], codes[sorted(codes)[1]]).redemption


def test_a_funder_restricted_to_a_city_accepts_the_lieux_of_its_arrondissements():
    paris, codes = issued_codes(quantity=10, carnet_size=10)
    paris.communes.set(Commune.objects.filter(code="75056"))
    voltaire = counter_lieu(commune_code="75111")
    voltaire_user, _m = mediateur_at(voltaire)
    goutte_dor = counter_lieu(commune_code="75118")
    goutte_dor_user, _m2 = mediateur_at(goutte_dor)
    numbers = sorted(codes)

    assert set(lieux_for_order(paris)) == {voltaire, goutte_dor}
    assert _validate(voltaire, voltaire_user, numbers[0], codes[numbers[0]]).redemption

    # Restricted to the 11e: the 18e is outside.
    paris.communes.set(Commune.objects.filter(code="75111"))
    assert list(lieux_for_order(paris)) == [voltaire]
    assert _refusal(goutte_dor, goutte_dor_user, numbers[1], codes[numbers[1]]) == "lieu_outside_territory"
    assert _validate(voltaire, voltaire_user, numbers[1], codes[numbers[1]]).redemption


def test_a_retried_request_gets_the_first_answer(setup):
    order, codes, lieu, user, _m = setup
    number = sorted(codes)[0]
    first = _validate(lieu, user, number, codes[number], key="abc-123")
    again = _validate(lieu, user, number, codes[number], key="abc-123")
    assert not first.replayed and again.replayed and again.redemption == first.redemption
    assert Redemption.objects.count() == 1
    with pytest.raises(BusinessError) as reused:
        _validate(lieu, user, sorted(codes)[1], codes[sorted(codes)[1]], key="abc-123")
    assert reused.value.code == "idempotency_key_reused"


def test_a_validation_is_voided_by_its_structure_until_settled(setup):
    order, codes, lieu, user, _m = setup
    number = sorted(codes)[0]
    redemption = _validate(lieu, user, number, codes[number]).redemption
    with pytest.raises(BusinessError):
        services.redemption_void(redemption=redemption, reason=" ", by=user)
    services.redemption_void(redemption=redemption, reason="Service non rendu", by=user)
    assert Cheque.objects.get(number=number).status == ChequeStatus.ISSUED
    assert account_balance(A.STRUCTURE_PAYABLE, party=lieu.structure) == 0
    assert account_balance(A.CHEQUES_OUTSTANDING) == 20 * 1000
    with pytest.raises(BusinessError) as again:
        services.redemption_void(redemption=redemption, reason="Encore", by=user)
    assert again.value.code == "already_done"
    # The cheque is spendable again, once.
    second = _validate(lieu, user, number, codes[number]).redemption
    Redemption.objects.filter(pk=second.pk).update(status=RedemptionStatus.SETTLED)
    with pytest.raises(BusinessError) as settled:
        services.redemption_void(redemption=second, reason="Trop tard", by=user)
    assert settled.value.code == "already_settled"
    assert journal_is_balanced()


def _owed_as_the_ledger_says() -> bool:
    owed = sum(Cheque.objects.outstanding().values_list("face_value", flat=True))
    return account_balance(A.CHEQUES_OUTSTANDING) == owed


def test_a_validation_voided_after_its_carnet_was_blocked_gives_its_cheques_to_the_replacement(setup):
    """Found by the money state machine: the voided cheque came back spendable-looking in a blocked carnet, was
    left out of the replacement, and the ledger owed 10 € that no cheque carried."""
    order, codes, lieu, user, _m = setup
    first = sorted(codes)[0]
    redemption = _validate(lieu, user, first, codes[first], service="retraite-en-ligne", count=2).redemption
    carnet = Carnet.objects.get(number=first.split("-")[0])
    assert distribution.carnet_block(carnet=carnet, by=order.created_by, organisation=order.funder) == 8
    services.redemption_void(redemption=redemption, reason="Erreur de saisie", by=user)
    assert carnet.cheques.filter(status=ChequeStatus.BLOCKED).count() == 10
    replacement = distribution.carnet_replace(carnet=carnet, by=order.created_by, organisation=order.funder)
    assert replacement.size == 10 and _owed_as_the_ledger_says()
    assert account_balance(A.CHEQUES_OUTSTANDING) == 20 * 1000 and journal_is_balanced()


def test_a_validation_voided_after_the_replacement_is_owed_until_it_expires(setup):
    order, codes, lieu, user, _m = setup
    first = sorted(codes)[0]
    redemption = _validate(lieu, user, first, codes[first]).redemption
    carnet = Carnet.objects.get(number=first.split("-")[0])
    distribution.carnet_block(carnet=carnet, by=order.created_by, organisation=order.funder)
    distribution.carnet_replace(carnet=carnet, by=order.created_by, organisation=order.funder)
    services.redemption_void(redemption=redemption, reason="Erreur de saisie", by=user)
    assert _owed_as_the_ledger_says() and account_balance(A.CHEQUES_OUTSTANDING) == 20 * 1000
    assert _refusal(lieu, user, first, codes[first]) == "blocked"  # the carnet is gone: nobody can spend it
    with time_machine.travel(order.valid_until + datetime.timedelta(days=1)):
        cheques_expire()
    assert Cheque.objects.get(number=first).status == ChequeStatus.EXPIRED
    assert account_balance(A.FUNDER_CREDIT, party=order.funder) == 20 * 1000  # its value went back to the funder
    assert _owed_as_the_ledger_says() and account_balance(A.CHEQUES_OUTSTANDING) == 0


def test_a_cheque_redeemed_twice_is_refused_by_the_database_itself(setup):
    order, codes, lieu, user, _m = setup
    number = sorted(codes)[0]
    redemption = _validate(lieu, user, number, codes[number]).redemption
    with pytest.raises(IntegrityError), transaction.atomic():
        RedeemedCheque.objects.create(redemption=redemption, cheque=Cheque.objects.get(number=number))
