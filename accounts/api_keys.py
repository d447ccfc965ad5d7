"""API-key authentication for other tools: ``Authorization: Api-Key aptic_<prefix>_<secret>``."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiKey

KEYWORD = "Api-Key"
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


class ApiKeyUser:
    """Stands in for ``request.user`` when a tool calls with a key: authenticated, never staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key

    def __str__(self):
        return f"API key {self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{KEYWORD} "):
            # The API knows no other scheme: a wrong one is an error, never a silent fall-back to the session.
            raise exceptions.AuthenticationFailed(
                _("En-tête Authorization non reconnu : utilisez « Api-Key <clé> »."), code="invalid_authorization"
            )
        raw_key = header[len(KEYWORD) + 1 :].strip()
        try:
            api_key = ApiKey.objects.select_related("organisation").get(
                key_hash=ApiKey.hash(raw_key), revoked_at__isnull=True
            )
        except ApiKey.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(
                _("Clé d'API inconnue ou révoquée."), code="invalid_api_key"
            ) from exc
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)  # not a write on every call
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _("« Api-Key <clé> » : une clé créée par l'administrateur de l'organisation."),
        }
