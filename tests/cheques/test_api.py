import datetime

import pytest
from django.utils import timezone

from accounts.enums import OrganisationKind
from accounts.services import api_key_create
from cheques.enums import OrderStatus
from cheques.models import Order
from cheques.services import distribution
from cheques.services.issuance import order_issue
from tests.factories import member, order_through

pytestmark = pytest.mark.django_db


def key_for(user):
    _key, raw = api_key_create(organisation=user.memberships.get().organisation, name="outil", by=user)
    return {"Authorization": f"Api-Key {raw}"}


def test_a_funder_lists_creates_and_reads_its_orders_with_an_api_key(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    headers = key_for(buyer)
    valid_until = datetime.date(timezone.localdate().year + 1, 12, 31).isoformat()
    response = client.post(
        "/api/v1/orders/",
        {
            "quantity": 100,
            "carnet_size": 10,
            "valid_until": valid_until,
            "communes": ["15001"],
            "departements": ["63"],
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["communes"] == ["15001"] and body["reference"].startswith("CMD-")
    order = Order.objects.get(pk=body["id"])
    assert order.funder == buyer.memberships.get().organisation
    listing = client.get("/api/v1/orders/", headers=headers).json()
    assert [o["id"] for o in listing["results"]] == [order.pk]
    detail = client.get(f"/api/v1/orders/{order.pk}/", headers=headers).json()
    assert detail["progress"] == {
        "cheques_issued": 0,
        "quantity": 100,
        "issuance_percent": 0,
        "print_percent": 0,
        "print_done": False,
    }


def test_an_invalid_order_gets_the_api_error_shape(client):
    headers = key_for(member(OrganisationKind.COMMANDITAIRE))
    response = client.post(
        "/api/v1/orders/",
        {"quantity": 15, "carnet_size": 10, "valid_until": "2099-01-01"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_quantity"
    assert not Order.objects.exists()


def test_another_funders_order_is_a_404_and_other_kinds_are_refused(client):
    order = order_through(OrderStatus.CONFIRMED)
    assert client.get(f"/api/v1/orders/{order.pk}/", headers=key_for(member())).status_code == 404
    response = client.get("/api/v1/orders/", headers=key_for(member(OrganisationKind.STRUCTURE)))
    assert response.status_code == 403


def test_carnets_are_scoped_to_the_funder_or_the_distributeur_holding_them(client):
    buyer = member(OrganisationKind.COMMANDITAIRE)
    order = order_through(OrderStatus.ISSUED, by=buyer, quantity=30)
    holder = member(OrganisationKind.DISTRIBUTEUR)
    ccas = holder.memberships.get().organisation
    distribution.partnership_add(funder=order.funder, distributeur=ccas, by=buyer)
    distribution.carnets_assign(
        funder=order.funder, carnets=order.carnets.filter(position=2), distributeur=ccas, by=buyer
    )
    funder_view = client.get("/api/v1/carnets/", headers=key_for(buyer)).json()
    assert funder_view["count"] == 3 and funder_view["results"][0]["cheques_spendable"] == 10
    holder_view = client.get("/api/v1/carnets/", headers=key_for(holder)).json()
    assert [c["number"] for c in holder_view["results"]] == [order.carnets.get(position=2).number]
    assert "code_hash" not in holder_view["results"][0]
    assert client.get("/api/v1/carnets/", headers=key_for(member())).json()["count"] == 0


def test_the_balance_endpoint_needs_no_account_and_never_shows_a_carnet_without_its_code(client):
    order = order_through(OrderStatus.PAID, quantity=10)
    pairs = []
    order_issue(order_id=order.pk, code_sink=pairs.extend)
    number, code = pairs[0]
    response = client.post("/api/v1/balance/", {"number": number, "code": code}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["carnet"] == number.split("-")[0] and body["spendable"] == 10 and body["spendable_value"] == 10_000
    wrong = client.post(
        "/api/v1/balance/", {"number": number, "code": pairs[1][1]}, content_type="application/json"
    ).json()
    assert wrong == {"error": {"code": "wrong_code", "message": "Ce code ne correspond pas à ce numéro."}}


def test_the_schema_documents_the_cheques_endpoints(client):
    paths = client.get("/api/schema/", headers={"Accept": "application/json"}).json()["paths"]
    assert {"/api/v1/orders/", "/api/v1/orders/{id}/", "/api/v1/carnets/", "/api/v1/balance/"} <= set(paths)
