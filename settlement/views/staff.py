from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from accounts.enums import StaffRole
from aptic.errors import BusinessError
from ledger.services import journal_is_balanced
from settlement.enums import BankAccountStatus, PayoutStatus
from settlement.forms import DecisionForm
from settlement.models import BankAccount, Payout, SettlementRun
from settlement.selectors import median_days_to_payment, mutations_fund, reconciliation
from settlement.services.bank_accounts import bank_account_reject, bank_account_verify

finance = access_required(staff_roles=(StaffRole.FINANCE,))


@finance
def bank_accounts(request):
    pending = BankAccount.objects.filter(status=BankAccountStatus.PENDING).select_related("structure", "requested_by")
    return render(request, "settlement/staff/bank_accounts.html", {"pending": pending, "form": DecisionForm()})


@require_POST
@finance
def bank_account_decide(request, pk, decision):
    if decision not in ("verifier", "refuser"):
        raise Http404
    account = get_object_or_404(BankAccount, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if decision == "verifier":
            bank_account_verify(account=account, by=request.user, reason=reason)
            messages.success(request, _("Le compte est vérifié : les prochains virements l'utiliseront."))
        else:
            bank_account_reject(account=account, by=request.user, reason=reason)
            messages.success(request, _("Le compte est refusé ; la structure en est informée dans son espace."))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("staff-bank-accounts")


@access_required(staff_roles=(StaffRole.FINANCE, StaffRole.SUPPORT))
def dashboard(request):
    """Periods with their totals, payouts held back, the ledger reconciled against counts, payment delays."""
    return render(
        request,
        "settlement/staff/dashboard.html",
        {
            "runs": SettlementRun.objects.all()[:24],
            "held": (
                Payout.objects.filter(status=PayoutStatus.HELD)
                .select_related("structure")
                .order_by("-period", "structure__name")[:100]
            ),
            "checks": reconciliation(),
            "balanced": journal_is_balanced(),
            "median_days": median_days_to_payment(),
            "fund": mutations_fund(),
        },
    )
