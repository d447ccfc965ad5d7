"""Public API of the référentiel (no key needed): its published versions and the services of one of them."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from aptic.filters import IntegerFilter
from referentiel import selectors
from referentiel.enums import VersionStatus
from referentiel.models import Category, Service, Version

TAG = "Référentiel"


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None

    def __getattr__(self, name):
        return getattr(api_settings, name)


class FormatIsAFilter(DefaultContentNegotiation):
    """Here ``?format=`` filters services by format (individuel, collectif…); it never picks a renderer."""

    settings = _NoFormatOverride()


class VocabularySerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Valeur stable (identifiant).")
    label = serializers.CharField(help_text="Libellé en français.")


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "label"]


class VersionSerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField(help_text="Vrai pour la version en vigueur aujourd'hui.")
    services_count = serializers.IntegerField(help_text="Nombre de services de la version.")

    class Meta:
        model = Version
        fields = ["number", "label", "status", "valid_from", "published_at", "notes", "in_force", "services_count"]

    def get_in_force(self, version) -> bool:
        current = self.context.get("version_in_force")
        return current is not None and current.pk == version.pk


class ServiceSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(help_text="Catégorie du service dans cette version.")
    publics = VocabularySerializer(many=True, help_text="Publics auxquels le service s'adresse.")
    formats = VocabularySerializer(many=True, help_text="Formats : individuel, collectif, à distance.")
    standard_services = VocabularySerializer(
        many=True, help_text="Services du Standard de données des lieux de médiation numérique (v1.0.2)."
    )
    version = serializers.IntegerField(source="version.number", help_text="Numéro de la version du référentiel.")

    class Meta:
        model = Service
        fields = [
            "code",
            "label",
            "description",
            "category",
            "publics",
            "formats",
            "standard_services",
            "duration_minutes",
            "cost_in_cheques",
            "cost_adjustable",
            "version",
        ]
        extra_kwargs = {
            "code": {"help_text": "Code stable du service, le même d'une version à l'autre."},
            "cost_in_cheques": {"help_text": "Nombre de chèques #APTIC (10 € chacun) que coûte le service."},
            "duration_minutes": {"help_text": "Durée habituelle, en minutes."},
        }


class ServiceFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        field_name="category__code", label="Code de la catégorie (par exemple « demarches »)."
    )
    format = django_filters.CharFilter(
        field_name="formats__value", distinct=True, label="Format : individuel, collectif ou a_distance."
    )
    public = django_filters.CharFilter(
        field_name="publics__value", distinct=True, label="Public (par exemple « seniors », « jeunes »)."
    )
    q = django_filters.CharFilter(
        method="filter_unchanged",
        label=(
            "Recherche dans le libellé du service ou de sa catégorie ; les accents et les majuscules sont ignorés."
        ),
    )
    version = IntegerFilter(
        method="filter_version",
        label="Numéro d'une version publiée. Par défaut : la version en vigueur à la date demandée.",
    )
    date = django_filters.DateFilter(
        method="filter_unchanged",
        label="Date (AAAA-MM-JJ) : les services de la version en vigueur ce jour-là. Par défaut : aujourd'hui.",
    )

    class Meta:
        model = Service
        fields = ["category", "format", "public", "q", "version", "date"]

    def filter_unchanged(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which chooses the version first

    def filter_version(self, queryset, name, value: int):
        return queryset  # the same (the type hint documents the parameter as an integer)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if data.get("version") is not None:
            version = Version.objects.filter(number=data["version"], status=VersionStatus.PUBLISHED).first()
        else:
            version = selectors.version_in_force(data.get("date"))
        if version is None:
            return queryset.none()
        services = selectors.services_matching(queryset.filter(version=version), data.get("q") or "")
        return super().filter_queryset(services)


@extend_schema(
    tags=[TAG],
    summary="Versions publiées du référentiel",
    description=(
        "Les versions publiées du référentiel national #APTIC des services de médiation numérique, de la plus "
        "récente à la plus ancienne, avec leur date d'entrée en vigueur. Accessible sans authentification."
    ),
)
class VersionListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = VersionSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.versions_published()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "version_in_force": selectors.version_in_force()}


@extend_schema(
    tags=[TAG],
    summary="Services du référentiel",
    description=(
        "Les services de la version du référentiel en vigueur aujourd'hui (ou à la date demandée, ou d'une "
        "version donnée), avec leur coût en chèques, leur durée, leurs publics, leurs formats et leur "
        "correspondance avec le standard national. Filtres combinables ; accessible sans authentification."
    ),
)
class ServiceListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    content_negotiation_class = FormatIsAFilter

    def get_queryset(self):
        return selectors.services_with_details().order_by("category__position", "position", "label")
