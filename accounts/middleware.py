from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from accounts.access import SESSION_ORGANISATION_KEY, access_for_user
from accounts.second_factor import totp_authenticator
from aptic.api import error_body


class AccessMiddleware:
    """Puts ``request.access`` (user, current organisation, role, staff roles) on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(
            lambda: access_for_user(request.user, request.session.get(SESSION_ORGANISATION_KEY))
        )
        return self.get_response(request)


def _exempt(view_func) -> bool:
    """allauth's own pages (login, logout, enrolment, reauthentication) and the language switch."""
    return view_func.__module__.startswith("allauth.") or view_func is set_language


def _second_factor_needed(request, view_func) -> bool:
    """Staff, on every page; others on the pages ``access_required(second_factor=True)`` admits them to."""
    if request.access.is_staff:
        return True
    rule = getattr(view_func, "second_factor_for", None)
    return rule is not None and rule(request.access)


class SecondFactorMiddleware:
    """The one place that sends a person without a TOTP authenticator to enrol one, when they need one.

    Every staff account (the admin, ``/equipe/…`` and every other page) and every structure admin who
    reaches bank details must use a second factor (DESIGN §4). API keys are not concerned (DRF
    authenticates them after this middleware, as anonymous requests here).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or _exempt(view_func):
            return None
        if not _second_factor_needed(request, view_func) or totp_authenticator(request.user) is not None:
            return None
        message = _(
            "Activez la double authentification pour continuer : votre compte y donne accès à des données "
            "sensibles (équipe de la coopérative, coordonnées bancaires)."
        )
        if hasattr(view_func, "cls"):  # an API view (Django REST framework)
            return JsonResponse(error_body("mfa_enrolment_required", message), status=403)
        messages.warning(request, message)
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
