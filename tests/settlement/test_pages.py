import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.enums import MembershipRole, OrganisationKind
from accounts.services import api_key_create
from settlement.enums import RunStatus
from settlement.models import Payout, SettlementRun
from settlement.services import runs
from tests.factories import member, staff_user
from tests.settlement.helpers import OCTOBER, opted_in_to_mutations, redeemed, verified_account
from tests.utils import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def settled():
    lieu, _redemptions = redeemed([1, 2, 1])
    opted_in_to_mutations(lieu.structure)
    verified_account(lieu.structure)
    held_lieu, _held = redeemed([1])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True):
        run = runs.settlement_compute(period=OCTOBER)
    return run, lieu.structure, held_lieu.structure


def test_a_structure_sees_its_payouts_and_downloads_its_documents(client, settled):
    run, structure, _held = settled
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    client.force_login(admin)
    text = page_text(client.get(reverse("payouts")))
    assert "Octobre 2026" in text and "37,68" in text and "Facture FR-2026-00001" in text
    payout = Payout.objects.get(structure=structure)
    response = client.get(reverse("payout-document", args=[payout.pk, "releve"]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")

    client.force_login(member(OrganisationKind.STRUCTURE, MembershipRole.ADMIN))
    assert client.get(reverse("payout-document", args=[payout.pk, "releve"])).status_code == 404
    assert "Aucun contrepaiement pour l'instant." in page_text(client.get(reverse("payouts")))


def test_the_api_lists_a_structure_s_own_payouts_with_their_documents(client, settled):
    run, structure, held = settled
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    _key, raw = api_key_create(organisation=structure, name="compta", by=admin)
    headers = {"Authorization": f"Api-Key {raw}"}
    body = client.get("/api/v1/settlements/", headers=headers).json()
    assert body["count"] == 1
    payout = body["results"][0]
    assert (payout["period"], payout["paid_amount"], payout["mutations"]) == ("2026-10-01", 3768, 40)
    assert payout["statement_url"].endswith(f"/api/v1/settlements/{payout['id']}/statement/")
    pdf = client.get(payout["statement_url"], headers=headers)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    held_payout = Payout.objects.get(structure=held)
    assert client.get(f"/api/v1/settlements/{held_payout.pk}/", headers=headers).status_code == 404


def test_the_staff_dashboard_reconciles_the_ledger(client, settled):
    run, structure, held = settled
    client.force_login(staff_user("finance"))
    text = page_text(client.get(reverse("staff-settlement")))
    assert "Octobre 2026" in text and "75,36" not in text
    assert "Écart" not in text and "Le journal est équilibré" in text
    assert held.name in text  # held back, reported
    assert "Aucun contrepaiement payé pour l'instant." in text
    client.force_login(staff_user("qualification"))
    assert client.get(reverse("staff-settlement")).status_code == 403


def test_two_finance_people_approve_export_and_confirm_payment_in_the_admin(client, settled):
    run, structure, held = settled
    first, second = staff_user("finance"), staff_user("finance")
    action = "admin:settlement_settlementrun_action"
    client.force_login(first)
    page = client.get(reverse("admin:settlement_settlementrun_change", args=[run.pk])).content.decode()
    assert 'value="Marquer comme vérifié"' in page
    client.post(reverse(action, args=[run.pk, "verifier"]))
    response = client.post(reverse(action, args=[run.pk, "approuver"]), follow=True)
    assert "L'approbation doit venir d'une autre personne" in page_text(response)
    client.force_login(second)
    client.post(reverse(action, args=[run.pk, "approuver"]))
    client.post(reverse(action, args=[run.pk, "exporter"]))
    run.refresh_from_db()
    assert run.status == RunStatus.EXPORTED
    response = client.get(reverse("admin:settlement_settlementrun_sepa", args=[run.pk]))
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/xml" and b"<CtrlSum>37.68</CtrlSum>" in content
    with time_machine.travel(datetime.datetime(2026, 11, 4, 9), tick=True):
        client.post(reverse(action, args=[run.pk, "payer"]), {"reference": "REMISE-42"})
    run.refresh_from_db()
    assert run.status == RunStatus.PAID
    client.force_login(first)
    text = page_text(client.get(reverse("staff-settlement")))
    assert "jours" in text  # the median delay from validation to payment is now known
    assert SettlementRun.objects.get().bank_reference == "REMISE-42"
    client.force_login(staff_user("support"))
    assert client.post(reverse(action, args=[run.pk, "payer"]), {"reference": "x"}).status_code == 403


def test_the_median_delay_counts_days_from_validation_to_payment(settled):
    from settlement.selectors import median_days_to_payment

    run, _structure, _held = settled
    first, second = staff_user("finance"), staff_user("finance")
    runs.settlement_review(run=run, by=first)
    runs.settlement_approve(run=run, by=second)
    runs.settlement_export(run=run, by=second)
    with time_machine.travel(datetime.datetime(2026, 11, 4, 9), tick=True):
        runs.settlement_mark_paid(run=run, by=first, bank_reference="R")
    assert median_days_to_payment() == 20  # validated on 15 October, paid on 4 November
