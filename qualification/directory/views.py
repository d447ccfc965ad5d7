"""The public directory of qualified lieux (no login): search, list, map, one page per lieu."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qualification import geo
from qualification.directory import hours
from qualification.directory.forms import DirectoryForm
from qualification.directory.search import (
    DEFAULT_RADIUS_KM,
    Place,
    commune_label,
    commune_suggestions,
    lieux_public,
    lieux_search,
    place_for_commune_code,
    place_for_query,
)
from qualification.selectors import lieu_qualification_on

PAGE_SIZE = 20
MAX_MARKERS = 1000


def _marker(lieu) -> dict:
    return {
        "id": lieu.pk,
        "name": lieu.name,
        "address": f"{lieu.address}, {lieu.postcode} {lieu.commune.name}",
        "lat": float(lieu.latitude),
        "lon": float(lieu.longitude),
        "url": reverse("lieu-detail", args=[lieu.pk]),
    }


def _map_settings() -> dict:
    return {"tiles_url": settings.MAP_TILES_URL, "tiles_attribution": settings.MAP_TILES_ATTRIBUTION}


def directory(request):
    data = None
    if request.GET:
        data = request.GET.copy()
        data.setdefault("rayon", str(DEFAULT_RADIUS_KM))
    form = DirectoryForm(data)
    place = None
    candidates = []
    error = ""
    result = None
    radius_km = None
    if not form.is_bound:
        result = lieux_search()
    elif form.is_valid():
        data = form.cleaned_data
        lookup = None
        if data["lat"] is not None:
            place = Place(label=_("votre position"), point=geo.Point(data["lat"], data["lon"]))
        elif data["commune"]:
            lookup = place_for_commune_code(data["commune"])
        elif data["q"]:
            lookup = place_for_query(data["q"])
        if lookup is not None:
            place, candidates, error = lookup.place, lookup.candidates, lookup.error
            if place is not None and not place.postcode:
                # Show "Saint-Denis (93)" in the field: searching again finds the same commune.
                form.data["q"] = place.label
                form.data.pop("commune", None)
        if not candidates and not error:
            result = lieux_search(place=place, radius_km=data["rayon"], service=data["service"], format=data["format"])
            radius_km = result.radius_km
    lieux = result.lieux if result else []
    page = Paginator(lieux, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    markers = [
        _marker(lieu) for lieu in lieux[:MAX_MARKERS] if lieu.latitude is not None and lieu.longitude is not None
    ]
    origin = None
    if place is not None and place.point is not None and radius_km:
        origin = {"lat": place.point.latitude, "lon": place.point.longitude, "radius_km": radius_km}
    return render(
        request,
        "qualification/directory/directory.html",
        {
            "form": form,
            "place": place,
            "candidates": [(commune, commune_label(commune)) for commune in candidates],
            "error": error,
            "searched": result is not None,
            "count": len(lieux),
            "page": page,
            "query": query.urlencode(),
            "radius_km": radius_km,
            "map_data": {"lieux": markers, "origin": origin},
            **_map_settings(),
        },
    )


def lieu_detail(request, pk: int):
    lieu = get_object_or_404(lieux_public(), pk=pk)
    qualification = lieu_qualification_on(lieu)
    services = sorted({service.code: service for service in lieu.services.all()}.values(), key=lambda s: s.label)
    standard_services = {service.label for service in lieu.standard_services.all()}
    standard_services |= {item.label for service in lieu.services.all() for item in service.standard_services.all()}
    markers = [_marker(lieu)] if lieu.latitude is not None and lieu.longitude is not None else []
    return render(
        request,
        "qualification/directory/lieu_detail.html",
        {
            "lieu": lieu,
            "qualification": qualification,
            "services": services,
            "standard_services": sorted(standard_services),
            "formats": list(lieu.formats.all()),
            "hours": hours.describe(lieu.opening_hours),
            "map_data": {"lieux": markers, "origin": None},
            **_map_settings(),
        },
    )


def commune_options(request):
    """HTMX: <option>s of the communes whose name starts with what the visitor typed."""
    communes = commune_suggestions(request.GET.get("q", ""))
    return render(
        request,
        "qualification/directory/_commune_options.html",
        {"labels": [commune_label(commune) for commune in communes]},
    )
