"""Public pages of the catalogue: no login, the version in force today."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from referentiel import selectors

MAX_QUERY_LENGTH = 100


def _groups(services) -> list[dict]:
    """Services grouped by category, in the catalogue's order."""
    groups: list[dict] = []
    for service in services:
        if not groups or groups[-1]["category"].pk != service.category_id:
            groups.append({"category": service.category, "services": []})
        groups[-1]["services"].append(service)
    return groups


@require_GET
@vary_on_headers("HX-Request")
def catalogue(request):
    """The catalogue by category, searchable as you type (HTMX asks for the results fragment only)."""
    version = selectors.version_in_force()
    q = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    categories = list(selectors.categories_of(version))
    wanted = request.GET.get("categorie", "")
    current_category = next((category for category in categories if category.code == wanted), None)
    services = list(
        selectors.services_search(version=version, q=q, category=current_category.code if current_category else "")
    )
    context = {
        "version": version,
        "q": q,
        "categories": categories,
        "current_category": current_category,
        "groups": _groups(services),
        "count": len(services),
        "total": sum(category.services_count for category in categories),
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    return render(request, "referentiel/_results.html" if fragment else "referentiel/catalogue.html", context)


@require_GET
def service_detail(request, code: str):
    """What a service is, for whom, how long, how many cheques, and which qualified lieux offer it."""
    service = selectors.service_in_force(code)
    if service is None:
        raise Http404
    return render(
        request,
        "referentiel/service.html",
        {"service": service, "version": service.version},
    )
