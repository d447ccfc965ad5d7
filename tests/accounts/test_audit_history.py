"""The audit log and the history are append-only, cover the admin, and stay complete under bulk and raw SQL."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from accounts.enums import HistoryOperation
from accounts.history.actor import history_actor
from accounts.models import AuditEvent, HistoryEntry, Organisation
from accounts.services import audit_record
from aptic.append_only import AppendOnlyError
from cheques.enums import ChequeStatus, OrderStatus
from cheques.models import Cheque, FeeRates, Order
from tests.factories import OrderFactory, OrganisationFactory, UserFactory, order_through, staff_user, totp_enrol
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def _history(table: str, object_id) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(table_name=table, object_id=str(object_id)).order_by("id"))


def test_the_orm_cannot_update_or_delete_the_audit_log_or_the_history():
    event = audit_record(action="test.done")
    with pytest.raises(AppendOnlyError):
        event.action = "test.undone"
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        HistoryEntry.objects.all().delete()


def test_the_database_refuses_to_edit_the_audit_log_on_any_engine():
    """SQLite (the embedded mode) refuses updates too; PostgreSQL refuses more (below)."""
    audit_record(action="test.done")
    for statement in (
        "UPDATE accounts_auditevent SET action = 'forged'",
        "UPDATE accounts_historyentry SET object_id = ''",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.done").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_update_delete_and_truncate_of_the_audit_log_and_the_history():
    audit_record(action="test.done")
    UserFactory()  # a user's creation is in the history
    assert HistoryEntry.objects.exists()
    for statement in (
        "UPDATE accounts_auditevent SET action = 'forged'",
        "DELETE FROM accounts_auditevent",
        "TRUNCATE accounts_auditevent",
        "UPDATE accounts_historyentry SET changes = '{}'",
        "DELETE FROM accounts_historyentry",
        "TRUNCATE accounts_historyentry",
        "TRUNCATE accounts_user CASCADE",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.done").count() == 1


# --- The admin ------------------------------------------------------------------------------------------------


def test_every_add_change_and_delete_made_in_the_admin_is_in_the_audit_log(client):
    admin = UserFactory(staff=True, is_superuser=True)
    totp_enrol(admin)
    client.force_login(admin)
    organisation = OrganisationFactory(name="Ancien nom")
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {
            "kind": organisation.kind,
            "name": "Nouveau nom",
            "legal_form": "",
            "siret": organisation.siret,
            "vat_number": "",
            "address": organisation.address,
            "postcode": organisation.postcode,
            "city": organisation.city,
            "email": "",
            "phone": "",
            "created_at_0": "18/11/2026",
            "created_at_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, page_text(response)
    changed = AuditEvent.objects.get(action="admin.changed")
    assert (changed.actor, changed.target_type, changed.target_id) == (
        admin,
        "accounts.organisation",
        str(organisation.pk),
    )
    assert "Nom" in changed.data["change_message"] and changed.data["object"] == "Nouveau nom"
    text = page_text(client.get(reverse("admin:accounts_auditevent_changelist") + "?action=admin.changed"))
    assert "Nouveau nom — Modification de Nom" in text

    # A bulk deletion from the list (one admin log entry per object, written in one bulk insert).
    doomed = [OrganisationFactory(), OrganisationFactory()]
    response = client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in doomed], "post": "yes"},
    )
    assert response.status_code == 302
    deleted = AuditEvent.objects.filter(action="admin.deleted", actor=admin)
    assert sorted(deleted.values_list("target_id", flat=True)) == sorted(str(o.pk) for o in doomed)
    assert not Organisation.objects.filter(pk__in=[o.pk for o in doomed]).exists()


# --- History under bulk and raw SQL ------------------------------------------------------------------------------


def test_bulk_and_raw_sql_updates_of_cheques_and_orders_are_in_the_history():
    order = order_through(OrderStatus.ISSUED, quantity=20, carnet_size=10)
    cheques = list(Cheque.objects.filter(order=order).order_by("number")[:3])
    # Issuance recorded each cheque's first status.
    assert _history("cheques_cheque", cheques[0].pk)[0].changes == {"status": [None, ChequeStatus.ISSUED]}

    Cheque.objects.filter(pk__in=[c.pk for c in cheques[:2]]).update(status=ChequeStatus.BLOCKED)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cheques_cheque SET status = 'redeemed' WHERE id = %s", [cheques[2].pk])
        cursor.execute("UPDATE cheques_order SET purchase_reference = 'BC-FORGED' WHERE id = %s", [order.pk])
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)

    expected = [ChequeStatus.BLOCKED, ChequeStatus.BLOCKED, ChequeStatus.REDEEMED]
    for cheque, status in zip(cheques, expected, strict=True):
        last = _history("cheques_cheque", cheque.pk)[-1]
        assert (last.operation, last.changes) == (HistoryOperation.UPDATE, {"status": [ChequeStatus.ISSUED, status]})
    order_changes = [entry.changes for entry in _history("cheques_order", order.pk)]
    assert {"purchase_reference": ["", "BC-FORGED"]} in order_changes
    assert order_changes[-1] == {"status": [OrderStatus.ISSUED, OrderStatus.CANCELLED]}
    # Nothing is written for an update that changes no tracked column.
    before = HistoryEntry.objects.count()
    Cheque.objects.filter(pk=cheques[0].pk).update(status_changed_at=None)
    assert HistoryEntry.objects.count() == before


def test_staff_rights_changes_are_in_the_history_with_their_author(client):
    boss = UserFactory(staff=True, is_superuser=True)
    totp_enrol(boss)
    clerk = UserFactory()
    finance = Group.objects.get(name="finance")
    with history_actor(boss):
        clerk.groups.add(finance)
        User = type(clerk)
        User.objects.filter(pk=clerk.pk).update(is_staff=True, last_login=None)
        clerk.groups.remove(finance)
    entries = _history("accounts_user", clerk.pk)
    assert entries[-1].changes == {"is_staff": [False, True]}  # last_login is not tracked
    assert entries[-1].actor == boss
    groups = _history("accounts_user_groups", clerk.pk)
    assert [entry.operation for entry in groups] == [HistoryOperation.INSERT, HistoryOperation.DELETE]
    assert groups[0].changes["group_id"] == [None, finance.pk] and groups[0].actor == boss

    client.force_login(boss)
    text = page_text(client.get(reverse("admin:accounts_user_history", args=[clerk.pk])))
    assert "Statut équipe : non → oui" in text
    assert "Rôle (groupe) : — → finance" in text and "Rôle (groupe) : finance → —" in text
    assert str(boss) in text


def test_staff_read_the_history_in_french_with_its_author_and_euros(client):
    order = order_through(OrderStatus.CONFIRMED)
    finance = staff_user("finance")
    client.force_login(finance)
    # A change made through a request is signed by the person who made it.
    rates = FeeRates.objects.create(valid_from="2027-01-01", decision="AG 2026")
    response = client.post(
        reverse("admin:cheques_feerates_change", args=[rates.pk]),
        {
            "valid_from": "01/01/2027",
            "face_value": "12,00",  # typed in euros and percent (aptic/admin_base.py)
            "upstream_fee_bp": "4",
            "downstream_fee_bp": "4",
            "vat_bp": "20",
            "mutations_bp": "1",
            "decision": "AG 2026",
        },
    )
    assert response.status_code == 302, page_text(response)
    last = _history("cheques_feerates", rates.pk)[-1]
    assert last.actor == finance and last.changes["face_value"] == [1000, 1200]

    text = page_text(client.get(reverse("admin:cheques_feerates_history", args=[rates.pk])))
    assert "Historique complet" in text
    assert "Valeur faciale d'un chèque : 10,00 € → 12,00 €" in text
    assert str(finance) in text

    text = page_text(client.get(reverse("admin:cheques_order_history", args=[order.pk])))
    assert "État : Devis émis → Confirmée" in text or "État : Devis → Confirmée" in text
    assert "Total TTC : — → 209,60 €" in text

    text = page_text(client.get(reverse("admin:accounts_historyentry_changelist")))
    assert "Barème des frais" in text or "barème des frais" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_sql_from_outside_the_application_is_signed_with_the_database_role():
    order = OrderFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET application_name = 'psql'")
        cursor.execute("UPDATE cheques_order SET quantity = 30 WHERE id = %s", [order.pk])
        cursor.execute("SET application_name = ''")
    entry = _history("cheques_order", order.pk)[-1]
    assert (entry.actor, entry.db_user, entry.application) == (None, "postgres", "psql")
    assert entry.changes == {"quantity": [20, 30]}


def test_the_author_follows_whoever_acts_even_inside_one_transaction():
    """The author is set once per database transaction; a savepoint rolled back takes its author with it."""
    alice, bob = UserFactory(), UserFactory()
    order = OrderFactory()
    with history_actor(alice):
        Order.objects.filter(pk=order.pk).update(quantity=30)
    with history_actor(bob):
        Order.objects.filter(pk=order.pk).update(quantity=40)
        with pytest.raises(ValueError), transaction.atomic(), history_actor(alice):
            Order.objects.filter(pk=order.pk).update(quantity=50)
            raise ValueError("rolled back")
        Order.objects.filter(pk=order.pk).update(quantity=60)
    with history_actor(alice):
        Order.objects.filter(pk=order.pk).update(quantity=70)
    entries = _history("cheques_order", order.pk)[-4:]
    assert [(entry.changes["quantity"][1], entry.actor) for entry in entries] == [
        (30, alice),
        (40, bob),
        (60, bob),
        (70, alice),
    ]
