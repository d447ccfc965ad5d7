"""The history in French, for staff: who, when, what changed (labels of the model, money in euros, IBANs
masked unless the reader may see bank details)."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import StaffRole
from accounts.history.tracking import Tracked, tracked_tables
from accounts.models import HistoryEntry
from aptic.iban import iban_masked
from aptic.money import format_eur, format_rate


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryLine:
    entry: HistoryEntry
    what: str  # the kind of object, in French
    author: str
    changes: list[Change]


# French names for the tracked columns whose model gives none (Django then derives one from the English name).
UNNAMED_FIELDS = {
    "created_at": gettext_lazy("créé le"),
    "created_by": gettext_lazy("créé par"),
    "user": gettext_lazy("utilisateur"),
    "group": gettext_lazy("rôle (groupe)"),
    "lieu": gettext_lazy("lieu"),
    "mediateur": gettext_lazy("médiateur"),
    "qualification": gettext_lazy("qualification"),
    "application": gettext_lazy("candidature"),
    "run": gettext_lazy("contrepaiement mensuel"),
    "bank_account": gettext_lazy("compte bancaire"),
    "iban": gettext_lazy("IBAN"),
    "bic": gettext_lazy("BIC"),
    "holder": gettext_lazy("titulaire"),
    "fee_rates": gettext_lazy("barème"),
    "upstream_fee_bp": gettext_lazy("frais contributifs amont"),
    "vat_bp": gettext_lazy("taux de TVA"),
    "first_carnet_sequence": gettext_lazy("premier numéro de carnet"),
}


def field_label(field: models.Field) -> str:
    named = str(field.verbose_name) != field.name.replace("_", " ")
    return str(field.verbose_name if named else UNNAMED_FIELDS.get(field.name, field.verbose_name))


def may_see_bank_details(access) -> bool:
    """Finance staff pay the structures: they see IBANs whole; every other reader sees them masked."""
    return access is not None and access.has_staff_role(StaffRole.FINANCE)


def _related(field: models.ForeignKey, value) -> str:
    related = field.related_model._default_manager.filter(pk=value).first()
    return str(related) if related is not None else f"#{value}"


def _format(tracked: Tracked, field: models.Field, value, *, bank_details: bool) -> str:
    if value is None or value == "":
        return "—"
    if field.name in tracked.money:
        return format_eur(int(value))
    if field.name in tracked.masked and not bank_details:
        return iban_masked(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("oui") if value else _("non")
    if isinstance(field, models.ForeignKey):
        return _related(field, value)
    if field.name.endswith("_bp") and isinstance(value, int):
        return format_rate(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value.replace(" ", "T"))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str) and (day := parse_date(value[:10])):
        return date_format(day, "SHORT_DATE_FORMAT")
    return str(value)


def _author(entry: HistoryEntry) -> str:
    if entry.actor_id:
        return str(entry.actor) if entry.actor else f"#{entry.actor_id}"
    if entry.db_user or entry.application:
        return _("hors application (rôle %(role)s, programme « %(program)s »)") % {
            "role": entry.db_user or "?",
            "program": entry.application or "?",
        }
    return _("système (tâche ou commande)")


def describe(entry: HistoryEntry, *, access=None) -> HistoryLine:
    tracked = tracked_tables().get(entry.table_name)
    bank_details = may_see_bank_details(access)
    changes = []
    if tracked is not None:
        fields = {field.column: field for field in tracked.fields}
        order = {column: position for position, column in enumerate(fields)}
        for column, pair in sorted(entry.changes.items(), key=lambda item: order.get(item[0], len(order))):
            field = fields.get(column)
            if field is None or not isinstance(pair, list) or len(pair) != 2:
                continue
            changes.append(
                Change(
                    label=field_label(field),
                    before=_format(tracked, field, pair[0], bank_details=bank_details),
                    after=_format(tracked, field, pair[1], bank_details=bank_details),
                )
            )
    what = str(tracked.model._meta.verbose_name) if tracked is not None else entry.table_name
    return HistoryLine(entry=entry, what=what, author=_author(entry), changes=changes)


def history_of(obj, *, access=None, limit: int = 200) -> list[HistoryLine]:
    """The history of one object, newest first (a user's also holds their staff-role memberships)."""
    tables = [
        table
        for table, tracked in tracked_tables().items()
        if tracked.model is type(obj)._meta.concrete_model
        or (tracked.model._meta.auto_created and tracked.object_field.related_model is type(obj))
    ]
    if not tables:
        return []
    entries = HistoryEntry.objects.filter(table_name__in=tables, object_id=str(obj.pk)).select_related("actor")
    return [describe(entry, access=access) for entry in entries[:limit]]
