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
    """Allow callers acting for one of ``view.organisation_kinds`` (all, when the view names none)."""

    def has_permission(self, request, view):
        kinds = getattr(view, "organisation_kinds", ())
        access = access_for_request(request)
        return access.is_authenticated and (not kinds or access.kind in kinds)


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
