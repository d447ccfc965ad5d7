"""REST API: a funder's orders, carnets (funder or distributeur scope), the public balance check."""

from django.db import transaction
from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.access import access_for_request
from accounts.api import AccessMixin, OrganisationKindPermission
from accounts.enums import OrganisationKind
from aptic.ratelimit import client_ip
from cheques.api_redemptions import RedemptionViewSet
from cheques.balance import balance_check
from cheques.models import Carnet, Order
from cheques.services import orders as order_services
from qualification.selectors import lieux_qualified
from referentiel.models import Category
from territories.models import Commune, Departement


class OrderSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    communes = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Commune.objects.all(), help_text="Codes INSEE"
    )
    departements = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Departement.objects.all()
    )
    categories = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=Category.objects.all(),
        help_text="Codes des catégories de la version en vigueur du référentiel",
    )
    lieux = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=lieux_qualified())
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "reference",
            "status",
            "quantity",
            "carnet_size",
            "valid_until",
            "purchase_reference",
            "communes",
            "departements",
            "categories",
            "lieux",
            "face_value_total",
            "upstream_fee_ht",
            "vat",
            "total_ht",
            "total_ttc",
            "transfer_reference",
            "created_at",
            "confirmed_at",
            "paid_at",
            "issued_at",
            "progress",
        ]
        read_only_fields = [
            "status",
            "face_value_total",
            "upstream_fee_ht",
            "vat",
            "total_ht",
            "total_ttc",
            "transfer_reference",
            "created_at",
            "confirmed_at",
            "paid_at",
            "issued_at",
        ]

    @extend_schema(
        responses={
            "type": "object",
            "properties": {
                "cheques_issued": {"type": "integer"},
                "quantity": {"type": "integer"},
                "issuance_percent": {"type": "integer"},
                "print_percent": {"type": "integer"},
                "print_done": {"type": "boolean"},
            },
        }
    )
    def get_progress(self, order: Order) -> dict:
        job = next((job for job in order.print_jobs.all() if job.carnet_id is None), None)
        return {
            "cheques_issued": order.cheques_issued,
            "quantity": order.quantity,
            "issuance_percent": order.issuance_percent,
            "print_percent": job.percent if job else 0,
            "print_done": bool(job and job.is_done),
        }


class OrderViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The calling funder's own orders. Creating one records a draft (quote and confirm in the funder space)."""

    serializer_class = OrderSerializer
    permission_classes = [OrganisationKindPermission]
    organisation_kinds = (OrganisationKind.COMMANDITAIRE,)
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return (
            Order.objects.visible_to(self.access)
            .prefetch_related("communes", "departements", "categories", "lieux", "print_jobs")
            .order_by("-created_at")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        by = self.access.user or self.access.api_key.created_by
        with transaction.atomic():
            serializer.instance = order_services.order_create(funder=self.access.organisation, by=by, **data)


class CarnetSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.reference")
    funder = serializers.CharField(source="funder.name")
    distributeur = serializers.CharField(source="distributeur.name", allow_null=True, default=None)
    cheques_spendable = serializers.IntegerField()

    class Meta:
        model = Carnet
        fields = [
            "id",
            "number",
            "order",
            "funder",
            "status",
            "distributeur",
            "size",
            "face_value",
            "valid_until",
            "cheques_spendable",
            "assigned_at",
            "distributed_at",
            "blocked_at",
        ]


class CarnetViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    """The funder's carnets, or the carnets a distributeur holds. Never their codes."""

    serializer_class = CarnetSerializer
    permission_classes = [OrganisationKindPermission]
    organisation_kinds = (OrganisationKind.COMMANDITAIRE, OrganisationKind.DISTRIBUTEUR)
    filterset_fields = ["status", "number"]

    def get_queryset(self):
        from django.db.models import Count, Q

        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Carnet.objects.none()
        return (
            Carnet.objects.visible_to(self.access)
            .select_related("order", "funder", "distributeur")
            .annotate(cheques_spendable=Count("cheques", filter=Q(cheques__status="issued")))
            .order_by("number")
        )


class BalanceRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=30, help_text="Numéro de carnet (8 chiffres) ou de chèque")
    code = serializers.CharField(max_length=40, help_text="Code secret d'un chèque du carnet")


class BalanceChequeSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    face_value = serializers.IntegerField()
    valid_until = serializers.DateField()


class BalanceLieuSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    commune = serializers.CharField(source="commune.name")


class BalanceSerializer(serializers.Serializer):
    carnet = serializers.CharField()
    funder = serializers.CharField()
    carnet_status = serializers.CharField()
    spendable = serializers.IntegerField()
    spendable_value = serializers.IntegerField()
    valid_until = serializers.DateField()
    restrictions = serializers.ListField(child=serializers.CharField())
    cheques = BalanceChequeSerializer(many=True)
    lieux = BalanceLieuSerializer(many=True)


class BalanceView(APIView):
    """What is left on a carnet, given its number (or a cheque's) and the code of one of its cheques.

    No authentication; failed attempts are rate-limited per address and per account (429
    ``rate_limited``). Errors: ``invalid_code_format``, ``unknown_number``, ``wrong_code``.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=BalanceRequestSerializer,
        responses={200: BalanceSerializer, 429: OpenApiResponse(description="Trop de tentatives échouées.")},
        summary="Solde d'un carnet",
    )
    def post(self, request):
        incoming = BalanceRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        access = access_for_request(request)
        result = balance_check(
            number=incoming.validated_data["number"],
            code=incoming.validated_data["code"],
            ip=client_ip(request),
            user_id=access.user.pk if access.user else None,
        )
        carnet = result.carnet
        data = {
            "carnet": carnet.number,
            "funder": carnet.funder.name,
            "carnet_status": carnet.status,
            "spendable": len(result.spendable),
            "spendable_value": result.spendable_value,
            "valid_until": carnet.valid_until,
            "restrictions": result.restrictions,
            "cheques": [
                {"number": c.number, "status": c.status, "face_value": c.face_value, "valid_until": c.valid_until}
                for c in result.cheques
            ],
            "lieux": result.lieux,
        }
        return Response(BalanceSerializer(data).data)


router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("carnets", CarnetViewSet, basename="carnet")
router.register("redemptions", RedemptionViewSet, basename="redemption")

urlpatterns = [
    path("balance/", BalanceView.as_view(), name="balance"),
    path("", include(router.urls)),
]
