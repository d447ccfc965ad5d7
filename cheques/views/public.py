"""The beneficiary's page: no account; a carnet or cheque number and a code (or the QR code's URL)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from aptic.errors import BusinessError
from aptic.ratelimit import client_ip
from cheques.balance import balance_check
from cheques.forms import BalanceForm


@never_cache
@csrf_protect
def balance(request):
    form = BalanceForm(request.POST or None)
    result = error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = balance_check(
                number=form.cleaned_data["number"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
                user_id=request.user.pk if request.user.is_authenticated else None,
            )
        except BusinessError as exc:
            error, status = exc, exc.status
    return render(request, "cheques/balance.html", {"form": form, "result": result, "error": error}, status=status)
