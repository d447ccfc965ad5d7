"""REST API: a structure's own monthly payouts, with links to their statement and fee invoice."""

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from accounts.api import AccessMixin, OrganisationKindPermission
from accounts.enums import MembershipRole, OrganisationKind
from settlement.models import Payout


class PayoutSerializer(serializers.ModelSerializer):
    statement_url = serializers.SerializerMethodField(help_text="Relevé de contrepaiement (PDF).")
    fee_invoice_url = serializers.SerializerMethodField(help_text="Facture des frais contributifs aval (PDF).")

    class Meta:
        model = Payout
        fields = [
            "id",
            "period",
            "status",
            "redemptions",
            "cheques",
            "face_value_total",
            "downstream_fee_ht",
            "vat",
            "mutations",
            "mutations_opted_in",
            "paid_amount",
            "fee_invoice_number",
            "paid_at",
            "statement_url",
            "fee_invoice_url",
        ]

    def _url(self, payout, document, field) -> str | None:
        if not field:
            return None
        return self.context["request"].build_absolute_uri(reverse(f"api:settlement-{document}", args=[payout.pk]))

    def get_statement_url(self, payout) -> str | None:
        return self._url(payout, "statement", payout.statement)

    def get_fee_invoice_url(self, payout) -> str | None:
        return self._url(payout, "fee-invoice", payout.fee_invoice)


class SettlementViewSet(AccessMixin, viewsets.ReadOnlyModelViewSet):
    """The calling structure's monthly payouts (amounts in cents)."""

    serializer_class = PayoutSerializer
    permission_classes = [OrganisationKindPermission]
    organisation_kinds = (OrganisationKind.STRUCTURE,)
    session_roles = (MembershipRole.ADMIN,)  # payouts and statements: the structure's admins, as on the pages
    filterset_fields = ["status", "period"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        return Payout.objects.filter(structure=self.access.organisation).order_by("-period")

    def _pdf(self, field, filename: str):
        if not field:
            raise Http404
        return FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="Relevé de contrepaiement")
    @action(detail=True, url_path="statement")
    def statement(self, request, pk=None):
        payout = self.get_object()
        return self._pdf(payout.statement, f"releve-{payout.period:%Y-%m}.pdf")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="Facture des frais")
    @action(detail=True, url_path="fee-invoice")
    def fee_invoice(self, request, pk=None):
        payout = self.get_object()
        return self._pdf(payout.fee_invoice, f"facture-{payout.fee_invoice_number}.pdf")
