"""Reads of the public directory: the lieux qualified today, where a search starts from, what it finds.

Only lieux whose qualification is active today are public (``qualification.selectors.lieux_qualified``):
an expired, suspended or revoked qualification hides the lieu, and imported lieux (the national
cartography) are never qualified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from aptic.text import normalize_search
from qualification import geo
from qualification.models import Lieu
from qualification.selectors import lieux_qualified
from referentiel.models import Service, StandardService
from territories.models import Commune
from territories.selectors import communes_with_postcode, in_communes

STANDARD_PREFIX = "standard:"
RADIUS_CHOICES_KM = (5, 10, 20, 50, 100)
DEFAULT_RADIUS_KM = 20
MAX_SUGGESTIONS = 8
# Communes before the arrondissements of Paris, Lyon and Marseille (which would fill the suggestions for
# "par" or "mar"), then the most populous first.
COMMUNE_ORDER = (F("parent").asc(nulls_first=True), "-population", "name")


def lieux_public() -> QuerySet[Lieu]:
    """The lieux shown to the public: qualified today, with what their pages and the API show."""
    return (
        Lieu.objects.filter(pk__in=lieux_qualified().values("pk"))
        .select_related("commune__departement", "structure")
        .prefetch_related("services", "formats", "standard_services", "services__standard_services")
    )


def filter_by_service(queryset: QuerySet[Lieu], service: str) -> QuerySet[Lieu]:
    """``service`` is a référentiel service code, or ``standard:<value>`` for a service of the standard
    (offered directly, or through one of the lieu's référentiel services)."""
    if service.startswith(STANDARD_PREFIX):
        value = service[len(STANDARD_PREFIX) :]
        direct = Lieu.standard_services.through.objects.filter(lieu_id=OuterRef("pk"), standardservice__value=value)
        derived = Lieu.services.through.objects.filter(lieu_id=OuterRef("pk"), service__standard_services__value=value)
        return queryset.filter(Exists(direct) | Exists(derived))
    return queryset.filter(Exists(Lieu.services.through.objects.filter(lieu_id=OuterRef("pk"), service__code=service)))


def filter_by_format(queryset: QuerySet[Lieu], value: str) -> QuerySet[Lieu]:
    return queryset.filter(Exists(Lieu.formats.through.objects.filter(lieu_id=OuterRef("pk"), format__value=value)))


def service_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the service filter: the référentiel's services in force (by code, once each),
    then the standard's services."""
    seen: dict[str, str] = {}
    for code, label in (
        Service.objects.filter(lieux__in=lieux_qualified().values("pk"))
        .order_by("-version__valid_from", "category__position", "position")
        .values_list("code", "label")
    ):
        seen.setdefault(code, label)
    groups = []
    if seen:
        groups.append((_("Services du référentiel #APTIC"), sorted(seen.items(), key=lambda item: item[1])))
    groups.append(
        (
            _("Services (standard national)"),
            [(f"{STANDARD_PREFIX}{item.value}", item.label) for item in StandardService.objects.active()],
        )
    )
    return groups


@dataclass
class Place:
    """Where a search starts: a commune, a postcode, or the visitor's own position."""

    label: str
    point: geo.Point | None
    communes: list[Commune] = field(default_factory=list)
    postcode: str = ""


@dataclass
class PlaceLookup:
    place: Place | None = None
    # Several communes answer the query: the visitor picks one.
    candidates: list[Commune] = field(default_factory=list)
    error: str = ""


def commune_label(commune: Commune) -> str:
    return f"{commune.name} ({commune.departement_id})"


def _commune_place(commune: Commune) -> Place:
    return Place(label=commune_label(commune), point=geo.commune_point(commune.code), communes=[commune])


def place_for_commune_code(code: str) -> PlaceLookup:
    commune = Commune.objects.select_related("departement").filter(code=code).first()
    if commune is None:
        return PlaceLookup(error=_("Cette commune n'existe pas."))
    return PlaceLookup(place=_commune_place(commune))


def place_for_query(query: str) -> PlaceLookup:
    """A commune name ("Saint-Flour", "saint flour (15)"), a postcode ("15100") or an INSEE code."""
    text = query.strip()
    if re.fullmatch(r"\d{5}", text):
        communes = list(communes_with_postcode(text).select_related("departement").order_by("-population", "name"))
        if communes:
            point = geo.postcode_point(text)
            if point is None:
                located = [p for p in (geo.commune_point(commune.code) for commune in communes) if p]
                point = located[0] if located else None
            names = ", ".join(commune.name for commune in communes[:3]) + ("…" if len(communes) > 3 else "")
            return PlaceLookup(place=Place(label=f"{text} ({names})", point=point, communes=communes, postcode=text))
    if re.fullmatch(r"\d[\dAB]\d{3}", text.upper()):
        lookup = place_for_commune_code(text.upper())
        if lookup.place:
            return lookup
        return PlaceLookup(error=_("Aucune commune n'a le code postal %(code)s.") % {"code": text})
    match = re.fullmatch(r"(?P<name>.+?)\s*\((?P<departement>\d[\dAB]\d?)\)", text, flags=re.IGNORECASE)
    departement = match["departement"].upper() if match else ""
    key = normalize_search(match["name"] if match else text)
    if not key:
        return PlaceLookup(error=_("Saisissez une commune ou un code postal."))
    communes = Commune.objects.select_related("departement").order_by(*COMMUNE_ORDER)
    if departement:
        communes = communes.filter(departement_id=departement)
    exact = list(communes.filter(search_name=key)[:MAX_SUGGESTIONS])
    if len(exact) == 1:
        return PlaceLookup(place=_commune_place(exact[0]))
    if exact:
        return PlaceLookup(candidates=exact)
    starting = list(communes.filter(search_name__startswith=key)[:MAX_SUGGESTIONS])
    if len(starting) == 1:
        return PlaceLookup(place=_commune_place(starting[0]))
    if starting:
        return PlaceLookup(candidates=starting)
    return PlaceLookup(
        error=_("Nous ne trouvons pas la commune « %(query)s ». Vérifiez l'orthographe ou saisissez un code postal.")
        % {"query": query.strip()}
    )


def commune_suggestions(query: str) -> list[Commune]:
    key = normalize_search(query)
    if len(key) < 2:
        return []
    return list(
        Commune.objects.select_related("departement")
        .filter(search_name__startswith=key)
        .order_by(*COMMUNE_ORDER)[:MAX_SUGGESTIONS]
    )


@dataclass
class SearchResult:
    lieux: list[Lieu]
    place: Place | None
    radius_km: int | None


def _without_distance(queryset: QuerySet[Lieu]) -> list[Lieu]:
    lieux = list(queryset)
    for lieu in lieux:
        lieu.distance_km = None
    return lieux


def lieux_search(
    *,
    place: Place | None = None,
    radius_km: int = DEFAULT_RADIUS_KM,
    service: str = "",
    format: str = "",
) -> SearchResult:
    """Qualified lieux matching the filters. Around a place with a point: those within ``radius_km``,
    nearest first, then those of the place's communes whose position is unknown. Around a place without a
    point: those of its communes. Without a place: all of them, by name."""
    queryset = lieux_public()
    if service:
        queryset = filter_by_service(queryset, service)
    if format:
        queryset = filter_by_format(queryset, format)
    if place is None:
        return SearchResult(lieux=_without_distance(queryset.order_by("name", "pk")), place=None, radius_km=None)
    in_place = in_communes(commune.code for commune in place.communes)
    if place.postcode:
        in_place |= Q(postcode=place.postcode)
    if place.point is None:
        return SearchResult(
            lieux=_without_distance(queryset.filter(in_place).order_by("name", "pk")), place=place, radius_km=None
        )
    near = list(geo.within(queryset, place.point, radius_km))
    unlocated = _without_distance(
        queryset.filter(in_place).filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).order_by("name", "pk")
    )
    return SearchResult(lieux=near + unlocated, place=place, radius_km=radius_km)
