from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.enums import StaffRole
from accounts.history.display import may_see_bank_details
from aptic.admin_base import ModelAdmin, TabularInline
from aptic.errors import BusinessError
from aptic.iban import iban_grouped, iban_masked
from aptic.money import format_eur
from settlement.models import BankAccount, MutationsConsent, Payout, SettlementRun
from settlement.services import runs


class BankDetailsAdminMixin:
    """Finance staff, who pay the structures, see IBANs whole; every other reader (support…) sees them masked."""

    IBAN_FIELDS = ("iban_hidden", "iban_shown")

    @admin.display(description=_("IBAN"))
    def iban_hidden(self, obj):
        return iban_masked(obj.iban) if obj.iban else "—"

    @admin.display(description=_("IBAN"))
    def iban_shown(self, obj):
        return iban_grouped(obj.iban) if obj.iban else "—"

    def _iban(self, request, names) -> list[str]:
        shown = "iban_shown" if may_see_bank_details(request.access) else "iban_hidden"
        return [shown if name == "iban" else name for name in names if name not in self.IBAN_FIELDS]

    def get_list_display(self, request):
        return self._iban(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._iban(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.IBAN_FIELDS]


@admin.register(BankAccount)
class BankAccountAdmin(BankDetailsAdminMixin, ModelAdmin):
    """Read-only: accounts are entered by structures (with their second factor) and verified on the staff page."""

    list_display = ["structure", "iban", "holder", "status", "requested_at", "verified_by"]
    list_filter = ["status"]
    search_fields = ["structure__name", "holder"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MutationsConsent)
class MutationsConsentAdmin(ModelAdmin):
    list_display = ["structure", "opted_in", "effective_from", "given_by", "given_at"]
    list_filter = ["opted_in"]
    search_fields = ["structure__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PayoutInline(TabularInline):
    model = Payout
    fields = [
        "structure",
        "status",
        "cheques",
        "face_value_total",
        "downstream_fee_ht",
        "vat",
        "mutations",
        "paid_amount",
        "fee_invoice_number",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SettlementRun)
class SettlementRunAdmin(ModelAdmin):
    """Finance staff review, approve (two different people), export the SEPA file and record the payment here."""

    list_display = [
        "__str__",
        "status",
        "cheques",
        "paid_total_eur",
        "held_total_eur",
        "reviewed_by",
        "approved_by",
        "exported_at",
        "paid_at",
    ]
    list_filter = ["status"]
    readonly_fields = [field.name for field in SettlementRun._meta.fields if field.name != "id"]
    inlines = [PayoutInline]
    file_links = {"sepa_file": "admin:settlement_settlementrun_sepa"}
    change_form_template = "admin/settlement/settlementrun/change_form.html"

    @admin.display(description=_("à verser"))
    def paid_total_eur(self, run):
        return format_eur(run.paid_total)

    @admin.display(description=_("retenu"))
    def held_total_eur(self, run):
        return format_eur(run.held_total)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/action/<slug:action>/",
                self.admin_site.admin_view(self.run_action),
                name="settlement_settlementrun_action",
            ),
            path(
                "<int:pk>/sepa.xml",
                self.admin_site.admin_view(self.sepa_download),
                name="settlement_settlementrun_sepa",
            ),
            *super().get_urls(),
        ]

    def _finance(self, request) -> bool:
        return request.access.has_staff_role(StaffRole.FINANCE)

    def run_action(self, request, pk, action):
        run = get_object_or_404(SettlementRun, pk=pk)
        back = redirect("admin:settlement_settlementrun_change", pk)
        if request.method != "POST" or not self._finance(request):
            raise PermissionDenied
        try:
            if action == "verifier":
                runs.settlement_review(run=run, by=request.user)
                messages.success(
                    request, _("Contrepaiement vérifié : une autre personne doit maintenant l'approuver.")
                )
            elif action == "approuver":
                runs.settlement_approve(run=run, by=request.user)
                messages.success(request, _("Contrepaiement approuvé : le fichier SEPA peut être généré."))
            elif action == "exporter":
                runs.settlement_export(run=run, by=request.user)
                messages.success(request, _("Fichier SEPA généré et validé contre le schéma officiel."))
            elif action == "payer":
                runs.settlement_mark_paid(run=run, by=request.user, bank_reference=request.POST.get("reference", ""))
                messages.success(request, _("Paiement enregistré : les structures sont contrepayées."))
            else:
                raise Http404
        except BusinessError as error:
            messages.error(request, error.message)
        return back

    def sepa_download(self, request, pk):
        run = get_object_or_404(SettlementRun, pk=pk)
        if not self._finance(request) or not run.sepa_file:
            raise Http404
        return FileResponse(
            run.sepa_file.open("rb"),
            as_attachment=True,
            content_type="application/xml",
            filename=f"aptic-contrepaiement-{run.period:%Y-%m}.xml",
        )


@admin.register(Payout)
class PayoutAdmin(BankDetailsAdminMixin, ModelAdmin):
    list_display = ["structure", "period", "status", "cheques", "paid_amount", "fee_invoice_number", "paid_at"]
    list_filter = ["status", "period"]
    search_fields = ["structure__name", "fee_invoice_number"]
    readonly_fields = [field.name for field in Payout._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
