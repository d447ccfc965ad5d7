"""Writes of the référentiel: drafts and their edits, publication, import. Each one is audited.

The life of a version: a draft is created (empty, copied from a published version, or imported from a
file), edited, then published with the date from which it is in force. Publishing freezes it for good:
the services refuse any later change, the models refuse to save or delete its rows, and on PostgreSQL
database triggers refuse it too (``referentiel/sql.py``). Each transition writes a
:class:`~referentiel.models.VersionTransition` (actor, time, reason) and an audit event.
"""

import datetime
import zlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import audit_record
from aptic.errors import BusinessError
from aptic.text import normalize_search
from referentiel import io as referentiel_io
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version, VersionTransition


class AlreadyDone(BusinessError):
    """The action was already carried out (a second click, a retry): nothing changes."""

    code = "already_done"
    status = 409


class VersionFrozen(BusinessError):
    code = "version_published"
    status = 409


def _actor(by: User | None) -> User | None:
    return by if by is not None and by.pk else None


def _log(*, version: Version, from_status: str, to_status: str, by: User | None, reason: str = "") -> None:
    VersionTransition.objects.create(
        version=version, from_status=from_status, to_status=to_status, actor=_actor(by), reason=reason
    )


def _full_clean(instance) -> None:
    """Model validation as a refusal a person can read (the admin's forms check the same before)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise BusinessError(" ".join(error.messages), code="invalid") from None


def _locked(version: Version) -> Version:
    """Lock the version's row, then bring the caller's instance up to date (it is the one returned)."""
    Version.objects.select_for_update().filter(pk=version.pk).first()
    version.refresh_from_db()
    return version


def _ensure_draft(version: Version) -> None:
    if version.is_published:
        raise VersionFrozen(
            _("La version %(number)s est publiée : elle ne se modifie plus. Créez un brouillon en la copiant.")
            % {"number": version.number}
        )


# Numbering drafts and publishing are serialised on this lock (PostgreSQL advisory lock, held until the
# transaction ends). SQLite needs none: its writers already run one at a time (BEGIN IMMEDIATE).
VERSIONS_LOCK = zlib.crc32(b"referentiel.versions")


def _lock_versions() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [VERSIONS_LOCK])


def _next_number() -> int:
    _lock_versions()
    return (Version.objects.aggregate(top=Max("number"))["top"] or 0) + 1


# --- Versions -------------------------------------------------------------------------------------


@transaction.atomic
def version_create(
    *,
    label: str,
    by: User | None,
    notes: str = "",
    valid_from: datetime.date | None = None,
    based_on: Version | None = None,
    reason: str = "",
) -> Version:
    """A new, empty draft numbered after the last version."""
    label = (label or "").strip()
    if not label:
        raise BusinessError(_("Donnez un intitulé à la version."), code="label_missing")
    version = Version(
        number=_next_number(),
        label=label,
        notes=notes or "",
        valid_from=valid_from,
        based_on=based_on,
        created_by=_actor(by),
    )
    _full_clean(version)
    version.save()
    _log(version=version, from_status="", to_status=VersionStatus.DRAFT, by=by, reason=reason)
    audit_record(
        action="referentiel.version.created",
        actor=by,
        target=version,
        data={"number": version.number, "based_on": based_on.number if based_on else None, "reason": reason},
    )
    return version


@transaction.atomic
def version_copy(*, version: Version, by: User | None, label: str | None = None) -> Version:
    """A new draft holding a copy of a published version: its categories, its services and their links."""
    if not version.is_published:
        raise BusinessError(
            _("Seule une version publiée peut être copiée : la version %(number)s est un brouillon.")
            % {"number": version.number},
            code="not_published",
        )
    draft = version_create(
        label=label or _("%(label)s (nouveau brouillon)") % {"label": version.label},
        notes=version.notes,
        based_on=version,
        by=by,
        reason=_("Copie de la version %(number)s") % {"number": version.number},
    )
    _copy_contents(source=version, target=draft)
    return draft


def _copy_contents(*, source: Version, target: Version) -> None:
    categories = {}
    for category in source.categories.order_by("pk"):
        categories[category.pk] = Category(
            version=target,
            code=category.code,
            label=category.label,
            description=category.description,
            position=category.position,
        )
    Category.objects.bulk_create(categories.values())
    services = list(source.services.order_by("pk").prefetch_related("publics", "formats", "standard_services"))
    copies = [
        Service(
            version=target,
            category=categories[service.category_id],
            code=service.code,
            label=service.label,
            search_label=normalize_search(service.label),
            description=service.description,
            duration_minutes=service.duration_minutes,
            cost_in_cheques=service.cost_in_cheques,
            cost_adjustable=service.cost_adjustable,
            position=service.position,
        )
        for service in services
    ]
    Service.objects.bulk_create(copies)
    _bulk_set_links(
        (copy, service.publics.all(), service.formats.all(), service.standard_services.all())
        for copy, service in zip(copies, services, strict=True)
    )


def _bulk_set_links(rows: Iterable[tuple[Service, Iterable, Iterable, Iterable]]) -> None:
    """Write the M2M links of many new services in three queries."""
    publics, formats, standards = [], [], []
    for service, service_publics, service_formats, service_standards in rows:
        publics += [Service.publics.through(service_id=service.pk, public_id=v.pk) for v in service_publics]
        formats += [Service.formats.through(service_id=service.pk, format_id=v.pk) for v in service_formats]
        standards += [
            Service.standard_services.through(service_id=service.pk, standardservice_id=v.pk)
            for v in service_standards
        ]
    Service.publics.through.objects.bulk_create(publics)
    Service.formats.through.objects.bulk_create(formats)
    Service.standard_services.through.objects.bulk_create(standards)


@transaction.atomic
def version_update(
    *, version: Version, by: User | None, label: str, notes: str = "", valid_from: datetime.date | None = None
) -> Version:
    """Change a draft's title, notes or planned date."""
    version = _locked(version)
    _ensure_draft(version)
    label = (label or "").strip()
    if not label:
        raise BusinessError(_("Donnez un intitulé à la version."), code="label_missing")
    changed = {
        field: value
        for field, value in (("label", label), ("notes", notes or ""), ("valid_from", valid_from))
        if getattr(version, field) != value
    }
    if changed:
        for field, value in changed.items():
            setattr(version, field, value)
        _full_clean(version)
        version.save(update_fields=list(changed))
        audit_record(
            action="referentiel.version.changed",
            actor=by,
            target=version,
            data={"number": version.number, "fields": sorted(changed)},
        )
    return version


def version_publish_problems(version: Version, valid_from: datetime.date | None) -> list[str]:
    """What stops ``version`` from being published with this date (empty when it can be)."""
    problems = []
    if not version.categories.exists():
        problems.append(_("La version n'a aucune catégorie."))
    if not version.services.exists():
        problems.append(_("La version n'a aucun service."))
    unmapped = list(
        version.services.filter(standard_services__isnull=True).order_by("code").values_list("code", flat=True)
    )
    if unmapped:
        problems.append(
            ngettext(
                "Ce service ne correspond à aucun service du standard national : %(codes)s.",
                "Ces services ne correspondent à aucun service du standard national : %(codes)s.",
                len(unmapped),
            )
            % {"codes": ", ".join(unmapped)}
        )
    if valid_from is None:
        problems.append(_("Indiquez la date d'entrée en vigueur."))
        return problems
    last = Version.objects.published().exclude(pk=version.pk).order_by("-valid_from").first()
    if last is not None:
        if valid_from <= last.valid_from:
            problems.append(
                _("La date d'entrée en vigueur doit être postérieure à celle de la version %(number)s (%(date)s).")
                % {"number": last.number, "date": date_format(last.valid_from, "SHORT_DATE_FORMAT")}
            )
        if valid_from < timezone.localdate():
            # What was in force on a past day is history (redemptions, offers): a new version never rewrites it.
            problems.append(_("La date d'entrée en vigueur ne peut pas être dans le passé."))
    return problems


@transaction.atomic
def version_publish(
    *, version: Version, valid_from: datetime.date | None, by: User | None, reason: str = ""
) -> Version:
    """Publish a draft from ``valid_from``: it becomes immutable and, from that date, the version in force."""
    _lock_versions()  # one publication at a time: the date checks below stay true when it commits
    version = _locked(version)
    if version.is_published:
        raise AlreadyDone(
            _("Déjà effectué : la version %(number)s est publiée depuis le %(date)s.")
            % {
                "number": version.number,
                "date": date_format(timezone.localtime(version.published_at), "SHORT_DATE_FORMAT"),
            }
        )
    problems = version_publish_problems(version, valid_from)
    if problems:
        raise BusinessError(
            _("La version %(number)s ne peut pas être publiée : %(problems)s")
            % {"number": version.number, "problems": " ".join(problems)},
            code="publish_refused",
            problems=problems,
        )
    version.status = VersionStatus.PUBLISHED
    version.valid_from = valid_from
    version.published_at = timezone.now()
    version.published_by = _actor(by)
    version.save(update_fields=["status", "valid_from", "published_at", "published_by"])
    _log(version=version, from_status=VersionStatus.DRAFT, to_status=VersionStatus.PUBLISHED, by=by, reason=reason)
    audit_record(
        action="referentiel.version.published",
        actor=by,
        target=version,
        data={
            "number": version.number,
            "valid_from": valid_from.isoformat(),
            "categories": version.categories.count(),
            "services": version.services.count(),
            "reason": reason,
        },
    )
    return version


def _downstream_uses(services) -> list[str]:
    """Names of what, in other apps, points at these services (lieux' offers, redemptions…)."""
    uses = []
    for relation in Service._meta.related_objects:
        if relation.related_model._meta.app_label == Service._meta.app_label:
            continue
        if services.filter(**{f"{relation.name}__isnull": False}).exists():
            uses.append(str(relation.related_model._meta.verbose_name_plural))
    return uses


@transaction.atomic
def version_discard(*, version: Version, by: User | None) -> None:
    """Delete a draft and everything in it (published versions are history and stay)."""
    version = _locked(version)
    _ensure_draft(version)
    uses = _downstream_uses(version.services.all())
    if uses:
        raise BusinessError(
            _("Ce brouillon est déjà utilisé (%(uses)s) : il ne peut pas être supprimé.") % {"uses": ", ".join(uses)},
            code="draft_in_use",
        )
    number, label = version.number, version.label
    services = Service.objects.filter(version=version)
    for through in (Service.publics.through, Service.formats.through, Service.standard_services.through):
        through.objects.filter(service__in=services).delete()
    services.delete()
    Category.objects.filter(version=version).delete()
    audit_record(
        action="referentiel.version.discarded",
        actor=by,
        target=version,
        data={"number": number, "label": label},
    )
    version.delete()


# --- Categories and services of a draft -------------------------------------------------------------


def _ensure_same_stored_version(instance) -> None:
    """A row never moves to another version, and a row of a published version is never edited."""
    if instance.pk:
        stored = type(instance).objects.select_related("version").get(pk=instance.pk)
        _ensure_draft(stored.version)
        if stored.version_id != instance.version_id:
            raise BusinessError(_("Une ligne du référentiel ne change pas de version."), code="version_changed")


@transaction.atomic
def category_save(*, category: Category, by: User | None) -> Category:
    """Create or change a category of a draft."""
    version = _locked(category.version)
    _ensure_draft(version)
    _ensure_same_stored_version(category)
    created = category.pk is None
    _full_clean(category)
    category.save()
    audit_record(
        action="referentiel.category.created" if created else "referentiel.category.changed",
        actor=by,
        target=category,
        data={"version": version.number, "code": category.code},
    )
    return category


@transaction.atomic
def category_delete(*, category: Category, by: User | None) -> None:
    version = _locked(category.version)
    _ensure_draft(version)
    count = category.services.count()
    if count:
        raise BusinessError(
            ngettext(
                "La catégorie « %(label)s » contient encore %(count)s service : déplacez-le ou supprimez-le d'abord.",
                "La catégorie « %(label)s » contient encore %(count)s services : déplacez-les ou supprimez-les "
                "d'abord.",
                count,
            )
            % {"label": category.label, "count": count},
            code="category_not_empty",
        )
    audit_record(
        action="referentiel.category.deleted",
        actor=by,
        target=category,
        data={"version": version.number, "code": category.code},
    )
    category.delete()


@transaction.atomic
def service_save(
    *,
    service: Service,
    by: User | None,
    publics: Iterable[Public] | None = None,
    formats: Iterable[Format] | None = None,
    standard_services: Iterable[StandardService] | None = None,
) -> Service:
    """Create or change a service of a draft, with its publics, formats and standard services when given."""
    version = _locked(service.version)
    _ensure_draft(version)
    _ensure_same_stored_version(service)
    created = service.pk is None
    _full_clean(service)
    service.save()
    for field, values in (("publics", publics), ("formats", formats), ("standard_services", standard_services)):
        if values is not None:
            getattr(service, field).set(values)
    audit_record(
        action="referentiel.service.created" if created else "referentiel.service.changed",
        actor=by,
        target=service,
        data={"version": version.number, "code": service.code},
    )
    return service


@transaction.atomic
def service_delete(*, service: Service, by: User | None) -> None:
    version = _locked(service.version)
    _ensure_draft(version)
    uses = _downstream_uses(Service.objects.filter(pk=service.pk))
    if uses:
        raise BusinessError(
            _("Ce service est déjà utilisé (%(uses)s) : il ne peut pas être supprimé.") % {"uses": ", ".join(uses)},
            code="service_in_use",
        )
    audit_record(
        action="referentiel.service.deleted",
        actor=by,
        target=service,
        data={"version": version.number, "code": service.code},
    )
    for field in ("publics", "formats", "standard_services"):
        getattr(service, field).clear()
    service.delete()


# --- Import -----------------------------------------------------------------------------------------


@transaction.atomic
def version_import(*, content: bytes, filename: str, by: User | None, label: str = "") -> Version:
    """A new draft from a CSV or JSON file in the export format. Any bad row refuses the whole file.

    Raises :class:`referentiel.io.ImportRefused` (row numbers and reasons) before anything is written.
    """
    parsed = referentiel_io.parse(content, filename=filename)
    draft = version_create(
        label=label.strip() or parsed.label or _("Import de %(file)s") % {"file": filename},
        notes=parsed.notes,
        valid_from=parsed.valid_from,
        by=by,
        reason=_("Import du fichier %(file)s") % {"file": filename},
    )
    categories = {
        row.code: Category(
            version=draft, code=row.code, label=row.label, description=row.description, position=row.position
        )
        for row in parsed.categories
    }
    Category.objects.bulk_create(categories.values())
    services = [
        Service(
            version=draft,
            category=categories[row.category],
            code=row.code,
            label=row.label,
            search_label=normalize_search(row.label),
            description=row.description,
            duration_minutes=row.duration_minutes,
            cost_in_cheques=row.cost_in_cheques,
            cost_adjustable=row.cost_adjustable,
            position=row.position,
        )
        for row in parsed.services
    ]
    Service.objects.bulk_create(services)
    _bulk_set_links(
        (service, row.publics, row.formats, row.standard_services)
        for service, row in zip(services, parsed.services, strict=True)
    )
    audit_record(
        action="referentiel.version.imported",
        actor=by,
        target=draft,
        data={
            "number": draft.number,
            "file": filename,
            "categories": len(categories),
            "services": len(services),
        },
    )
    return draft
