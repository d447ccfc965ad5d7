"""REST API of the counter: validate cheques from a structure's own software, list and void validations."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import AccessMixin, OrganisationKindPermission
from accounts.enums import MembershipRole, OrganisationKind
from aptic.errors import BusinessError
from aptic.filters import IntegerFilter
from aptic.ratelimit import client_ip
from cheques.enums import ChequeStatus
from cheques.models import Redemption
from cheques.services import redemptions as services
from qualification.models import Lieu, Mediateur


class RedemptionRequestSerializer(serializers.Serializer):
    number = serializers.CharField(required=False, allow_blank=True, help_text="Numéro du chèque (ou du carnet).")
    code = serializers.CharField(required=False, allow_blank=True, help_text="Code secret imprimé sur le chèque.")
    qr = serializers.CharField(
        required=False, allow_blank=True, help_text="Texte du QR code scanné (remplace numéro et code)."
    )
    lieu = serializers.IntegerField(help_text="Identifiant du lieu de la structure où le service est rendu.")
    service = serializers.CharField(help_text="Code du service du référentiel national en vigueur.")
    cheques_count = serializers.IntegerField(
        min_value=1, max_value=20, help_text="Nombre de chèques consommés (le coût du service)."
    )
    mediateur = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Identifiant du médiateur qui a rendu le service (obligatoire avec une clé d'API).",
    )

    def validate(self, attrs):
        if not attrs.get("qr") and not (attrs.get("number") and attrs.get("code")):
            raise serializers.ValidationError(
                _("Donnez le QR code scanné, ou le numéro et le code du chèque."), code="cheque_missing"
            )
        return attrs


class RedemptionSerializer(serializers.ModelSerializer):
    receipt_number = serializers.CharField(read_only=True)
    lieu = serializers.SerializerMethodField()
    service = serializers.SerializerMethodField()
    carnet = serializers.CharField(source="carnet.number", read_only=True)
    cheques = serializers.SerializerMethodField()
    cheques_left = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = [
            "id",
            "receipt_number",
            "status",
            "validated_at",
            "period",
            "lieu",
            "service",
            "carnet",
            "cheques",
            "cheques_count",
            "face_value_total",
            "cheques_left",
            "voided_at",
            "void_reason",
        ]

    def get_lieu(self, redemption) -> dict:
        return {"id": redemption.lieu_id, "name": redemption.lieu.name}

    def get_service(self, redemption) -> dict:
        return {"code": redemption.service.code, "label": redemption.service.label}

    def get_cheques(self, redemption) -> list[str]:
        if hasattr(redemption, "cheque_numbers"):  # just validated: the service knows them
            return redemption.cheque_numbers
        return [line.cheque.number for line in redemption.lines.select_related("cheque").order_by("cheque__position")]

    def get_cheques_left(self, redemption) -> int:
        if hasattr(redemption, "cheques_left"):
            return redemption.cheques_left
        return redemption.carnet.cheques.filter(
            status=ChequeStatus.ISSUED, valid_until__gte=timezone.localdate()
        ).count()


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RedemptionFilter(django_filters.FilterSet):
    # An id, not a choice among every lieu: a lieu of another structure lists nothing, as an unknown one.
    lieu = IntegerFilter(field_name="lieu_id", label="Identifiant du lieu.")
    period = django_filters.DateFilter(help_text="Premier jour du mois (AAAA-MM-01).")

    class Meta:
        model = Redemption
        fields = ["lieu", "period", "status"]


class RedemptionViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Validations of the calling structure's lieux."""

    serializer_class = RedemptionSerializer
    permission_classes = [OrganisationKindPermission]
    organisation_kinds = (OrganisationKind.STRUCTURE,)
    session_roles = (MembershipRole.MEDIATEUR, MembershipRole.ADMIN)  # who may use the counter page
    filterset_class = RedemptionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Redemption.objects.none()
        return (
            Redemption.objects.visible_to(self.access)
            .select_related("lieu", "service", "carnet")
            .order_by("-validated_at")
        )

    def _counter(self, lieu: Lieu, mediateur_id: int | None) -> services.Counter:
        access = self.access
        if access.api_key is not None:
            if mediateur_id is None:
                raise BusinessError(
                    _("Précisez le médiateur qui a rendu le service (champ « mediateur »)."), code="mediateur_required"
                )
            mediateur = Mediateur.objects.filter(pk=mediateur_id, structure=access.organisation).first()
            if mediateur is None:
                raise BusinessError(
                    _("Ce médiateur n'appartient pas à votre structure."), code="unknown_mediateur", status=404
                )
            return services.Counter(mediateur=mediateur, api_key=access.api_key)
        return services.counter_for_user(user=access.user, lieu=lieu)

    @extend_schema(
        request=RedemptionRequestSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Clé unique de la demande : la rejouer renvoie la première réponse.",
            )
        ],
        responses={
            201: RedemptionSerializer,
            404: OpenApiResponse(description="Lieu ou médiateur inconnu de votre structure."),
            409: OpenApiResponse(
                description="Chèque déjà utilisé (already_redeemed), ou la même demande (même Idempotency-Key) est "
                "encore en cours : réessayez après Retry-After secondes (request_in_progress)."
            ),
            422: OpenApiResponse(description="Refus (code : lieu_not_qualified, expired, blocked, …)."),
            429: OpenApiResponse(description="Trop de codes erronés."),
        },
        summary="Valider des chèques",
    )
    def create(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 100:
            raise BusinessError(
                _("L'en-tête « Idempotency-Key » (100 caractères au plus) est obligatoire."),
                code="idempotency_key_required",
            )
        payload = RedemptionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        lieu = get_object_or_404(
            Lieu.objects.filter(structure=self.access.organisation).select_related("structure", "commune"),
            pk=data["lieu"],
        )
        outcome = services.redemption_validate(
            counter=self._counter(lieu, data.get("mediateur")),
            lieu=lieu,
            service_code=data["service"],
            cheques_count=data["cheques_count"],
            ip=client_ip(request),
            number=data.get("number", ""),
            code=data.get("code", ""),
            payload=data.get("qr", ""),
            idempotency_key=key,
        )
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        return Response(RedemptionSerializer(outcome.redemption).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(
        request=VoidSerializer,
        responses={
            200: RedemptionSerializer,
            409: OpenApiResponse(description="Déjà annulée, ou mois déjà contrepayé (already_done, already_settled)."),
        },
        summary="Annuler une validation",
    )
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        redemption = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        redemption = services.redemption_void(
            redemption=redemption,
            reason=body.validated_data["reason"],
            by=self.access.user,
            api_key=self.access.api_key,
        )
        return Response(RedemptionSerializer(redemption).data)
