"""Public API of the lieux: the qualified lieux with filters, and their export in the national standard."""

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ParseError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from aptic.api import JSONErrorsMixin
from qualification import geo
from qualification.directory.search import filter_by_service, lieux_public
from qualification.models import Lieu
from qualification.standard import exporter, schema
from territories.selectors import in_communes

MAX_RADIUS_KM = 300


class LieuCommuneSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("Code INSEE"))
    name = serializers.CharField()
    departement = serializers.CharField(source="departement_id")


class LieuServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class LieuFormatSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class LieuSerializer(serializers.ModelSerializer):
    commune = LieuCommuneSerializer()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    structure = serializers.CharField(source="structure.name", allow_null=True, default=None)
    services = serializers.SerializerMethodField()
    standard_services = serializers.SerializerMethodField()
    formats = LieuFormatSerializer(many=True)
    page_url = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Lieu
        fields = [
            "id",
            "name",
            "structure",
            "address",
            "address_complement",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "phone",
            "email",
            "website",
            "opening_hours",
            "summary",
            "accessibility",
            "accessibility_url",
            "appointment_url",
            "services",
            "standard_services",
            "formats",
            "page_url",
            "distance_km",
        ]

    @extend_schema_field(LieuServiceSerializer(many=True))
    def get_services(self, lieu):
        services = {service.code: service for service in lieu.services.all()}
        return LieuServiceSerializer(sorted(services.values(), key=lambda service: service.label), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_standard_services(self, lieu):
        labels = {service.label for service in lieu.standard_services.all()}
        labels |= {item.label for service in lieu.services.all() for item in service.standard_services.all()}
        return sorted(labels)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, lieu):
        path = reverse("lieu-detail", args=[lieu.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, lieu):
        distance = getattr(lieu, "distance_km", None)
        return round(distance, 2) if distance is not None else None


class NearForm(forms.Form):
    def clean(self):
        data = super().clean()
        near = [data.get(name) for name in ("lat", "lon", "radius_km")]
        if any(value is not None for value in near) and not all(value is not None for value in near):
            raise forms.ValidationError(
                _("Pour chercher autour d'un point, donnez ensemble lat, lon et radius_km."), code="near_incomplete"
            )
        if data.get("lat") is not None and not -90 <= data["lat"] <= 90:
            self.add_error("lat", forms.ValidationError(_("La latitude est comprise entre -90 et 90."), code="range"))
        if data.get("lon") is not None and not -180 <= data["lon"] <= 180:
            self.add_error(
                "lon", forms.ValidationError(_("La longitude est comprise entre -180 et 180."), code="range")
            )
        radius = data.get("radius_km")
        if radius is not None and not 0 < radius <= MAX_RADIUS_KM:
            self.add_error(
                "radius_km",
                forms.ValidationError(
                    _("Le rayon est compris entre 0 et %(max)s km.") % {"max": MAX_RADIUS_KM}, code="range"
                ),
            )
        return data


class LieuFilter(filters.FilterSet):
    commune = filters.CharFilter(
        method="filter_commune",
        label=gettext_lazy("Code INSEE de la commune (celui de Paris, Lyon ou Marseille couvre ses arrondissements)"),
    )
    departement = filters.CharFilter(field_name="commune__departement_id", label=gettext_lazy("Code du département"))
    service = filters.CharFilter(
        method="filter_service",
        label=gettext_lazy("Code d'un service du référentiel, ou « standard:<valeur> » d'un service du standard"),
    )
    lat = filters.NumberFilter(method="filter_nothing", label=gettext_lazy("Latitude du point (WGS 84)"))
    lon = filters.NumberFilter(method="filter_nothing", label=gettext_lazy("Longitude du point (WGS 84)"))
    radius_km = filters.NumberFilter(method="filter_nothing", label=gettext_lazy("Rayon autour du point, en km"))

    class Meta:
        model = Lieu
        fields = ["commune", "departement", "service", "lat", "lon", "radius_km"]
        form = NearForm

    def filter_commune(self, queryset, name, value):
        return queryset.filter(in_communes([value]))

    def filter_service(self, queryset, name, value):
        return filter_by_service(queryset, value)

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("lat") is not None:
            return geo.within(queryset, geo.Point(float(data["lat"]), float(data["lon"])), float(data["radius_km"]))
        return queryset.order_by("name", "pk")


class PublicAPIMixin:
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]


@extend_schema(tags=["lieux"])
class LieuListView(PublicAPIMixin, generics.ListAPIView):
    """Les lieux qualifiés aujourd'hui (public). Autour d'un point (lat, lon, radius_km) : du plus proche au
    plus lointain, avec ``distance_km``."""

    serializer_class = LieuSerializer
    filterset_class = LieuFilter

    def get_queryset(self):
        return lieux_public()

    @extend_schema(
        summary="Lieux qualifiés",
        parameters=[  # the bounds NearForm checks (lat, lon and radius_km go together)
            OpenApiParameter(
                "lat",
                {"type": "number", "minimum": -90, "maximum": 90},
                description=LieuFilter.base_filters["lat"].label,
            ),
            OpenApiParameter(
                "lon",
                {"type": "number", "minimum": -180, "maximum": 180},
                description=LieuFilter.base_filters["lon"].label,
            ),
            OpenApiParameter(
                "radius_km",
                {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": MAX_RADIUS_KM},
                description=LieuFilter.base_filters["radius_km"].label,
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["lieux"])
class LieuDetailView(PublicAPIMixin, generics.RetrieveAPIView):
    """Un lieu qualifié aujourd'hui (404 sinon)."""

    serializer_class = LieuSerializer

    def get_queryset(self):
        return lieux_public()

    @extend_schema(summary="Un lieu qualifié")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StandardCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return exporter.to_csv(data)  # errors and OPTIONS answers are JSON (JSONErrorsMixin)


class StandardJSONRenderer(JSONRenderer):
    format = "json"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, list):
            data = exporter.to_json_data(data)
        return super().render(data, accepted_media_type, renderer_context)


def _standard_row_serializer():
    fields = {
        item.name: (
            serializers.FloatField(allow_null=True, required=item.required, help_text=item.title)
            if item.type == "number"
            else serializers.CharField(allow_null=not item.required, required=item.required, help_text=item.title)
        )
        for item in schema.fields()
    }
    return type("StandardLieu", (serializers.Serializer,), fields)


class LieuExportView(JSONErrorsMixin, PublicAPIMixin, APIView):
    """Les lieux qualifiés aujourd'hui au format du « Standard de données des lieux de médiation numérique »
    v1.0.2 (schéma de LaMednum) : CSV (séparateur « , », listes séparées par « | ») ou JSON."""

    renderer_classes = [StandardJSONRenderer, StandardCSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as error:  # ?format= names no renderer
            raise ParseError(
                _("Format inconnu : demandez ?format=csv ou ?format=json."), code="unknown_format"
            ) from error

    @extend_schema(
        summary="Export au standard national",
        tags=["lieux"],
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "json"], description="csv ou json (défaut)")
        ],
        responses={
            (200, "application/json"): OpenApiResponse(_standard_row_serializer()(many=True)),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request):
        data = exporter.rows(lieux_public())
        extension = request.accepted_renderer.format
        filename = f"lieux-aptic-{timezone.localdate():%Y-%m-%d}.{extension}"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
