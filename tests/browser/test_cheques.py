"""A funder goes from simulation to the carnet PDF; a beneficiary checks a carnet on a phone."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from accounts.demo import PASSWORD
from cheques.models import Cheque, Order
from tests.browser.conftest import assert_no_csp_violation, login, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_funder_simulates_orders_pays_and_downloads_its_carnets(page, chromium, live_server, demo_data):
    login(page, "commanditaire@demo.aptic.test", PASSWORD)
    page.get_by_role("link", name="Simuler une nouvelle commande").click()
    page.get_by_label("Nombre de chèques").fill("20")
    page.get_by_label("Chèques par carnet").fill("10")
    page.get_by_test_id("total-ttc").filter(has_text="209,60").wait_for()  # the live price followed
    page.get_by_role("button", name="Enregistrer la simulation").click()
    page.get_by_role("button", name="Obtenir le devis").click()
    with page.expect_download() as quote:
        page.get_by_role("link", name="Télécharger le devis (PDF)").click()
    assert quote.value.suggested_filename.startswith("devis-CMD-")
    page.get_by_role("link", name="Confirmer la commande").click()
    page.get_by_role("button", name="Je confirme et m'engage à payer 209,60").click()
    reference = page.get_by_test_id("transfer-reference").inner_text()
    assert reference.startswith("APTIC-")

    # The cooperative's finance staff record the transfer in the admin.
    staff = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    staff_violations = watch_csp(staff)
    admin = staff.new_page()
    login(admin, "finance@demo.aptic.test", PASSWORD)
    admin.get_by_role("link", name="Enregistrer un virement reçu").click()
    admin.get_by_role("link", name="Saisir ce virement").first.wait_for()
    admin.get_by_label("Référence du virement").fill(reference)
    admin.get_by_label("Montant reçu (€)").fill("209,60")
    admin.get_by_label("Reçu le").fill(timezone.localdate().isoformat())
    admin.get_by_role("button", name="Enregistrer le virement").click()
    admin.get_by_text("l'émission des chèques commence").wait_for()
    staff.close()
    assert_no_csp_violation(staff_violations)

    page.reload()
    page.get_by_test_id("progress").get_by_text("Chèques émis : 20 sur 20").wait_for()
    with page.expect_download() as carnets:
        page.get_by_test_id("carnets-pdf").first.click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(carnets.value.path()).read_bytes())).pages)
    order = Order.objects.get(transfer_reference=reference)
    numbers = list(Cheque.objects.filter(order=order).values_list("number", flat=True))
    assert len(numbers) == 20 and all(number in text for number in numbers)
    assert "Région Auvergne-Rhône-Alpes (démo)" in text


def demo_codes():
    with (settings.VAR_DIR / "demo-cheques.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_a_beneficiary_scans_a_cheque_and_sees_what_is_left_and_where(phone, live_server, demo_data):
    row = demo_codes()[0]
    qr_url = row["qr_url"].replace(settings.SITE_URL, live_server.url)
    phone.goto(qr_url)
    balance = phone.get_by_test_id("balance")
    balance.get_by_text("10 chèques disponibles").wait_for()
    assert row["code"] not in phone.url  # the fragment is forgotten once used
    phone.get_by_test_id("lieux").get_by_text("Maison des services d'Allanche").wait_for()

    # Typed by hand, in lower case with spaces; then a typo is caught with a clear message.
    phone.get_by_role("link", name="Vérifier un autre carnet").click()
    phone.get_by_label("Numéro du carnet ou du chèque").fill(row["carnet"])
    phone.get_by_label("Code secret d'un chèque").fill(row["code"].lower().replace("-", " "))
    phone.get_by_role("button", name="Voir ce qui reste").click()
    phone.get_by_test_id("remaining").wait_for()
    phone.get_by_role("link", name="Vérifier un autre carnet").click()
    phone.get_by_label("Numéro du carnet ou du chèque").fill(row["carnet"])
    phone.get_by_label("Code secret d'un chèque").fill(row["code"][:-1] + ("0" if row["code"][-1] != "0" else "1"))
    phone.get_by_role("button", name="Voir ce qui reste").click()
    phone.get_by_test_id("balance-error").wait_for()
    assert phone.get_by_test_id("balance").count() == 0
