import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.enums import OrganisationKind, StaffRole
from cheques.enums import CarnetStatus, OrderStatus
from cheques.models import Carnet, Order
from cheques.services import distribution
from tests.factories import member, order_through, staff_user
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_the_simulation_shows_a_live_price_and_saves_a_draft(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    client.force_login(buyer)
    assert "Simuler une commande" in page_text(client.get(reverse("cheques:order-create")))
    fragment = client.post(
        reverse("cheques:order-price"), {"quantity": "1000", "carnet_size": "10"}, HTTP_HX_REQUEST="true"
    )
    text = page_text(fragment)
    assert "100 carnets de 10 chèques" in text and "Total TTC 10 480,00 €" in text
    warning = page_text(client.post(reverse("cheques:order-price"), {"quantity": "15", "carnet_size": "10"}))
    assert "carnets entiers" in warning
    valid_until = timezone.localdate().replace(year=timezone.localdate().year + 1, month=12, day=31)
    response = client.post(
        reverse("cheques:order-create"),
        {"quantity": "20", "carnet_size": "10", "valid_until": valid_until.isoformat(), "communes": "Allanche"},
        follow=True,
    )
    order = Order.objects.get()
    assert order.status == OrderStatus.DRAFT and list(order.communes.values_list("code", flat=True)) == ["15001"]
    assert "Dans les lieux situés à : Allanche" in page_text(response)


def test_bad_input_gets_a_clear_error_and_creates_nothing(client):
    client.force_login(member(OrganisationKind.COMMANDITAIRE))
    response = client.post(
        reverse("cheques:order-create"),
        {"quantity": "15", "carnet_size": "10", "valid_until": "2099-01-01", "communes": "Nulle-Part-Sur-Mer"},
    )
    text = page_text(response)
    assert "Commune introuvable" in text and "carnets entiers" in text
    assert not Order.objects.exists()


def test_another_funders_order_and_documents_are_a_404(client):
    order = order_through(OrderStatus.CONFIRMED)
    client.force_login(member(OrganisationKind.COMMANDITAIRE))
    for name in ("order-detail", "order-update", "order-progress", "order-quote-pdf"):
        assert client.get(reverse(f"cheques:{name}", args=[order.pk])).status_code == 404
    assert client.post(reverse("cheques:order-cancel", args=[order.pk])).status_code == 404
    assert client.get(reverse("cheques:invoice-pdf", args=[order.invoices.get().pk])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_other_kinds_of_organisation_cannot_reach_funder_pages(client):
    client.force_login(member(OrganisationKind.DISTRIBUTEUR))
    assert client.get(reverse("cheques:order-list")).status_code == 403
    assert client.get(reverse("cheques:order-create")).status_code == 403


def test_the_funder_walks_quote_confirm_and_sees_bank_details(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.QUOTED, by=buyer)
    client.force_login(buyer)
    pdf = client.get(reverse("cheques:order-quote-pdf", args=[order.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    confirm_page = page_text(client.get(reverse("cheques:order-confirm", args=[order.pk])))
    assert "Je confirme et m'engage à payer 209,60" in confirm_page
    response = client.post(reverse("cheques:order-confirm", args=[order.pk]), follow=True)
    order.refresh_from_db()
    text = page_text(response)
    assert order.status == OrderStatus.CONFIRMED and order.transfer_reference in text and "IBAN" in text
    again = client.post(reverse("cheques:order-confirm", args=[order.pk]), follow=True)
    assert "Déjà effectué" in page_text(again)
    invoice = client.get(reverse("cheques:invoice-pdf", args=[order.invoices.get().pk]))
    from pypdf import PdfReader

    invoice_text = PdfReader(io.BytesIO(b"".join(invoice.streaming_content))).pages[0].extract_text()
    invoice_text = invoice_text.replace("\u00a0", " ")  # "40 €" is kept on one line by a no-break space
    for mention in (order.invoices.get().number, order.transfer_reference, "40 €", "SIREN", "209,60"):
        assert mention in invoice_text


def test_finance_records_a_transfer_in_the_admin(client, django_capture_on_commit_callbacks):
    order = order_through(OrderStatus.CONFIRMED)
    finance = staff_user(StaffRole.FINANCE)
    client.force_login(finance)
    assert "1 commande attend un virement" in page_text(client.get(reverse("home")))
    url = reverse("admin:cheques_order_record_payment")
    listing = page_text(client.get(url))
    assert order.transfer_reference in listing and "209,60" in listing
    wrong = client.post(
        url,
        {"transfer_reference": order.transfer_reference, "amount": "200,00", "received_on": timezone.localdate()},
        follow=True,
    )
    assert "ne correspond pas" in page_text(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"transfer_reference": order.transfer_reference, "amount": "209,60", "received_on": timezone.localdate()},
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.payment.recorded_by == finance
    client.force_login(staff_user(StaffRole.SUPPORT))
    assert client.get(url).status_code == 403


def test_the_order_page_shows_progress_then_the_downloads(client, django_capture_on_commit_callbacks):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.PAID, by=buyer)
    client.force_login(buyer)
    fragment = client.get(reverse("cheques:order-progress", args=[order.pk]))
    assert "Chèques émis : 0 sur 20" in page_text(fragment) and 'hx-trigger="every 2s"' in fragment.content.decode()
    from cheques.tasks import order_issue_task

    with django_capture_on_commit_callbacks(execute=True):
        order_issue_task.delay(order.pk)
    fragment = client.get(reverse("cheques:order-progress", args=[order.pk]))
    assert "Carnets 1 à 2 (PDF)" in page_text(fragment) and "every 2s" not in fragment.content.decode()
    chunk = order.print_jobs.get().chunks.get()
    download = client.get(reverse("cheques:print-chunk", args=[order.pk, chunk.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # consumed: the file is closed
    client.force_login(member(OrganisationKind.COMMANDITAIRE))
    assert client.get(reverse("cheques:print-chunk", args=[order.pk, chunk.pk])).status_code == 404


def test_cheques_by_status_and_distributeur_and_their_exports(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.ISSUED, by=buyer, quantity=30)
    holder = member(OrganisationKind.DISTRIBUTEUR)
    ccas = holder.memberships.get().organisation
    distribution.partnership_add(funder=order.funder, distributeur=ccas, by=buyer)
    distribution.carnets_assign(
        funder=order.funder, carnets=order.carnets.filter(position=1), distributeur=ccas, by=buyer
    )
    client.force_login(buyer)
    text = page_text(client.get(reverse("cheques:cheques-overview")))
    assert ccas.name in text and "Disponible 30" in text
    response = client.get(reverse("cheques:cheques-export-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Chèque" and len(rows) == 31
    assert sum(1 for row in rows[1:] if row[7] == ccas.name) == 10
    xlsx = client.get(reverse("cheques:cheques-export-xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.active.max_row == 31


def test_the_distributeur_sees_its_stock_hands_out_and_blocks(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.ISSUED, by=buyer, quantity=30)
    holder = member(OrganisationKind.DISTRIBUTEUR)
    ccas = holder.memberships.get().organisation
    distribution.partnership_add(funder=order.funder, distributeur=ccas, by=buyer)
    distribution.carnets_assign(funder=order.funder, carnets=order.carnets.all(), distributeur=ccas, by=buyer)
    first, second, third = order.carnets.order_by("number")
    client.force_login(holder)
    assert "3 carnets à remettre" in page_text(client.get(reverse("home")))
    response = client.post(
        reverse("cheques:hand-out"),
        {"number": first.number, "age_band": "18_25", "commune": "Saint-Flour"},
        follow=True,
    )
    assert f"Carnet {first.number} noté comme remis" in page_text(response)
    response = client.post(
        reverse("cheques:carnet-block"), {"block-number": second.number, "block-reason": "volé"}, follow=True
    )
    assert "10 chèque(s) inutilisé(s) ne peuvent plus servir" in page_text(response)
    # The funder still sees everything; another distributeur sees nothing.
    client.force_login(member(OrganisationKind.DISTRIBUTEUR))
    assert client.get(reverse("cheques:carnet-detail", args=[third.number])).status_code == 404
    first.refresh_from_db()
    assert first.status == CarnetStatus.DISTRIBUTED
    assert Carnet.objects.get(pk=second.pk).status == CarnetStatus.BLOCKED


def test_the_public_home_and_menu_link_the_balance_page(client):
    assert "Vérifier mon carnet" in page_text(client.get("/"))
    assert client.get(reverse("cheques:balance")).status_code == 200


def test_a_funder_finds_a_distributeur_by_name_or_siret_and_adds_it(client):
    from tests.factories import OrganisationFactory

    buyer = member(OrganisationKind.COMMANDITAIRE)
    ccas = OrganisationFactory(distributeur=True, name="CCAS de Murat", siret="90000005000001")
    OrganisationFactory(structure=True, name="CCAS imaginaire mais structure")
    client.force_login(buyer)
    text = page_text(client.get(reverse("cheques:distribution"), {"q": "murat"}))
    assert "CCAS de Murat" in text and "imaginaire" not in text
    assert "CCAS de Murat" in page_text(client.get(reverse("cheques:distribution"), {"q": "900000050"}))
    response = client.post(reverse("cheques:partner-add"), {"distributeur": ccas.pk}, follow=True)
    assert "CCAS de Murat fait désormais partie de vos distributeurs" in page_text(response)
    again = client.post(reverse("cheques:partner-add"), {"distributeur": ccas.pk}, follow=True)
    assert "Déjà effectué" in page_text(again)


def test_a_funder_blocks_and_replaces_a_lost_carnet_from_its_page(client, django_capture_on_commit_callbacks):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.ISSUED, by=buyer, quantity=10)
    carnet = order.carnets.get()
    client.force_login(buyer)
    client.post(reverse("cheques:carnet-block"), {"block-number": carnet.number, "block-reason": "perdu"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cheques:carnet-replace", args=[carnet.number]), follow=True)
    replacement = Carnet.objects.get(replaces=carnet)
    text = page_text(response)
    assert f"Carnet {replacement.number}" in text and f"Remplace le carnet {carnet.number}" in text
    pdf = client.get(reverse("cheques:carnet-pdf", args=[replacement.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    refused = client.get(reverse("cheques:carnet-pdf", args=[carnet.number]), follow=True)
    assert "ne se réimprime plus" in page_text(refused)
