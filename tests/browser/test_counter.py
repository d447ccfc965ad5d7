"""A médiateur holds a printed cheque up to the phone's camera: the QR code is read, the cheque validated."""

import csv

import pytest
from playwright.sync_api import expect

from accounts.demo import PASSWORD
from cheques.models import Redemption
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_no_csp_violation, login, watch_csp
from tests.browser.fake_camera import qr_video

pytestmark = pytest.mark.django_db(transaction=True)


def _demo_cheque(settings, index: int) -> dict:
    with (settings.VAR_DIR / "demo-cheques.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[index]


def test_a_cheque_is_scanned_with_the_camera_and_validated(playwright, live_server, demo_data, settings, tmp_path):
    cheque = _demo_cheque(settings, 12)
    video = qr_video(tmp_path / "cheque.y4m", cheque["qr_url"])
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            permissions=["camera"],
        )
        violations = watch_csp(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        login(page, "mediateur@demo.aptic.test", PASSWORD)
        page.get_by_role("navigation").get_by_role("link", name="Valider des chèques").click()
        page.get_by_role("button", name="Scanner le QR code").click()

        expect(page.get_by_test_id("carnet")).to_be_visible(timeout=20_000)  # the QR code was read
        expect(page.get_by_test_id("cheques-left")).to_have_text("10 chèques disponibles")
        page.get_by_label("Service rendu").select_option("smartphone-premiers-pas")
        page.get_by_role("button", name="Valider 1 chèque(s)").click()

        expect(page.get_by_test_id("receipt-status")).to_have_text("Validée")
        expect(page.get_by_test_id("receipt-cheques")).to_contain_text(cheque["cheque"])
        expect(page.get_by_test_id("receipt-left")).to_have_text("9 chèques")
        context.close()
        assert_no_csp_violation(violations)
    finally:
        browser.close()
    redemption = Redemption.objects.get()
    assert redemption.lieu.name == "Espace numérique de la Croix-Rousse" and redemption.cheques_count == 1


def test_a_cheque_typed_by_hand_twice_is_refused_the_second_time(phone, live_server, demo_data, settings):
    cheque = _demo_cheque(settings, 13)
    phone.on("dialog", lambda dialog: dialog.accept())
    login(phone, "mediateur@demo.aptic.test", PASSWORD)
    phone.goto("/guichet/")
    for attempt in range(2):
        phone.get_by_label("Numéro du chèque ou du carnet").fill(cheque["cheque"])
        phone.get_by_label("Code secret").fill(cheque["code"].lower().replace("-", " "))  # as people type it
        phone.get_by_role("button", name="Vérifier le chèque").click()
        if attempt == 0:
            phone.get_by_role("button", name="Valider 1 chèque(s)").click()
            expect(phone.get_by_test_id("receipt-status")).to_have_text("Validée")
            phone.get_by_role("link", name="Valider d'autres chèques").click()
    expect(phone.get_by_test_id("refusal")).to_contain_text("Ce chèque a déjà été utilisé le")
    expect(phone.get_by_test_id("refusal")).to_contain_text("Espace numérique de la Croix-Rousse")
