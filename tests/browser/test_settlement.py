"""A structure opts in to Mutations and downloads its statement; two finance people approve the month and
download the SEPA file in the admin."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.enums import MembershipRole
from settlement.sepa import sepa_validate
from settlement.services import runs
from tests.browser.conftest import login
from tests.factories import PASSWORD, member, staff_user
from tests.settlement.helpers import OCTOBER, redeemed, verified_account

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.clock]


def _logout(page):
    page.goto("/espace/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").wait_for()


def test_statement_mutations_two_person_approval_and_sepa_download(page, live_server):
    lieu, _redemptions = redeemed([1, 2])
    structure = lieu.structure
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    verified_account(structure)
    first, second = staff_user("finance"), staff_user("finance")
    page.on("dialog", lambda dialog: dialog.accept())

    # The structure opts in to the Mutations fund (from next month on).
    login(page, admin.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Contrepaiements").click()
    expect(page.get_by_text("Aucun contrepaiement pour l'instant.")).to_be_visible()
    page.get_by_role("link", name="Changer mon choix").click()
    page.get_by_label("Oui, ma structure verse 1 % de la valeur faciale au fonds Mutations").check()
    page.get_by_label("J'ai lu le texte ci-dessus et je fais ce choix au nom de ma structure.").check()
    page.get_by_role("button", name="Enregistrer mon choix").click()
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
    expect(
        page.get_by_text(f"Votre choix est enregistré ; il s'applique à partir du {next_month:%d/%m/%Y}.")
    ).to_be_visible()

    # October is settled (what beat does on 1 November), and the structure downloads its statement.
    run = runs.settlement_compute(period=OCTOBER)
    page.get_by_role("navigation").get_by_role("link", name="Contrepaiements").click()
    expect(page.get_by_test_id("payouts")).to_contain_text("28,56")  # 3 cheques: 3 × 9,52 €
    with page.expect_download() as download:
        page.get_by_role("link", name="Relevé").click()
    statement = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "Relevé de contrepaiement — 10/2026" in statement.pages[0].extract_text()
    _logout(page)

    # Finance: one person reviews, a second one approves, exports and downloads the SEPA file.
    login(page, first.email, PASSWORD)
    page.goto(f"/admin/settlement/settlementrun/{run.pk}/change/")
    page.get_by_role("button", name="Marquer comme vérifié").click()
    expect(
        page.get_by_text("Contrepaiement vérifié : une autre personne doit maintenant l'approuver.")
    ).to_be_visible()
    page.get_by_role("button", name="Approuver").click()
    expect(page.locator("li.error")).to_contain_text("L'approbation doit venir d'une autre personne")
    _logout(page)

    login(page, second.email, PASSWORD)
    page.goto(f"/admin/settlement/settlementrun/{run.pk}/change/")
    page.get_by_role("button", name="Approuver").click()
    page.get_by_role("button", name="Générer le fichier SEPA").click()
    expect(page.get_by_text("Fichier SEPA généré et validé contre le schéma officiel.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier SEPA").click()
    content = Path(download.value.path()).read_bytes()
    sepa_validate(content)
    assert b"<CtrlSum>28.56</CtrlSum>" in content and structure.name.encode() in content
