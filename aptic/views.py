from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.templatetags.static import static

from aptic.tasks import HEARTBEAT_CACHE_KEY


def favicon(request):
    """Browsers ask for /favicon.ico on pages that do not name their icon (the admin, the API documentation)."""
    return redirect(static("favicon.ico"), permanent=True)


def public_home(request):
    return render(request, "home/public.html")


@login_required
def home(request):
    """Each person lands on the home page of what they do: staff, funder, distributor, structure, médiateur."""
    access = request.access
    if access.is_staff:
        return render(request, "home/staff.html", {"worker_seen_at": cache.get(HEARTBEAT_CACHE_KEY)})
    if access.organisation is None:
        return render(request, "home/no_organisation.html")
    if access.is_structure and not access.is_organisation_admin:
        template = "home/mediateur.html"
    else:
        template = f"home/{access.kind}.html"
    return render(request, template)
