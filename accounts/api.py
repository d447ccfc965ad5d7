from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import Access, access_for_request


class AccessMixin:
    """DRF views: ``self.access`` is the caller's :class:`~accounts.access.Access` (session or API key)."""

    @property
    def access(self) -> Access:
        return access_for_request(self.request)


class OrganisationKindPermission(permissions.BasePermission):
    """Allow callers acting for one of ``view.organisation_kinds`` (all, when the view names none).

    A person logged in (session) also needs one of ``view.session_roles`` when the view names some: the API
    answers them what the pages answer them. An API key acts with a member's rights of its organisation.
    """

    def has_permission(self, request, view):
        kinds = getattr(view, "organisation_kinds", ())
        roles = getattr(view, "session_roles", ())
        access = access_for_request(request)
        if not access.is_authenticated or (kinds and access.kind not in kinds):
            return False
        return access.api_key is not None or not roles or access.role in roles


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    organisation_id = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    authenticated_by = serializers.ChoiceField(choices=["session", "api_key"])


class MeView(AccessMixin, APIView):
    """Who is calling: the organisation the session or the API key acts for."""

    @extend_schema(responses=MeSerializer, summary="Qui suis-je ?")
    def get(self, request):
        access = self.access
        data = {
            "email": access.user.email if access.user else None,
            "organisation": access.organisation.name if access.organisation else None,
            "organisation_id": access.organisation_id,
            "kind": access.kind,
            "role": access.role,
            "authenticated_by": "api_key" if access.api_key else "session",
        }
        return Response(MeSerializer(data).data)
