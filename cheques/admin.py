from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aptic.admin_base import ModelAdmin
from aptic.errors import BusinessError
from aptic.money import format_eur
from cheques.forms import PaymentForm
from cheques.models import Carnet, Cheque, FeeRates, Invoice, Order, Payment
from cheques.services.common import AlreadyDone
from cheques.services.orders import order_payment_record, orders_awaiting_payment


@admin.register(FeeRates)
class FeeRatesAdmin(ModelAdmin):
    """Rates in force or past are history: read-only. A change is a new row with a later start date."""

    list_display = [
        "valid_from",
        "face_value",
        "upstream_fee_bp",
        "downstream_fee_bp",
        "vat_bp",
        "mutations_bp",
        "decision",
    ]
    readonly_fields = ["created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return [f.name for f in FeeRates._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(ModelAdmin):
    """Money records change only through services: the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "funder", "status", "quantity", "total_ttc", "transfer_reference", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["funder__name", "transfer_reference"]
    list_select_related = ["funder"]
    date_hierarchy = "created_at"

    def get_urls(self):
        return [
            path(
                "virement/",
                self.admin_site.admin_view(self.record_payment_view),
                name="cheques_order_record_payment",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "record_payment_url": reverse("admin:cheques_order_record_payment")}
        return super().changelist_view(request, extra_context)

    def record_payment_view(self, request):
        """Finance staff: the orders awaiting a transfer, and the form that records one."""
        if not request.user.has_perm("cheques.record_payment"):
            raise PermissionDenied
        form = PaymentForm(request.POST or None, initial={"transfer_reference": request.GET.get("reference", "")})
        if request.method == "POST" and form.is_valid():
            try:
                order = order_payment_record(by=request.user, **form.cleaned_data)
            except AlreadyDone as error:
                messages.info(request, error.message)
            except BusinessError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Virement de %(amount)s enregistré pour %(ref)s : l'émission des chèques commence.")
                    % {"amount": format_eur(order.total_ttc), "ref": order.reference},
                )
                return redirect("admin:cheques_order_record_payment")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enregistrer un virement reçu"),
            "form": form,
            "orders": orders_awaiting_payment(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cheques/record_payment.html", context)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "amount", "received_on", "bank_reference", "recorded_by", "recorded_at"]
    search_fields = ["order__transfer_reference", "bank_reference"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "reason", "funder", "issued_on", "total_ttc", "pdf_link"]
    list_filter = ["kind", "reason", "year"]
    search_fields = ["number", "funder__name"]
    exclude = ["pdf", "seller", "buyer", "lines"]
    readonly_fields = ["seller_display", "buyer_display", "lines_display"]

    @admin.display(description=gettext_lazy("vendeur"))
    def seller_display(self, invoice):
        return _identity(invoice.seller)

    @admin.display(description=gettext_lazy("client"))
    def buyer_display(self, invoice):
        return _identity(invoice.buyer)

    @admin.display(description=gettext_lazy("lignes"))
    def lines_display(self, invoice):
        return format_html_join(
            "\n",
            "<p>{} : {} × {} = {}</p>",
            (
                (line["label"], line["quantity"], format_eur(line["unit"]), format_eur(line["total"]))
                for line in invoice.lines
            ),
        )

    @admin.display(description=gettext_lazy("PDF"))
    def pdf_link(self, invoice):
        return format_html("{}", invoice.pdf_sha256[:12]) if invoice.pdf else "—"


def _identity(party: dict) -> str:
    """A seller's or buyer's snapshot on one line: name, legal form, address, SIREN, VAT number."""
    keys = ("name", "legal_form", "address", "siren", "vat_number")
    return " — ".join(str(party[key]) for key in keys if party.get(key))


@admin.register(Carnet)
class CarnetAdmin(ReadOnlyAdmin):
    list_display = ["number", "funder", "order", "status", "distributeur", "size", "valid_until"]
    list_filter = ["status"]
    search_fields = ["number", "funder__name", "distributeur__name"]
    list_select_related = ["funder", "order", "distributeur"]


@admin.register(Cheque)
class ChequeAdmin(ReadOnlyAdmin):
    list_display = ["number", "funder", "status", "face_value", "valid_until"]
    list_filter = ["status"]
    search_fields = ["number"]
    exclude = ["code_hash"]
    list_select_related = ["funder"]
    show_full_result_count = False
