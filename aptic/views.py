from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults

from aptic.api import error_response, is_api_request
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


# --- Error handlers (handler400/403/404/500): the API's error shape under /api/, Django's pages elsewhere ---


def bad_request(request, exception):
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return error_response(
            "payload_too_large", _("Le corps de la requête dépasse la taille maximale acceptée."), status=413
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return error_response("too_many_fields", _("La requête contient trop de champs."), status=400)
    return error_response("bad_request", _("La requête est invalide."), status=400)


def permission_denied(request, exception):
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return error_response(
        "permission_denied", _("Vous n'avez pas la permission d'effectuer cette action."), status=403
    )


def page_not_found(request, exception):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return error_response("not_found", _("Aucune ressource de l'API ne correspond à cette adresse."), status=404)


def server_error(request):
    if not is_api_request(request):
        return defaults.server_error(request)
    return error_response("server_error", _("Erreur interne du serveur. Réessayez plus tard."), status=500)
