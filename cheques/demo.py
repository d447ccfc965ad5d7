"""Demo order: the demo funder orders 5 carnets of 10 cheques (valid until the end of next year, no
restriction), is invoiced, pays, gets them issued and printed; 3 carnets go to the demo distributeur, who
hands one out. The number and code of every cheque go to ``var/demo-cheques.csv`` (git-ignored): the
clear codes exist nowhere else, so a person trying the platform can check a balance and validate cheques.
"""

import csv
import datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import Organisation, User
from cheques.enums import CarnetStatus, OrderStatus
from cheques.models import Carnet, Order
from cheques.services import distribution, orders
from cheques.services.issuance import order_issue

FUNDER = "Région Auvergne-Rhône-Alpes (démo)"
DISTRIBUTEUR = "CCAS de Saint-Flour (démo)"
PURCHASE_REFERENCE = "DEMO-2026-001"


def csv_path():
    return settings.VAR_DIR / "demo-cheques.csv"


def load(stdout) -> None:
    funder = Organisation.objects.get(name=FUNDER)
    distributeur = Organisation.objects.get(name=DISTRIBUTEUR)
    buyer = User.objects.get(email="commanditaire@demo.aptic.test")
    finance = User.objects.get(email="finance@demo.aptic.test")
    holder = User.objects.get(email="distributeur@demo.aptic.test")
    order = Order.objects.filter(funder=funder, purchase_reference=PURCHASE_REFERENCE).first()
    if order is not None and order.status == OrderStatus.ISSUED:
        stdout.write(f"  cheques: demo order {order.reference} already issued (codes in {csv_path()})")
        return
    if order is None:
        today = timezone.localdate()
        order = orders.order_create(
            funder=funder,
            quantity=50,
            carnet_size=10,
            valid_until=datetime.date(today.year + 1, 12, 31),
            purchase_reference=PURCHASE_REFERENCE,
            by=buyer,
        )
        orders.order_quote(order=order, by=buyer)
        order = orders.order_confirm(order=order, by=buyer)
    order.refresh_from_db()
    if order.status == OrderStatus.CONFIRMED:
        orders.order_payment_record(
            transfer_reference=order.transfer_reference,
            amount=order.total_ttc,
            received_on=timezone.localdate(),
            bank_reference="VIR DEMO",
            by=finance,
        )
    path = csv_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["cheque", "carnet", "code", "qr_url"])
        from cheques.codes import qr_payload

        def sink(pairs):
            for number, code in pairs:
                writer.writerow([number, number.split("-")[0], code, qr_payload(number, code)])

        order_issue(order_id=order.pk, by=finance, code_sink=sink)
    if not distribution.Partnership.objects.filter(funder=funder, distributeur=distributeur).exists():
        distribution.partnership_add(funder=funder, distributeur=distributeur, by=buyer)
    if not Carnet.objects.filter(order=order, distributeur=distributeur).exists():
        first_three = Carnet.objects.filter(order=order).order_by("position")[:3]
        distribution.carnets_assign(
            funder=funder,
            carnets=Carnet.objects.filter(pk__in=[c.pk for c in first_three]),
            distributeur=distributeur,
            by=buyer,
        )
        first = Carnet.objects.filter(order=order, status=CarnetStatus.ASSIGNED).order_by("position").first()
        distribution.carnet_hand_out(
            carnet=first, distributeur=distributeur, by=holder, age_band="65_79", situation="retired"
        )
    stdout.write(f"  cheques: demo order {order.reference}, 5 carnets issued; numbers and codes in {path}")
