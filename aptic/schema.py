"""The OpenAPI schema documents every error an operation can answer, in the one error shape of ``aptic.api``.

:class:`AutoSchema` (``DEFAULT_SCHEMA_CLASS``) adds to each operation the errors that the platform's layers
give it (parsers, authentication, pagination, content negotiation, the ``/api/`` middleware), all pointing
at one shared ``Error`` component. A view declares only the errors of its own rules, with
``@extend_schema(responses={409: OpenApiResponse(description=…)})``: a declared error without a body gets the
shared component too, and a 429 its ``Retry-After`` header.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

ERROR_SCHEMA = {
    "type": "object",
    "description": _("Une erreur : un code stable pour les logiciels, un message pour les personnes."),
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": _("Code stable de l'erreur (ex. « already_redeemed »).")},
                "message": {"type": "string", "description": _("Message lisible, dans la langue de la requête.")},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": _("Données invalides : les erreurs de chaque champ (code et message)."),
                },
                "retry_after": {
                    "type": "integer",
                    "description": _("Secondes à attendre avant de réessayer (limite atteinte)."),
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}

RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
        "description": _("Secondes à attendre avant de réessayer."),
    }
}

BODY_METHODS = ("POST", "PUT", "PATCH")


class AutoSchema(openapi.AutoSchema):
    def _get_parameters(self):
        """A filter left empty (``?status=``) is no filter at all (django-filter), an empty ``?page=`` the first
        page and an empty ``?format=`` the default format (DRF): the schema says so."""
        parameters = super()._get_parameters()
        optional = {
            parameter["name"] for parameter in [*self._get_filter_parameters(), *self._get_pagination_parameters()]
        } | {api_settings.URL_FORMAT_OVERRIDE}
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["name"] in optional:
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, description in self._platform_errors().items():
            responses.setdefault(status, {"description": description})
        for status, response in responses.items():
            if status >= "400" and "content" not in response:
                response["content"] = {"application/json": {"schema": self._error_reference()}}
            if status == "429":
                response.setdefault("headers", {}).update(RETRY_AFTER_HEADER)
        return dict(sorted(responses.items()))

    def _platform_errors(self) -> dict[str, str]:
        """The errors any operation like this one can get, whatever its view does."""
        errors = {
            "400": _(
                "Requête invalide : JSON mal formé ou trop imbriqué, caractère nul, paramètre ou donnée refusés "
                "(le détail par champ est dans « fields »)."
            ),
            "406": _("Aucun format de réponse ne correspond à l'en-tête Accept."),
        }
        if self.view.get_authenticators():
            errors["401"] = _("Clé d'API inconnue ou révoquée, ou authentification requise.")
            errors["403"] = _("Accès refusé : organisation ou rôle sans accès, ou jeton CSRF absent (session).")
        elif not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            errors["403"] = _("Accès refusé.")
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors["404"] = _("Ressource introuvable (ou d'une autre organisation), ou page inexistante.")
        if self.method in BODY_METHODS:
            errors["413"] = _("Corps de requête trop volumineux.")
            errors["415"] = _("Type de contenu (Content-Type) non pris en charge.")
        return errors

    def _error_reference(self) -> dict:
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="aptic.schema.Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        return component.ref
