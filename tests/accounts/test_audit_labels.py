"""Staff read the audit log in words: every action the platform records has a French label."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.audit_labels import ACTION_LABELS, audit_action_label
from accounts.models import AuditEvent
from accounts.services import audit_record, organisation_create
from tests.factories import UserFactory, totp_enrol
from tests.utils import page_text

APPS = ["accounts", "ledger", "territories", "referentiel", "qualification", "cheques", "settlement"]
# ``action=<expression>`` up to the end of the argument, and the string literals inside it.
ACTION_ARGUMENT = re.compile(r"\baction=([^,\n)]+(?:\n\s+if [^,\n)]+)?)")
LITERAL = re.compile(r'(f?)"([^"]+)"')
# …or a module constant passed as ``action=ACTION``.
CONSTANT = re.compile(r'^[A-Z_]*ACTION[A-Z_]* = "([^"]+)"', re.MULTILINE)
# Application steps are recorded by ``_step(…, action="lieu_saved")`` under ``qualification.application.``.
STEP_PREFIX = "qualification.application."


def recorded_actions() -> tuple[set[str], set[str]]:
    """The audit codes the sources record (literals), and the prefixes of the codes they build (f-strings)."""
    codes, prefixes = set(), set()
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            source = path.read_text()
            codes.update(CONSTANT.findall(source))
            for argument in ACTION_ARGUMENT.findall(source):
                for is_format, text in LITERAL.findall(argument):
                    if is_format:
                        prefixes.add(text.split("{")[0])
                    else:
                        codes.add(text if "." in text else STEP_PREFIX + text)
    return codes, prefixes


def test_every_recorded_action_has_a_french_label():
    codes, prefixes = recorded_actions()
    assert len(codes) > 50
    assert {"cheques.order.paid", "qualification.application.lieu_saved", "accounts.staff_rights.changed"} <= codes
    assert sorted(codes - ACTION_LABELS.keys()) == []
    assert prefixes == {"settlement.run.", "settlement.bank_account.", "qualification.application.", "qualification."}
    assert [prefix for prefix in prefixes if not any(code.startswith(prefix) for code in ACTION_LABELS)] == []


def test_an_unknown_action_still_reads_as_something():
    assert audit_action_label("cheques.order.paid") == "Virement reçu enregistré"
    assert audit_action_label("plugin.thing.done") == "Action non répertoriée (plugin.thing.done)"


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    totp_enrol(superuser)
    client.force_login(superuser)
    return client


@pytest.mark.django_db
def test_the_audit_log_shows_labels_and_filters_by_them(admin_client):
    organisation_create(kind="commanditaire", name="Département de la Creuse", by=UserFactory())
    audit_record(action="plugin.thing.done")
    changelist = reverse("admin:accounts_auditevent_changelist")
    text = page_text(admin_client.get(changelist))
    assert "Organisation créée" in text and "Action non répertoriée (plugin.thing.done)" in text
    assert "accounts.organisation.created" not in text
    filtered = page_text(admin_client.get(changelist, {"action": "accounts.organisation.created"}))
    assert "Organisation créée" in filtered and "plugin.thing.done" not in filtered.split("Filtre")[0]
    event = AuditEvent.objects.get(action="accounts.organisation.created")
    page = page_text(admin_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk])))
    assert "Action : Organisation créée" in page and "Objet concerné : organisation n° " in page
