"""Staff read the admin in French: every list and page of every registered model shows French labels, euros
and percentages, never a field's Python name nor raw cents or basis points."""

import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst

from accounts.enums import MembershipRole, StaffRole
from accounts.services import api_key_create
from aptic.fields import MONEY_FIELDS, RateField
from cheques.enums import OrderStatus
from cheques.models import FeeRates
from cheques.services.orders import order_cancel
from qualification.services import applications
from settlement.services import runs
from tests.factories import LieuFactory, UserFactory, member, order_through, qualify, staff_user, totp_enrol
from tests.qualification.helpers import complete_application
from tests.settlement.helpers import OCTOBER, redeemed, verified_account

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "ledger", "territories", "referentiel", "qualification", "cheques", "settlement"}
# Python names whose plain spelling is already what French-speaking staff expect to read.
FRENCH_NAMES = {"action", "bic", "carnet", "code", "commune", "communes", "description", "distributeur", "formats"}
FRENCH_NAMES |= {"iban", "id", "latitude", "lieu", "lieux", "longitude", "organisation", "pdf", "population"}
FRENCH_NAMES |= {"publics", "service", "services", "siret", "situation", "structure", "total_ht", "total_ttc"}
FRENCH_NAMES |= {"permissions", "type", "version"}
EMPTY = {"", "-", "—"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []
        self.classes = set((attrs.get("class") or "").split())

    def text(self) -> str:
        parts = [child if isinstance(child, str) else child.text() for child in self.children]
        return " ".join("".join(parts).split())

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def has(self, tag: str) -> bool:
        return any(node.tag == tag for node in self.walk())

    def inside(self, tag: str) -> bool:
        parent = self.parent
        while parent is not None and parent.tag != tag:
            parent = parent.parent
        return parent is not None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def html_tree(response) -> Node:
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


def labels(tree: Node) -> list[str]:
    """What names the columns, filters and fields: table headers, filter titles, field labels."""
    found = []
    for node in tree.walk():
        if node.tag == "th" and node.inside("thead"):
            found.append(node.text())
        elif node.tag == "label":
            found.append(node.text().rstrip(":\u00a0\u202f ").strip())
        elif "data-filter-title" in node.attrs:
            found.append(capfirst(node.attrs["data-filter-title"]))
    return [label for label in found if label]


def raw_names(model_admin) -> dict[str, str]:
    """The label Django would make of the Python name of each field or attribute a page of this admin shows."""
    names = set()
    for shown in [model_admin, *model_admin.inlines]:
        names |= {field.name for field in shown.model._meta.get_fields()}
        for attribute in ("list_display", "readonly_fields", "fields", "list_filter"):
            names |= {name for name in getattr(shown, attribute, None) or () if isinstance(name, str)}
    return {capfirst(name.replace("_", " ")).lower(): name for name in names - FRENCH_NAMES - {"__str__"}}


def formatted_cells(tree: Node, model) -> list[tuple[str, str, str]]:
    """(field name, unit expected, text shown) for each read-only money or rate value on the page."""
    units = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, MONEY_FIELDS):
            units[field.name] = "€"
        elif isinstance(field, RateField):
            units[field.name] = "%"
    cells = []
    for node in tree.walk():
        for css_class in node.classes:
            name = css_class.removeprefix("field-").removesuffix("_formatted")
            if css_class.startswith("field-") and name in units and not node.has("input"):
                cells.append((name, units[name], _value_text(node)))
    return cells


def _value_text(node: Node) -> str:
    """The value of a read-only row (without its label), or the text of a list cell."""
    for child in node.walk():
        if "readonly" in child.classes:
            return child.text()
    return node.text()


def _inline_models(model_admin) -> list:
    return [inline.model for inline in model_admin.inlines]


def _check_page(tree: Node, models_shown: list, raw: dict[str, str], where: str) -> list[str]:
    problems = [f"{where}: raw label « {label} »" for label in labels(tree) if label.lower() in raw]
    problems += [f"{where}: a value reads « None »" for node in tree.walk() if node.text() == "None"]
    for model in models_shown:
        for name, unit, shown in formatted_cells(tree, model):
            if shown not in EMPTY and unit not in shown:
                problems.append(f"{where}: {model.__name__}.{name} shown as « {shown} », without « {unit} »")
    return problems


@pytest.fixture
def admin_client(client):
    """A superuser with a second factor, as every staff account has."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(superuser)
    client.force_login(superuser)
    return client


@pytest.fixture
def a_row_of_everything(demo_data, django_capture_on_commit_callbacks):
    """Beside the demo data: a settled, exported month, an application under way, an API key, a credit note."""
    lieu, _redemptions = redeemed([1, 2])
    verified_account(lieu.structure)
    held_lieu, _held = redeemed([1])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 6), tick=True):
        run = runs.settlement_compute(period=OCTOBER)
    first, second = staff_user(StaffRole.FINANCE), staff_user(StaffRole.FINANCE)
    runs.settlement_review(run=run, by=first)
    runs.settlement_approve(run=run, by=second)
    runs.settlement_export(run=run, by=second)
    user, application = complete_application()
    applications.application_submit(application=application, by=user)
    admin_user = member(organisation=lieu.structure, role=MembershipRole.ADMIN)
    api_key_create(organisation=lieu.structure, name="Logiciel de caisse", by=admin_user)
    order = order_through(OrderStatus.CONFIRMED)
    order_cancel(order=order, by=order.created_by, reason="Erreur de quantité")


def test_every_admin_page_speaks_french_and_shows_euros(admin_client, a_row_of_everything):
    problems = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        raw = raw_names(model_admin)
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        problems += _check_page(html_tree(changelist), [model], raw, f"{opts.label} list")
        obj = model_admin.get_queryset(changelist.wsgi_request).order_by("-pk").first()
        if obj is None:
            assert opts.app_label not in OUR_APPS, f"no {opts.label} to look at: add one to the fixture"
            continue
        change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]))
        assert change.status_code == 200, opts.label
        problems += _check_page(html_tree(change), [model, *_inline_models(model_admin)], raw, f"{opts.label} page")
    assert not problems, "\n".join(problems)


def test_every_field_and_model_of_the_platform_has_a_french_name():
    unnamed = []
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in OUR_APPS:
            continue
        if "verbose_name" not in opts.original_attrs or "verbose_name_plural" not in opts.original_attrs:
            unnamed.append(opts.label)
        unnamed += [
            f"{opts.label}.{field.name}"
            for field in [*opts.concrete_fields, *opts.many_to_many]
            if not field.auto_created and field._verbose_name is None
        ]
    assert not unnamed


def test_amounts_and_rates_are_declared_as_such():
    """A column of cents or basis points is a MoneyField or a RateField, so that the admin formats it."""
    undeclared = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.IntegerField) or isinstance(field, MONEY_FIELDS + (RateField,)):
                continue
            money_like = field.name in {
                "amount",
                "vat",
                "mutations",
                "paid_total",
                "held_total",
            } or field.name.endswith(("face_value", "face_value_total", "_ht", "_ttc", "_amount"))
            if money_like or field.name.endswith("_bp"):
                undeclared.append(f"{model._meta.label}.{field.name}")
    assert not undeclared


def test_rates_to_come_are_typed_in_euros_and_percent(admin_client):
    add = reverse("admin:cheques_feerates_add")
    form = {
        "valid_from": "2027-01-01",
        "face_value": "10,50",
        "upstream_fee_bp": "4,5",
        "downstream_fee_bp": "4",
        "vat_bp": "20",
        "mutations_bp": "1",
        "decision": "AG 2026",
    }
    refused = admin_client.post(add, {**form, "face_value": "dix euros", "vat_bp": "20,005"})
    assert "Indiquez un montant en euros" in refused.content.decode()
    assert "Indiquez un pourcentage" in refused.content.decode()
    assert admin_client.post(add, form).status_code == 302
    rates = FeeRates.objects.get(valid_from=datetime.date(2027, 1, 1))
    assert (rates.face_value, rates.upstream_fee_bp, rates.vat_bp) == (1050, 450, 2000)
    page = admin_client.get(reverse("admin:cheques_feerates_change", args=[rates.pk])).content.decode()
    assert 'value="10,50"' in page and 'value="4,5"' in page


def test_a_private_file_is_named_never_linked_to_its_storage_address(admin_client):
    qualification = qualify(LieuFactory())
    qualification.certificate.save("attestation-lieu.pdf", ContentFile(b"%PDF-1.4"))
    page = admin_client.get(reverse("admin:qualification_qualification_change", args=[qualification.pk]))
    content = page.content.decode()
    assert qualification.certificate.name in content  # named in the form…
    links = re.findall(r'href="([^"]+)"', content)
    assert [link for link in links if link.endswith(qualification.certificate.name)] == []  # …not linked
