"""The counter ("Valider des chèques"): phone first. Scan or type a cheque, choose the service, validate."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from accounts.enums import MembershipRole, OrganisationKind
from aptic.errors import BusinessError
from aptic.ratelimit import client_ip
from cheques.enums import ChequeStatus, RedemptionStatus
from cheques.forms import CounterLookupForm, RedemptionForm, VoidForm
from cheques.models import Redemption
from cheques.selectors import restrictions_words
from cheques.services import redemptions as services
from qualification.models import Lieu
from qualification.selectors import lieu_qualification_on, mediateur_qualification_on
from referentiel.models import Version

counter_access = access_required(
    kinds=(OrganisationKind.STRUCTURE,), roles=(MembershipRole.MEDIATEUR, MembershipRole.ADMIN)
)


def _my_lieux(request):
    """The lieux of the structure where this person is declared as a médiateur."""
    return (
        Lieu.objects.filter(structure=request.access.organisation, mediateurs__user=request.user)
        .select_related("commune", "structure")
        .distinct()
        .order_by("name")
    )


def _current_lieu(request, lieux):
    wanted = request.POST.get("lieu") or request.GET.get("lieu") or request.session.get("counter_lieu")
    lieu = next((lieu for lieu in lieux if str(lieu.pk) == str(wanted)), None) or (lieux[0] if lieux else None)
    if lieu is not None:
        request.session["counter_lieu"] = lieu.pk
    return lieu


def _page(request, lieux, lieu, **context):
    today = timezone.localdate()
    todays = (
        Redemption.objects.visible_to(request.access)
        .filter(lieu=lieu, validated_at__date=today)
        .select_related("service", "mediateur")
        if lieu
        else Redemption.objects.none()
    )
    return render(
        request,
        "cheques/counter/counter.html",
        {
            "lieux": lieux,
            "lieu": lieu,
            "lieu_qualified": bool(lieu and lieu_qualification_on(lieu, today)),
            "me_qualified": bool(lieu and mediateur_qualification_on(user=request.user, lieu=lieu, on=today)),
            "lookup_form": context.pop("lookup_form", None) or CounterLookupForm(),
            "todays": todays,
            "void_form": VoidForm(),
            **context,
        },
    )


@counter_access
def counter(request):
    lieux = list(_my_lieux(request))
    return _page(request, lieux, _current_lieu(request, lieux))


@require_POST
@counter_access
def counter_lookup(request):
    """Open the carnet a code proves possession of, and show what can be validated."""
    lieux = list(_my_lieux(request))
    lieu = _current_lieu(request, lieux)
    form = CounterLookupForm(request.POST)
    if lieu is None or not form.is_valid():
        return _page(request, lieux, lieu, lookup_form=form)
    counter_ = services.counter_for_user(user=request.user, lieu=lieu)
    try:
        cheque = services.cheque_at_counter(counter=counter_, ip=client_ip(request), **form.lookup())
    except BusinessError as error:
        form.add_error(None, error.message)
        return _page(request, lieux, lieu, lookup_form=form)
    today = timezone.localdate()
    refusal = services.cheque_refusal(cheque, today)
    carnet = cheque.carnet
    left = carnet.cheques.filter(status=ChequeStatus.ISSUED, valid_until__gte=today).order_by("position")
    services_offered = _services_offered(lieu, cheque.order)
    form = RedemptionForm(
        services=services_offered,
        initial={
            **{name: form.cleaned_data[name] for name in ("number", "code", "qr")},
            "lieu": lieu.pk,
            "idempotency_key": uuid.uuid4().hex,
            "cheques_count": services_offered[0].cost_in_cheques if services_offered else 1,
        },
    )
    return _page(
        request,
        lieux,
        lieu,
        carnet=carnet,
        cheque=cheque,
        left=list(left),
        refusal=refusal,
        restrictions=restrictions_words(cheque.order),
        redemption_form=form,
        lookup_form=CounterLookupForm(),
    )


def _services_offered(lieu, order):
    """The lieu's offer in the référentiel in force, within the funder's categories (if it restricted them)."""
    version = Version.objects.in_force()
    if version is None:
        return []
    codes = lieu.services.values_list("code", flat=True)
    offered = (
        version.services.filter(code__in=codes).select_related("category").order_by("category__position", "position")
    )
    categories = list(order.categories.values_list("code", flat=True))
    if categories:
        offered = offered.filter(category__code__in=categories)
    return list(offered)


@require_POST
@counter_access
def counter_validate(request):
    lieux = list(_my_lieux(request))
    lieu = _current_lieu(request, lieux)
    if lieu is None:
        raise Http404
    form = RedemptionForm(request.POST, services=None)
    if not form.is_valid():
        messages.error(request, _("La validation est incomplète : recommencez en scannant le chèque."))
        return redirect("cheques:counter")
    data = form.cleaned_data
    try:
        outcome = services.redemption_validate(
            counter=services.counter_for_user(user=request.user, lieu=lieu),
            lieu=lieu,
            service_code=data["service"],
            cheques_count=data["cheques_count"],
            ip=client_ip(request),
            number=data["number"],
            code=data["code"],
            payload=data["qr"],
            idempotency_key=data["idempotency_key"],
        )
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("cheques:counter")
    if outcome.replayed:
        messages.info(request, _("Cette validation était déjà enregistrée : voici son reçu."))
    return redirect("cheques:counter-receipt", pk=outcome.redemption.pk)


@counter_access
def counter_receipt(request, pk):
    redemption = get_object_or_404(
        Redemption.objects.visible_to(request.access).select_related(
            "lieu__commune", "service", "carnet", "mediateur"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    left = redemption.carnet.cheques.filter(status=ChequeStatus.ISSUED, valid_until__gte=today).count()
    return render(
        request,
        "cheques/counter/receipt.html",
        {
            "redemption": redemption,
            "left": left,
            "cheques": redemption.lines.select_related("cheque").order_by("cheque__position"),
            "void_form": VoidForm(),
        },
    )


@require_POST
@counter_access
def counter_void(request, pk):
    redemption = get_object_or_404(Redemption.objects.visible_to(request.access), pk=pk)
    form = VoidForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.redemption_void(redemption=redemption, reason=reason, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Validation annulée : ses chèques sont de nouveau utilisables."))
    return redirect("cheques:counter")


@counter_access
def redemption_list(request):
    """The structure's validations, month by month (what next settlement will pay)."""
    redemptions = (
        Redemption.objects.visible_to(request.access)
        .select_related("lieu", "service", "mediateur")
        .order_by("-validated_at")
    )
    status = request.GET.get("etat")
    if status in RedemptionStatus.values:
        redemptions = redemptions.filter(status=status)
    return render(
        request,
        "cheques/counter/redemption_list.html",
        {
            "redemptions": redemptions[:500],
            "status": status,
            "statuses": RedemptionStatus.choices,
        },
    )
