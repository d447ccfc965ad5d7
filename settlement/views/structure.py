from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import access_required
from accounts.enums import MembershipRole, OrganisationKind
from aptic.errors import BusinessError
from aptic.ratelimit import RateLimited, client_ip, ratelimit_response
from settlement.forms import BankAccountForm, MutationsForm
from settlement.models import BankAccount, MutationsConsent, Payout, first_day_of_next_month
from settlement.selectors import bank_account_in_use, mutations_opted_in
from settlement.services.bank_accounts import bank_account_request
from settlement.services.mutations import CONSENT_TEXT, mutations_choose

structure_admin = access_required(kinds=(OrganisationKind.STRUCTURE,), roles=(MembershipRole.ADMIN,))


@access_required(kinds=(OrganisationKind.STRUCTURE,), roles=(MembershipRole.ADMIN,), second_factor=True)
def bank_account(request):
    structure = request.access.organisation
    form = BankAccountForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            bank_account_request(structure=structure, by=request.user, ip=client_ip(request), **form.cleaned_data)
        except BusinessError as error:
            form.add_error(None, error.message)
            refused = error if isinstance(error, RateLimited) else None
        else:
            messages.success(
                request,
                _(
                    "Le nouveau compte est enregistré. L'équipe de la coopérative le vérifie avant "
                    "tout paiement ; d'ici là, les virements vont au compte déjà vérifié."
                ),
            )
            return redirect("bank-account")
    response = render(
        request,
        "settlement/bank_account.html",
        {
            "form": form,
            "in_use": bank_account_in_use(structure),
            "history": BankAccount.objects.filter(structure=structure).select_related("requested_by", "verified_by"),
        },
    )
    return ratelimit_response(response, refused) if refused else response


@structure_admin
def mutations(request):
    structure = request.access.organisation
    form = MutationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent = mutations_choose(structure=structure, opted_in=form.cleaned_data["opted_in"], by=request.user)
        messages.success(
            request,
            _("Votre choix est enregistré ; il s'applique à partir du %(date)s.")
            % {"date": consent.effective_from.strftime("%d/%m/%Y")},
        )
        return redirect("mutations")
    today = timezone.localdate()
    next_period = first_day_of_next_month(today)
    return render(
        request,
        "settlement/mutations.html",
        {
            "form": form,
            "consent_text": CONSENT_TEXT,
            "now": mutations_opted_in(structure, today),
            "next": mutations_opted_in(structure, next_period),
            "next_period": next_period,
            "history": MutationsConsent.objects.filter(structure=structure).select_related("given_by"),
        },
    )


@structure_admin
def payouts(request):
    """The structure's monthly payouts, with their statement and fee invoice."""
    structure = request.access.organisation
    return render(
        request,
        "settlement/payouts.html",
        {
            "payouts": Payout.objects.filter(structure=structure).select_related("run").order_by("-period"),
            "in_use": bank_account_in_use(structure),
            "mutations_now": mutations_opted_in(structure, timezone.localdate()),
        },
    )


@structure_admin
def payout_document(request, pk, document):
    payout = get_object_or_404(Payout, pk=pk, structure=request.access.organisation)
    field = {"releve": payout.statement, "facture": payout.fee_invoice}.get(document)
    if not field:
        raise Http404
    name = f"releve-{payout.period:%Y-%m}.pdf" if document == "releve" else f"facture-{payout.fee_invoice_number}.pdf"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
