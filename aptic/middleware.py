"""Checks on every request under ``/api/`` that must answer in the API's error shape before a view runs."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aptic.api import error_response, is_api_request
from aptic.inputs import has_nul, null_character_refusal


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiInputMiddleware:
    """Under ``/api/``: a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (DRF reads JSON bodies from
    the stream, past Django's own check); a NUL character in the path, the query string or a header is a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request):
            if (refusal := self._refusal(request)) is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _content_length(request) > limit:
            return error_response(
                "payload_too_large",
                _("Le corps de la requête dépasse la taille maximale acceptée (%(size)s).")
                % {"size": filesizeformat(limit)},
                status=413,
            )
        headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if has_nul([request.path_info]) or has_nul(query) or has_nul(headers):
            refusal = null_character_refusal()
            return error_response(refusal.get_codes(), refusal.detail, status=400)
        return None
