"""Reads of the référentiel: the version in force, the catalogue and its search, the comparison of versions."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from aptic.text import normalize_search
from referentiel.enums import VersionStatus
from referentiel.models import Category, Format, Public, Service, StandardService, Version


def version_in_force(on: datetime.date | None = None) -> Version | None:
    """The published version in force on ``on`` (today by default), or None before the first one."""
    return Version.objects.in_force(on)


def versions_published() -> QuerySet[Version]:
    return Version.objects.published().annotate(services_count=Count("services")).order_by("-valid_from", "-number")


def version_previous(version: Version) -> Version | None:
    """What ``version`` is compared with: the published version before it (for a draft: the one it copies,
    or else the latest published one)."""
    published = Version.objects.published().exclude(pk=version.pk)
    if version.is_published:
        return published.filter(valid_from__lt=version.valid_from).order_by("-valid_from").first()
    if version.based_on_id:
        return version.based_on
    return published.order_by("-valid_from").first()


def services_with_details(queryset: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Services with everything a page or the API shows, in a fixed number of queries."""
    queryset = Service.objects.all() if queryset is None else queryset
    return queryset.select_related("category", "version").prefetch_related(
        Prefetch("publics", queryset=Public.objects.order_by("position", "value")),
        Prefetch("formats", queryset=Format.objects.order_by("position", "value")),
        Prefetch("standard_services", queryset=StandardService.objects.order_by("position", "value")),
    )


def services_matching(services: QuerySet[Service], q: str) -> QuerySet[Service]:
    """Services whose label, or their category's label, contains every word of ``q`` (accents, case and
    punctuation ignored): "demarch" finds "Démarches…", "sante" every service of "Santé en ligne"."""
    words = normalize_search(q).split()
    if not words:
        return services
    in_label = Q()
    for word in words:
        in_label &= Q(search_label__contains=word)
    categories = [
        category.pk
        for category in Category.objects.filter(pk__in=services.values("category_id"))
        if all(word in normalize_search(category.label) for word in words)
    ]
    return services.filter(in_label | Q(category_id__in=categories))


def services_search(
    *,
    version: Version | None,
    q: str = "",
    category: str = "",
    format: str = "",
    public: str = "",
) -> QuerySet[Service]:
    """Services of ``version`` matching every word of ``q`` (accents, case and punctuation ignored) and
    the category code, format value and public value when given. Ordered as the catalogue."""
    if version is None:
        return Service.objects.none()
    services = services_matching(Service.objects.filter(version=version), q)
    if category:
        services = services.filter(category__code=category)
    if format:
        services = services.filter(formats__value=format)
    if public:
        services = services.filter(publics__value=public)
    return services_with_details(services.distinct()).order_by("category__position", "position", "label")


def service_in_force(code: str, on: datetime.date | None = None) -> Service | None:
    """The service with this stable code in the version in force on ``on``."""
    version = version_in_force(on)
    if version is None:
        return None
    return services_with_details(Service.objects.filter(version=version, code=code)).first()


def categories_of(version: Version | None) -> QuerySet[Category]:
    if version is None:
        return Category.objects.none()
    return version.categories.annotate(services_count=Count("services")).order_by("position", "label")


# --- Comparing two versions ---------------------------------------------------------------------------

COMPARED_FIELDS = [
    "label",
    "category",
    "description",
    "publics",
    "formats",
    "standard_services",
    "duration_minutes",
    "cost_in_cheques",
    "cost_adjustable",
]
COMPARED_CATEGORY_FIELDS = ["label", "description", "position"]


def _comparable(service: Service) -> dict:
    return {
        "label": service.label,
        "category": service.category.code,
        "description": service.description,
        "publics": sorted(p.value for p in service.publics.all()),
        "formats": sorted(f.value for f in service.formats.all()),
        "standard_services": sorted(s.value for s in service.standard_services.all()),
        "duration_minutes": service.duration_minutes,
        "cost_in_cheques": service.cost_in_cheques,
        "cost_adjustable": service.cost_adjustable,
    }


@dataclass
class Change:
    """A row present in both versions (same code) whose ``fields`` differ."""

    code: str
    old: Service | Category
    new: Service | Category
    fields: list[str]

    @property
    def field_labels(self) -> list[str]:
        model = type(self.new)
        return [str(model._meta.get_field(name).verbose_name) for name in self.fields]


@dataclass
class VersionDiff:
    old: Version
    new: Version
    added: list[Service] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[Service] = field(default_factory=list)
    categories_added: list[Category] = field(default_factory=list)
    categories_changed: list[Change] = field(default_factory=list)
    categories_removed: list[Category] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.categories_added
            or self.categories_changed
            or self.categories_removed
        )


def versions_compare(*, old: Version, new: Version) -> VersionDiff:
    """What changed from ``old`` to ``new``: services added, changed (with the fields that differ) and
    removed, and the same for categories. Rows are matched by their stable ``code``."""
    diff = VersionDiff(old=old, new=new)
    old_services = {s.code: s for s in services_with_details(Service.objects.filter(version=old))}
    new_services = {s.code: s for s in services_with_details(Service.objects.filter(version=new))}
    for code in sorted(new_services.keys() - old_services.keys()):
        diff.added.append(new_services[code])
    for code in sorted(old_services.keys() - new_services.keys()):
        diff.removed.append(old_services[code])
    for code in sorted(old_services.keys() & new_services.keys()):
        before, after = _comparable(old_services[code]), _comparable(new_services[code])
        fields = [name for name in COMPARED_FIELDS if before[name] != after[name]]
        if fields:
            diff.changed.append(Change(code, old_services[code], new_services[code], fields))
    old_categories = {c.code: c for c in old.categories.all()}
    new_categories = {c.code: c for c in new.categories.all()}
    diff.categories_added = [new_categories[c] for c in sorted(new_categories.keys() - old_categories.keys())]
    diff.categories_removed = [old_categories[c] for c in sorted(old_categories.keys() - new_categories.keys())]
    for code in sorted(old_categories.keys() & new_categories.keys()):
        before, after = old_categories[code], new_categories[code]
        fields = [name for name in COMPARED_CATEGORY_FIELDS if getattr(before, name) != getattr(after, name)]
        if fields:
            diff.categories_changed.append(Change(code, before, after, fields))
    return diff


def version_is_in_force(version: Version, on: datetime.date | None = None) -> bool:
    current = version_in_force(on or timezone.localdate())
    return current is not None and current.pk == version.pk and version.status == VersionStatus.PUBLISHED
