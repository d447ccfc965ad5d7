"""Bank accounts: four eyes in the database, no payment on an account the approval did not cover, IBANs masked
for staff who do not pay."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.enums import StaffRole
from accounts.models import AuditEvent
from aptic.errors import BusinessError
from settlement.enums import BankAccountStatus, RunStatus
from settlement.models import BankAccount, Payout
from settlement.services import runs
from settlement.services.bank_accounts import bank_account_verify
from tests.factories import OrganisationFactory, staff_user
from tests.settlement.helpers import OCTOBER, redeemed, verified_account
from tests.utils import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

OLD_IBAN, NEW_IBAN = "FR7630004000030001234567897", "FR1420041010050500013M02606"


@pytest.fixture
def approved():
    """October settled for one structure, reviewed and approved by two finance people."""
    lieu, _redemptions = redeemed([1, 2])
    verified_account(lieu.structure, iban=OLD_IBAN)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True):
        run = runs.settlement_compute(period=OCTOBER)
    first, second = staff_user(StaffRole.FINANCE), staff_user(StaffRole.FINANCE)
    run = runs.settlement_review(run=run, by=first)
    run = runs.settlement_approve(run=run, by=second)
    return run, lieu.structure, first, second


def _new_account(structure, **fields) -> BankAccount:
    return BankAccount.objects.create(
        structure=structure,
        holder=structure.name,
        iban=NEW_IBAN,
        bic="PSSTFRPPXXX",
        requested_by=staff_user(StaffRole.SUPPORT),
        mfa_confirmed_at=timezone.now(),
        **fields,
    )


def test_the_person_who_entered_an_account_cannot_verify_it_even_bypassing_the_service():
    structure = OrganisationFactory(structure=True)
    account = _new_account(structure)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccount.objects.filter(pk=account.pk).update(
            status=BankAccountStatus.VERIFIED, verified_by=account.requested_by, verified_at=timezone.now()
        )
    account.refresh_from_db()
    assert account.status == BankAccountStatus.PENDING


def test_an_account_verified_after_approval_waits_for_a_new_approval(approved):
    run, structure, first, second = approved
    account = _new_account(structure)
    bank_account_verify(account=account, by=first)

    run.refresh_from_db()
    assert (run.status, run.approved_by) == (RunStatus.REVIEWED, None)
    withdrawn = AuditEvent.objects.get(action="settlement.run.approval_withdrawn")
    assert withdrawn.data["approved_by"] == second.pk and withdrawn.actor == first
    with pytest.raises(BusinessError) as refused:
        runs.settlement_export(run=run, by=second)
    assert refused.value.code == "not_approved"

    run = runs.settlement_approve(run=run, by=second)
    content = runs.settlement_export(run=run, by=second)
    assert NEW_IBAN.encode() in content and OLD_IBAN.encode() not in content


def test_the_export_refuses_an_account_the_approval_did_not_cover(approved):
    """Accounts swapped without the service (admin, raw SQL): the export itself notices, exports nothing and
    sends the run back for approval."""
    run, structure, first, second = approved
    BankAccount.objects.filter(structure=structure).update(status=BankAccountStatus.SUPERSEDED)
    _new_account(structure, status=BankAccountStatus.VERIFIED, verified_by=first, verified_at=timezone.now())

    with pytest.raises(BusinessError) as refused:
        runs.settlement_export(run=run, by=second)
    assert refused.value.code == "bank_account_changed"
    assert f"Le compte bancaire de {structure.name} a changé depuis l'approbation" in refused.value.message
    run.refresh_from_db()
    assert run.status == RunStatus.REVIEWED and not run.sepa_file and run.exported_at is None

    run = runs.settlement_approve(run=run, by=second)
    assert NEW_IBAN.encode() in runs.settlement_export(run=run, by=second)
    assert Payout.objects.get(run=run, structure=structure).iban == NEW_IBAN


def test_support_sees_ibans_masked_and_finance_sees_them_whole(client, approved):
    run, structure, first, _second = approved
    account = BankAccount.objects.get(structure=structure)
    runs.settlement_export(run=run, by=first)
    payout = Payout.objects.get(run=run, structure=structure)
    pages = [
        reverse("admin:settlement_bankaccount_changelist"),
        reverse("admin:settlement_bankaccount_change", args=[account.pk]),
        reverse("admin:settlement_bankaccount_history", args=[account.pk]),
        reverse("admin:settlement_payout_change", args=[payout.pk]),
        reverse("admin:settlement_payout_history", args=[payout.pk]),
        reverse("admin:accounts_historyentry_changelist") + "?table=settlement_bankaccount",
    ]
    whole, masked = "FR76 3000 4000 0300 0123 4567 897", "FR76 •••• •••• •••• •••• •••7 897"

    client.force_login(staff_user(StaffRole.SUPPORT))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        text = page_text(response)
        assert masked in text, page
        assert OLD_IBAN not in text and whole not in text and "4567" not in text, page

    client.force_login(staff_user(StaffRole.FINANCE))
    for page in pages:
        text = page_text(client.get(page))
        assert whole in text or OLD_IBAN in text, page
