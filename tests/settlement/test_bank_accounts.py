import datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from accounts.models import AuditEvent
from aptic.errors import BusinessError
from settlement.enums import BankAccountStatus
from settlement.models import BankAccount
from settlement.selectors import bank_account_in_use, mutations_opted_in
from settlement.services.bank_accounts import bank_account_reject, bank_account_request, bank_account_verify
from settlement.services.mutations import mutations_choose
from tests.factories import OrganisationFactory, member, staff_user
from tests.utils import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

IBAN = "FR76 3000 6000 0112 3456 7890 189"
OTHER_IBAN = "FR1420041010050500013M02606"


def _with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def admin_and_structure():
    structure = OrganisationFactory(kind=OrganisationKind.STRUCTURE)
    return member(organisation=structure, role=MembershipRole.ADMIN), structure


def test_an_iban_change_needs_the_second_factor(admin_and_structure):
    admin, structure = admin_and_structure
    with pytest.raises(BusinessError) as no_mfa:
        bank_account_request(structure=structure, holder="Asso", iban=IBAN, bic="", totp_code="123456", by=admin)
    assert no_mfa.value.code == "mfa_required"
    secret = _with_totp(admin)
    with pytest.raises(BusinessError) as wrong:
        bank_account_request(structure=structure, holder="Asso", iban=IBAN, bic="", totp_code="000000", by=admin)
    assert wrong.value.code == "mfa_invalid"
    account = bank_account_request(
        structure=structure, holder="Asso", iban=IBAN, bic="", totp_code=_code(secret), by=admin
    )
    assert (account.iban, account.bic, account.status) == (
        "FR7630006000011234567890189",
        "AGRIFRPPXXX",
        BankAccountStatus.PENDING,
    )
    # The same code cannot be replayed for another change.
    with pytest.raises(BusinessError):
        bank_account_request(
            structure=structure, holder="Asso", iban=OTHER_IBAN, bic="", totp_code=_code(secret), by=admin
        )


@pytest.mark.parametrize(
    ("iban", "bic", "code"),
    [
        ("FR76 3000 6000 0112 3456 7890 188", "", "invalid_iban"),
        ("US12345678901234567890", "", "invalid_iban"),
        (IBAN, "NOTABIC", "invalid_bic"),
    ],
)
def test_bad_bank_details_are_refused_before_anything_else(admin_and_structure, iban, bic, code):
    admin, structure = admin_and_structure
    _with_totp(admin)
    with pytest.raises(BusinessError) as refusal:
        bank_account_request(structure=structure, holder="Asso", iban=iban, bic=bic, totp_code="000000", by=admin)
    assert refusal.value.code == code
    assert not BankAccount.objects.exists()


def test_only_a_verified_account_is_used_and_the_history_is_kept(admin_and_structure):
    admin, structure = admin_and_structure
    secret = _with_totp(admin)
    finance = staff_user(StaffRole.FINANCE)
    first = bank_account_request(
        structure=structure, holder="Asso", iban=IBAN, bic="", totp_code=_code(secret), by=admin
    )
    assert bank_account_in_use(structure) is None
    bank_account_verify(account=first, by=finance)
    assert bank_account_in_use(structure) == first

    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=31)):
        second = bank_account_request(
            structure=structure, holder="Asso", iban=OTHER_IBAN, bic="", totp_code=_code(secret), by=admin
        )
    assert bank_account_in_use(structure) == first  # still the verified one until staff verify the new one
    with pytest.raises(BusinessError) as same_person:
        bank_account_verify(account=second, by=admin)
    assert same_person.value.code in ("same_person",)
    bank_account_verify(account=second, by=finance)
    assert bank_account_in_use(structure) == second
    assert list(BankAccount.objects.filter(structure=structure).values_list("status", flat=True)) == [
        BankAccountStatus.VERIFIED,
        BankAccountStatus.SUPERSEDED,
    ]
    assert AuditEvent.objects.filter(action="settlement.bank_account.verified").count() == 2


def test_a_rejected_account_is_never_used(admin_and_structure):
    admin, structure = admin_and_structure
    secret = _with_totp(admin)
    account = bank_account_request(
        structure=structure, holder="X", iban=IBAN, bic="", totp_code=_code(secret), by=admin
    )
    finance = staff_user(StaffRole.FINANCE)
    with pytest.raises(BusinessError):
        bank_account_reject(account=account, by=finance, reason="")
    bank_account_reject(account=account, by=finance, reason="Le RIB n'est pas au nom de la structure.")
    assert bank_account_in_use(structure) is None
    with pytest.raises(BusinessError) as again:
        bank_account_verify(account=account, by=finance)
    assert again.value.code == "already_done"


def test_one_verified_account_per_structure_is_a_database_rule(admin_and_structure):
    admin, structure = admin_and_structure
    finance = staff_user(StaffRole.FINANCE)
    fields = {
        "structure": structure,
        "holder": "X",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "requested_by": admin,
        "mfa_confirmed_at": datetime.datetime.now(datetime.UTC),
        "status": BankAccountStatus.VERIFIED,
        "verified_by": finance,
    }
    BankAccount.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccount.objects.create(**fields)


def test_the_pages_guide_the_structure_and_finance(client, admin_and_structure):
    admin, structure = admin_and_structure
    client.force_login(admin)
    # Without a second factor, the structure admin is sent to enrol one before seeing the bank details.
    response = client.get(reverse("bank-account"))
    assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp"))
    assert "Activez la double authentification pour continuer" in page_text(client.get(reverse("home")))
    secret = _with_totp(admin)
    assert "Aucun compte vérifié." in page_text(client.get(reverse("bank-account")))
    response = client.post(
        reverse("bank-account"), {"holder": "Asso", "iban": IBAN, "bic": "", "totp_code": _code(secret)}, follow=True
    )
    assert "L'équipe de la coopérative le vérifie avant tout paiement" in page_text(response)
    account = BankAccount.objects.get()

    client.force_login(member(OrganisationKind.STRUCTURE, MembershipRole.MEDIATEUR, organisation=structure))
    assert client.get(reverse("bank-account")).status_code == 403

    client.force_login(staff_user(StaffRole.FINANCE))
    assert "FR7630006000011234567890189" in page_text(client.get(reverse("staff-bank-accounts")))
    client.post(reverse("staff-bank-account-decide", args=[account.pk, "verifier"]), {"reason": ""})
    account.refresh_from_db()
    assert account.status == BankAccountStatus.VERIFIED
    client.force_login(staff_user(StaffRole.QUALIFICATION))
    assert client.get(reverse("staff-bank-accounts")).status_code == 403


def test_mutations_choice_applies_from_the_next_month(client, admin_and_structure):
    admin, structure = admin_and_structure
    with time_machine.travel(datetime.date(2026, 11, 26)):
        mutations_choose(structure=structure, opted_in=True, by=admin)
        assert not mutations_opted_in(structure, datetime.date(2026, 11, 1))
        assert mutations_opted_in(structure, datetime.date(2026, 12, 1))
    with time_machine.travel(datetime.date(2027, 2, 10)):
        client.force_login(admin)
        response = client.post(reverse("mutations"), {"opted_in": "non", "consent": "on"}, follow=True)
        assert "il s'applique à partir du 01/03/2027" in page_text(response)
    assert mutations_opted_in(structure, datetime.date(2027, 2, 1))
    assert not mutations_opted_in(structure, datetime.date(2027, 3, 1))
    client.force_login(admin)  # the session opened in February 2027 may have expired on the test's clock
    response = client.post(reverse("mutations"), {"opted_in": "oui"})
    assert "Ce champ est obligatoire." in page_text(response)  # the consent box must be ticked
