"""The monthly run: the exact cents, once, whatever happens; approval by two people; SEPA; payment."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from accounts.enums import MembershipRole
from aptic.errors import BusinessError
from cheques.enums import ChequeStatus, RedemptionStatus
from cheques.models import Cheque, Redemption
from cheques.pricing import SEED_RATES, settlement_price_for
from cheques.services.redemptions import redemption_void
from ledger.enums import AccountCode as A
from ledger.models import Leg
from ledger.services import account_balance, journal_is_balanced
from settlement.enums import PayoutStatus, RunStatus
from settlement.models import Payout, SettlementRun
from settlement.sepa import NAMESPACE, sepa_validate
from settlement.services import runs
from settlement.tasks import settle_previous_month_task
from tests.factories import member, staff_user
from tests.settlement.helpers import OCTOBER, opted_in_to_mutations, redeemed, verified_account

pytestmark = [pytest.mark.django_db, pytest.mark.clock]
NOVEMBER_2 = datetime.datetime(2026, 11, 2, 6, 0)


@pytest.fixture
def october():
    """Three structures: A opted in to Mutations, B not, C without a verified bank account."""
    lieu_a, a = redeemed([1, 2, 1])  # 4 cheques
    lieu_b, b = redeemed([1, 3], commune="15001")  # 4 cheques
    lieu_c, c = redeemed([2])  # 2 cheques, no verified account
    opted_in_to_mutations(lieu_a.structure)
    verified_account(lieu_a.structure)
    verified_account(lieu_b.structure, iban="FR1420041010050500013M02606", bic="PSSTFRPPXXX")
    return {"A": (lieu_a, a), "B": (lieu_b, b), "C": (lieu_c, c)}


def _compute():
    with time_machine.travel(NOVEMBER_2, tick=True):
        return runs.settlement_compute(period=OCTOBER)


def test_a_month_settles_to_the_exact_cents(october, mailoutbox, django_capture_on_commit_callbacks):
    run = _compute()
    structure = {name: lieu.structure for name, (lieu, _r) in october.items()}
    payout = {name: Payout.objects.get(structure=structure[name], period=OCTOBER) for name in "ABC"}
    expected_a = settlement_price_for(cheques=4, rates=SEED_RATES, mutations=True)
    expected_b = settlement_price_for(cheques=4, rates=SEED_RATES, mutations=False)
    assert (
        (
            payout["A"].face_value_total,
            payout["A"].downstream_fee_ht,
            payout["A"].vat,
            payout["A"].mutations,
            payout["A"].paid_amount,
        )
        == (4000, 160, 32, 40, 3768)
        == (
            expected_a.face_value_total,
            expected_a.downstream_fee_ht,
            expected_a.vat,
            expected_a.mutations,
            expected_a.paid,
        )
    )
    assert (payout["B"].paid_amount, payout["B"].mutations) == (expected_b.paid, 0) == (3808, 0)
    assert payout["C"].status == PayoutStatus.HELD and payout["C"].paid_amount == 1904
    assert (run.paid_total, run.held_total, run.cheques) == (3768 + 3808, 1904, 8)
    # Lines per lieu and service add up to the payout.
    assert sum(line.paid_amount for line in payout["A"].lines.all()) == 3768
    assert payout["A"].lines.count() == 2  # two services at one lieu
    # Redemptions and cheques of A and B are settled; C's wait for a verified account.
    assert set(
        Redemption.objects.filter(structure__in=[structure["A"], structure["B"]]).values_list("status", flat=True)
    ) == {RedemptionStatus.SETTLED}
    assert Redemption.objects.get(structure=structure["C"]).status == RedemptionStatus.VALIDATED
    assert Cheque.objects.filter(status=ChequeStatus.SETTLED).count() == 8
    # Ledger: payables of A and B cleared into fees, VAT, Mutations and the transfers; C still owed.
    assert account_balance(A.STRUCTURE_PAYABLE, party=structure["A"]) == 0
    assert account_balance(A.STRUCTURE_PAYABLE, party=structure["C"]) == 2000
    assert account_balance(A.SETTLEMENT_CLEARING) == 3768 + 3808
    assert account_balance(A.DOWNSTREAM_FEE_REVENUE) == 320
    assert account_balance(A.MUTATIONS_PAYABLE) == 40
    assert journal_is_balanced()
    # Fee invoices are numbered without gaps.
    assert sorted(Payout.objects.exclude(fee_invoice_number="").values_list("fee_invoice_number", flat=True)) == [
        "FR-2026-00001",
        "FR-2026-00002",
    ]


def test_documents_are_rendered_and_sent_once(october, mailoutbox):
    admin = member(organisation=october["A"][0].structure, role=MembershipRole.ADMIN)
    _compute()  # inline tasks: statements and invoices rendered and e-mailed
    payout = Payout.objects.get(structure=october["A"][0].structure)
    assert payout.statement and payout.fee_invoice and payout.documents_sent_at
    mail = next(m for m in mailoutbox if "contrepaiement de 10/2026" in m.subject and admin.email in m.to)
    names = [attachment[0] for attachment in mail.attachments]
    assert names == ["releve-2026-10.pdf", f"facture-{payout.fee_invoice_number}.pdf"]
    statement = "".join(page.extract_text() for page in PdfReader(io.BytesIO(mail.attachments[0][1])).pages)
    assert "Relevé de contrepaiement — 10/2026" in statement and "37,68" in statement
    assert october["A"][1][0].receipt_number in statement  # every redemption is listed
    invoice = PdfReader(io.BytesIO(mail.attachments[1][1])).pages[0].extract_text()
    assert payout.fee_invoice_number in invoice and "1,60" in invoice and "0,32" in invoice
    sent = len(mailoutbox)
    from settlement.documents import payout_documents

    payout_documents(payout.pk)
    assert len(mailoutbox) == sent


def test_a_second_run_changes_nothing(october):
    first = _compute()
    legs = Leg.objects.count()
    again = _compute()
    assert again.pk == first.pk and Payout.objects.count() == 3 and Leg.objects.count() == legs


def test_a_month_is_settled_only_once_it_is_over():
    with time_machine.travel(datetime.datetime(2026, 10, 31, 12, 0)):
        with pytest.raises(BusinessError) as refusal:
            runs.settlement_compute(period=OCTOBER)
    assert refusal.value.code == "month_not_over"
    assert not SettlementRun.objects.exists()


def test_voids_before_the_run_are_left_out_and_after_it_refused(october):
    lieu_a, redemptions_a = october["A"]
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9), tick=True):
        redemption_void(redemption=redemptions_a[0], reason="Erreur", by=None)
    run = _compute()
    assert Payout.objects.get(structure=lieu_a.structure).cheques == 3
    assert run.cheques == 7
    with pytest.raises(BusinessError) as refusal:
        redemption_void(redemption=redemptions_a[1], reason="Trop tard", by=None)
    assert refusal.value.code == "already_settled"


def test_approval_needs_two_different_people_then_sepa_then_payment(october):
    run = _compute()
    first, second = staff_user("finance"), staff_user("finance")
    with pytest.raises(BusinessError):
        runs.settlement_export(run=run, by=first)
    run = runs.settlement_review(run=run, by=first)
    with pytest.raises(BusinessError) as same:
        runs.settlement_approve(run=run, by=first)
    assert same.value.code == "same_person"
    run = runs.settlement_approve(run=run, by=second)
    content = runs.settlement_export(run=run, by=second)
    sepa_validate(content)
    assert b"<CtrlSum>75.76</CtrlSum>" in content and b"<NbOfTxs>2</NbOfTxs>" in content
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED and run.sepa_sha256
    assert runs.settlement_export(run=run, by=first) == content  # exporting again: the same bytes
    # Each transfer has its own end-to-end id, never the file's; the cooperative's name without its "#".
    root = ET.fromstring(content)
    assert [node.text for node in root.iter(f"{{{NAMESPACE}}}MsgId")] == [f"APTIC-202610-R{run.pk}"]
    paid = run.payouts.exclude(status=PayoutStatus.HELD)
    assert sorted(node.text for node in root.iter(f"{{{NAMESPACE}}}EndToEndId")) == sorted(
        f"APTIC-202610-P{payout.pk}" for payout in paid
    )
    assert b"<Nm>SCIC SA APTIC</Nm>" in content and b"#" not in content
    from settlement.documents import sepa_file_for

    assert sepa_file_for(run) == content  # and rebuilding from the snapshot too

    run = runs.settlement_mark_paid(run=run, by=first, bank_reference="REMISE-2026-11-03")
    assert run.status == RunStatus.PAID
    assert account_balance(A.SETTLEMENT_CLEARING) == 0  # closed by the bank confirmation
    assert account_balance(A.BANK, kinds=["settlement.paid"]) == -(3768 + 3808)
    assert set(run.payouts.exclude(status=PayoutStatus.HELD).values_list("status", flat=True)) == {PayoutStatus.PAID}
    with pytest.raises(BusinessError) as again:
        runs.settlement_mark_paid(run=run, by=first, bank_reference="X")
    assert again.value.code == "already_done"
    assert journal_is_balanced()


def test_a_month_with_nothing_to_pay_is_refused_an_empty_sepa_file_with_a_clear_message():
    """Found by the money state machine: exporting such a run crashed (ValueError) instead of saying why."""
    september = _compute_period(datetime.date(2026, 9, 1))
    first, second = staff_user("finance"), staff_user("finance")
    run = runs.settlement_approve(run=runs.settlement_review(run=september, by=first), by=second)
    with pytest.raises(BusinessError) as refusal:
        runs.settlement_export(run=run, by=first)
    assert refusal.value.code == "nothing_to_pay"
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED and not run.sepa_file


def _compute_period(period):
    with time_machine.travel(NOVEMBER_2, tick=True):
        return runs.settlement_compute(period=period)


def test_a_held_payout_is_paid_by_the_first_run_after_the_account_is_verified(october):
    _compute()
    lieu_c, _redemptions = october["C"]
    verified_account(lieu_c.structure)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 6), tick=True):
        november = runs.settlement_compute(period=datetime.date(2026, 11, 1))
    payout = Payout.objects.get(structure=lieu_c.structure, period=datetime.date(2026, 11, 1))
    assert payout.status == PayoutStatus.PENDING and payout.paid_amount == 1904 and november.held_total == 0
    assert account_balance(A.STRUCTURE_PAYABLE, party=lieu_c.structure) == 0


def test_beat_settles_the_month_that_just_ended_and_so_does_the_command(october):
    with time_machine.travel(NOVEMBER_2, tick=True):
        assert settle_previous_month_task() == "2026-10: computed"
        out = io.StringIO()
        call_command("settle", "--period", "2026-10", stdout=out)
    assert "3 payout(s)" in out.getvalue()  # two to pay, one held
    assert "75,76" in out.getvalue().replace("\u202f", "").replace("\u00a0", " ")
    assert SettlementRun.objects.count() == 1
