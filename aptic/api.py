"""The API's one error shape: ``{"error": {"code": "...", "message": "...", "fields": {...}}}``.

``code`` is stable and machine-readable; ``message`` is in the request's language (French by default). DRF
views answer it through :func:`exception_handler`; what fails before or outside DRF under ``/api/`` (a body
too large, an unknown address, a server error) answers it through :func:`error_response`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from aptic.errors import BusinessError

API_PREFIX = "/api/"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            return [{"code": item.code, "message": str(item)} for item in detail]
        return [_field_errors(item) for item in detail]
    return [{"code": getattr(detail, "code", "invalid"), "message": str(detail)}]


def error_body(code: str, message: str, **extra) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def retry_headers(retry_after) -> dict:
    """``Retry-After`` (whole seconds, at least 1) for a 429 or an "in progress, retry" answer."""
    return {"Retry-After": str(max(1, int(retry_after)))} if retry_after is not None else {}


def error_response(code: str, message: str, *, status: int, retry_after=None) -> JsonResponse:
    """The error shape outside DRF (middleware, handler404/500…), for requests under ``/api/``."""
    return JsonResponse(
        error_body(code, str(message)),
        status=status,
        headers=retry_headers(retry_after),
        json_dumps_params={"ensure_ascii": False},
    )


def exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        set_rollback()
        return Response(
            error_body(exc.code, str(exc.message), **exc.details),
            status=exc.status,
            headers=retry_headers(exc.details.get("retry_after")),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers.update(retry_headers(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict) and set(detail) == {"non_field_errors"}:
            first = detail["non_field_errors"][0]
            body = error_body(getattr(first, "code", "invalid"), str(first))
        else:
            body = error_body("invalid", _("Les données envoyées ne sont pas valides."), fields=_field_errors(detail))
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        body = error_body(code, str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code or status.HTTP_400_BAD_REQUEST, headers=headers)


class JSONErrorsMixin:
    """For a view that renders something other than JSON (CSV, PDF): its errors and its OPTIONS answer are
    still JSON in the shape above, whatever format was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and (response.exception or request.method == "OPTIONS"):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
