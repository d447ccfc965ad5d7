"""A structure applies from a blank application; staff ask for a change; the structure fixes it; staff approve;
the lieu appears in the public directory and in the national-standard export."""

import json

import pytest
from playwright.sync_api import expect

from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from tests.browser.conftest import login
from tests.factories import PASSWORD, OrganisationFactory, member, staff_user
from tests.qualification.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").wait_for()


def test_from_a_blank_application_to_the_public_directory(page, live_server):
    structure = OrganisationFactory(
        kind=OrganisationKind.STRUCTURE,
        name="La Fabrique du Onzième",
        siret="90000004300001",
        email="contact@fabrique.test",
        address="",
        postcode="",
        city="",
    )
    admin = member(organisation=structure, role=MembershipRole.ADMIN)
    reviewer = staff_user(StaffRole.QUALIFICATION)
    page.on("dialog", lambda dialog: dialog.accept())

    # The structure opens a blank application and walks through its steps.
    login(page, admin.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Devenir #APTIC").click()
    page.get_by_role("button", name="Commencer une candidature vierge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identité de la structure")
    page.locator("#id_legal_form").select_option(label="Association")
    page.locator("#id_address").fill("12 rue de la Roquette")
    page.locator("#id_postcode").fill("75011")
    page.locator("#id_city").fill("Paris")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Le lieu")
    page.locator("#id_name").fill("Fabrique numérique de la Roquette")
    page.locator("#id_address").fill("12 rue de la Roquette")
    page.locator("#id_postcode").fill("75011")
    expect(page.locator("#id_commune option", has_text="Paris")).to_have_count(1)  # offered as the postcode is typed
    page.locator("#id_latitude").fill("48.8550")
    page.locator("#id_longitude").fill("2.3730")
    page.locator("#id_opening_hours").fill("Mo-Fr 09:00-12:00")
    page.locator("#id_accessibility").fill("Plain-pied, boucle magnétique.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Services proposés")
    page.get_by_label("Faire ses démarches CAF ou MSA en ligne").check()
    page.get_by_label("Premiers pas sur un smartphone").check()
    page.get_by_label("Accompagnement individuel").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Les personnes")
    page.locator("#id_first_name").fill("Inès")
    page.locator("#id_last_name").fill("Moreau")
    page.locator("#id_email").fill("ines.moreau@fabrique.test")
    page.locator("#id_employment_status").select_option("salarie")
    page.locator("#id_convention_start").fill("2026-01-05")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_test_id("mediateurs")).to_contain_text("Inès Moreau")
    expect(page.get_by_test_id("mediateurs")).to_contain_text("Éligible")
    page.get_by_role("link", name="Étape suivante").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Charte #APTIC")
    for checkbox in page.locator("form input[type=checkbox]").all():
        checkbox.check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Critères qualité")
    for answer in page.locator("form textarea").all():
        answer.fill("Nous accueillons chacun sans rendez-vous le matin, avec deux postes.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pièces justificatives")
    page.locator("#id_kind").select_option("statuts")
    page.locator("#id_file").set_input_files(
        files=[{"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Joindre").click()
    expect(page.get_by_test_id("documents")).to_contain_text("statuts.pdf")
    page.get_by_role("link", name="Récapitulatif et dépôt").last.click()
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Déposée")
    _logout(page)

    # Staff review it and ask for a change.
    login(page, reviewer.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Candidatures").click()
    page.get_by_test_id("queue").get_by_role("link", name="La Fabrique du Onzième").click()
    page.get_by_role("button", name="Instruire cette candidature").click()
    page.locator("form[action$='/modifications/'] textarea").fill(
        "Ouvrez-vous aussi le samedi ? Précisez vos horaires."
    )
    page.get_by_role("button", name="Demander des modifications").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Modifications demandées")
    _logout(page)

    # The structure reads the request, fixes the lieu and submits again.
    login(page, admin.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Devenir #APTIC").click()
    page.get_by_role("link", name="Fabrique numérique de la Roquette").click()
    expect(page.get_by_text("Ouvrez-vous aussi le samedi ? Précisez vos horaires.", exact=True)).to_be_visible()
    page.get_by_role("link", name="2. Le lieu").click()
    page.locator("#id_opening_hours").fill("Mo-Fr 09:00-12:00; Sa 09:00-12:00")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_role("link", name="Récapitulatif et dépôt").last.click()
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Déposée")
    _logout(page)

    # Staff approve.
    login(page, reviewer.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Candidatures").click()
    page.get_by_test_id("queue").get_by_role("link", name="La Fabrique du Onzième").click()
    page.get_by_role("button", name="Approuver", exact=True).click()
    expect(page.get_by_test_id("application-status")).to_have_text("Approuvée")
    _logout(page)

    # The lieu is in the public directory…
    page.goto("/lieux/")
    page.get_by_label("Commune ou code postal").fill("75011")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_test_id("lieux-list").get_by_role("link", name="Fabrique numérique de la Roquette").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fabrique numérique de la Roquette")
    expect(page.get_by_test_id("opening-hours")).to_contain_text("samedi")

    # …and in the export in the national standard.
    exported = json.loads(page.request.get(f"{live_server.url}/api/v1/lieux/export/?format=json").text())
    rows = exported if isinstance(exported, list) else exported.get("data", exported.get("lieux", []))
    names = {row["nom"] for row in rows}
    assert "Fabrique numérique de la Roquette" in names
