"""Distribution pages: the funder's distributeurs, assignments and take-backs, cheques by status and by
distributeur with exports; the distributeur's stock, hand-outs and blocks; one carnet's page."""

import csv
import tempfile

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from accounts.enums import OrganisationKind
from accounts.models import Organisation
from aptic.errors import BusinessError
from aptic.text import normalize_search
from cheques import codes as cheque_codes
from cheques.enums import CarnetStatus, ChequeStatus
from cheques.forms import (
    AssignForm,
    CarnetNumberForm,
    DistributeurSearchForm,
    HandOutForm,
    InvitationForm,
    TakeBackForm,
)
from cheques.models import Carnet, Cheque
from cheques.selectors import (
    carnets_select,
    cheque_counts,
    distributeur_stock,
    funder_credit_total,
    funder_stats,
    partners_of,
)
from cheques.services import distribution as services
from cheques.services.printing import carnet_pdf
from cheques.views.common import DISTRIBUTEUR, FUNDER, FUNDER_OR_DISTRIBUTEUR, report


def _carnet_by_number(request, number: str) -> Carnet:
    parsed = cheque_codes.parse_number(number)
    carnets = Carnet.objects.visible_to(request.access).select_related("order", "funder", "distributeur")
    return get_object_or_404(carnets, number=parsed[0] if parsed else "")


# --- Funder ----------------------------------------------------------------------------------------------


@access_required(kinds=FUNDER)
def distribution(request):
    funder = request.access.organisation
    partners = partners_of(funder)
    search = DistributeurSearchForm(request.GET or None)
    results = []
    if search.is_valid():
        q = search.cleaned_data["q"].strip()
        digits = q.replace(" ", "")
        results = (
            Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTEUR)
            .filter(Q(siret__startswith=digits) if digits.isdigit() else Q(name__icontains=q))
            .exclude(pk__in=partners.values("pk"))
            .order_by("name")[:20]
        )
        if not digits.isdigit() and not results:
            needle = normalize_search(q)
            results = [
                o
                for o in Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTEUR).exclude(pk__in=partners)
                if needle in normalize_search(o.name)
            ][:20]
    return render(
        request,
        "cheques/distribution.html",
        {
            "stats": funder_stats(funder),
            "partners": partners,
            "search": search,
            "results": results,
            "invite": InvitationForm(),
            "assign": AssignForm(partners=partners, prefix="assign"),
            "take_back": TakeBackForm(partners=partners, prefix="back"),
            "block_form": CarnetNumberForm(prefix="block"),
            "stock": Carnet.objects.filter(funder=funder, status=CarnetStatus.ISSUED).count(),
        },
    )


@require_POST
@access_required(kinds=FUNDER)
def partner_add(request):
    distributeur = get_object_or_404(
        Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTEUR), pk=request.POST.get("distributeur")
    )
    try:
        services.partnership_add(funder=request.access.organisation, distributeur=distributeur, by=request.user)
        messages.success(
            request, _("%(name)s fait désormais partie de vos distributeurs.") % {"name": distributeur.name}
        )
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:distribution")


@require_POST
@access_required(kinds=FUNDER)
def partner_invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.invitation_send(funder=request.access.organisation, email=form.cleaned_data["email"], by=request.user)
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, _("Indiquez une adresse e-mail valide."))
    return redirect("cheques:distribution")


@access_required(kinds=DISTRIBUTEUR)
def invitation_accept(request, token: str):
    if request.method == "POST":
        try:
            partnership = services.invitation_accept(
                token=token, distributeur=request.access.organisation, by=request.user
            )
            messages.success(
                request, _("Vous distribuez désormais les chèques de %(name)s.") % {"name": partnership.funder.name}
            )
        except BusinessError as error:
            report(request, error)
        return redirect("cheques:stock")
    return render(request, "cheques/invitation_accept.html", {"token": token})


def _selection(form, carnets):
    data = form.cleaned_data
    return carnets_select(
        carnets=carnets,
        count=data.get("count"),
        first_number=data.get("first_number") or "",
        last_number=data.get("last_number") or "",
    )


@require_POST
@access_required(kinds=FUNDER)
def carnets_assign(request):
    funder = request.access.organisation
    form = AssignForm(request.POST, partners=partners_of(funder), prefix="assign")
    if form.is_valid():
        try:
            stock = Carnet.objects.filter(funder=funder, status=CarnetStatus.ISSUED)
            moved = services.carnets_assign(
                funder=funder,
                carnets=_selection(form, stock),
                distributeur=form.cleaned_data["distributeur"],
                by=request.user,
            )
            messages.success(
                request,
                _("%(count)s carnet(s) confiés à %(name)s.")
                % {"count": moved, "name": form.cleaned_data["distributeur"].name},
            )
        except BusinessError as error:
            report(request, error)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cheques:distribution")


@require_POST
@access_required(kinds=FUNDER)
def carnets_take_back(request):
    funder = request.access.organisation
    form = TakeBackForm(request.POST, partners=partners_of(funder), prefix="back")
    if form.is_valid():
        try:
            held = Carnet.objects.filter(
                funder=funder, status=CarnetStatus.ASSIGNED, distributeur=form.cleaned_data["distributeur"]
            )
            moved = services.carnets_take_back(funder=funder, carnets=_selection(form, held), by=request.user)
            messages.success(request, _("%(count)s carnet(s) revenus dans votre stock.") % {"count": moved})
        except BusinessError as error:
            report(request, error)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cheques:distribution")


@access_required(kinds=FUNDER)
def cheques_overview(request):
    funder = request.access.organisation
    return render(
        request,
        "cheques/cheques_overview.html",
        {
            "counts": cheque_counts(Cheque.objects.filter(funder=funder)),
            "stats": funder_stats(funder),
            "statuses": ChequeStatus.choices,
            "credit": funder_credit_total(funder),
        },
    )


EXPORT_HEADER = [
    _("Chèque"),
    _("Carnet"),
    _("Commande"),
    _("État du chèque"),
    _("Valable jusqu'au"),
    _("Valeur (€)"),
    _("État du carnet"),
    _("Distributeur"),
    _("Remis le"),
]


def _export_rows(funder):
    statuses = dict(ChequeStatus.choices)
    carnet_statuses = dict(CarnetStatus.choices)
    rows = (
        Cheque.objects.filter(funder=funder)
        .order_by("number")
        .values_list(
            "number",
            "carnet__number",
            "order_id",
            "status",
            "valid_until",
            "face_value",
            "carnet__status",
            "carnet__distributeur__name",
            "carnet__distributed_at",
        )
    )
    for number, carnet, order_id, status, valid_until, face, carnet_status, distributeur, distributed in rows.iterator(
        chunk_size=5000
    ):
        yield [
            number,
            carnet,
            f"CMD-{order_id:06d}",
            str(statuses.get(status, status)),
            valid_until.isoformat(),
            f"{face // 100},{face % 100:02d}",
            str(carnet_statuses.get(carnet_status, carnet_status)),
            distributeur or "",
            timezone.localtime(distributed).date().isoformat() if distributed else "",
        ]


class _Echo:
    def write(self, value):
        return value


@access_required(kinds=FUNDER)
def cheques_export_csv(request):
    """All the funder's cheques, streamed (flat memory), semicolon-separated for French spreadsheets."""
    writer = csv.writer(_Echo(), delimiter=";")
    funder = request.access.organisation

    def lines():
        yield "\ufeff" + writer.writerow([str(h) for h in EXPORT_HEADER])
        for row in _export_rows(funder):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cheques-{timezone.localdate():%Y%m%d}.csv"'
    return response


@access_required(kinds=FUNDER)
def cheques_export_xlsx(request):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Chèques"))
    sheet.append([str(h) for h in EXPORT_HEADER])
    for row in _export_rows(request.access.organisation):
        sheet.append(row)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"cheques-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- Distributeur -------------------------------------------------------------------------------------------


@access_required(kinds=DISTRIBUTEUR)
def stock(request):
    distributeur = request.access.organisation
    return render(
        request,
        "cheques/stock.html",
        {
            "stock": distributeur_stock(distributeur),
            "hand_out": HandOutForm(),
            "block_form": CarnetNumberForm(prefix="block"),
            "distributed": Carnet.objects.filter(distributeur=distributeur, status=CarnetStatus.DISTRIBUTED)
            .select_related("funder")
            .order_by("-distributed_at")[:20],
            "blocked": Carnet.objects.filter(
                distributeur=distributeur, status__in=[CarnetStatus.BLOCKED, CarnetStatus.REPLACED]
            ).order_by("-blocked_at")[:20],
        },
    )


@require_POST
@access_required(kinds=DISTRIBUTEUR)
def hand_out(request):
    form = HandOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("cheques:stock")
    carnet = (
        Carnet.objects.visible_to(request.access)
        .filter(number=(cheque_codes.parse_number(form.cleaned_data["number"]) or ("",))[0])
        .first()
    )
    if carnet is None:
        messages.error(request, _("Ce carnet n'est pas dans votre stock : vérifiez son numéro."))
        return redirect("cheques:stock")
    try:
        services.carnet_hand_out(
            carnet=carnet,
            distributeur=request.access.organisation,
            by=request.user,
            age_band=form.cleaned_data["age_band"],
            commune=form.cleaned_data["commune"],
            situation=form.cleaned_data["situation"],
        )
        messages.success(request, _("Carnet %(number)s noté comme remis.") % {"number": carnet.number})
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:stock")


# --- Both: block, replace, one carnet ---------------------------------------------------------------------


@require_POST
@access_required(kinds=FUNDER_OR_DISTRIBUTEUR)
def carnet_block(request):
    form = CarnetNumberForm(request.POST, prefix="block")
    back = "cheques:distribution" if request.access.is_commanditaire else "cheques:stock"
    if not form.is_valid():
        messages.error(request, _("Indiquez le numéro du carnet à bloquer."))
        return redirect(back)
    parsed = cheque_codes.parse_number(form.cleaned_data["number"])
    carnet = Carnet.objects.visible_to(request.access).filter(number=parsed[0] if parsed else "").first()
    if carnet is None:
        messages.error(request, _("Aucun de vos carnets ne porte ce numéro."))
        return redirect(back)
    try:
        count = services.carnet_block(
            carnet=carnet,
            by=request.user,
            organisation=request.access.organisation,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("Carnet %(number)s bloqué : %(count)s chèque(s) inutilisé(s) ne peuvent plus servir.")
            % {"number": carnet.number, "count": count},
        )
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:carnet-detail", number=carnet.number)


@require_POST
@access_required(kinds=FUNDER_OR_DISTRIBUTEUR)
def carnet_replace(request, number: str):
    carnet = _carnet_by_number(request, number)
    try:
        replacement = services.carnet_replace(carnet=carnet, by=request.user, organisation=request.access.organisation)
        messages.success(
            request,
            _("Carnet de remplacement %(number)s émis ; son PDF est en préparation.") % {"number": replacement.number},
        )
        return redirect("cheques:carnet-detail", number=replacement.number)
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:carnet-detail", number=carnet.number)


@access_required(kinds=FUNDER_OR_DISTRIBUTEUR)
def carnet_detail(request, number: str):
    carnet = _carnet_by_number(request, number)
    replacement = Carnet.objects.filter(replaces=carnet).first()
    return render(
        request,
        "cheques/carnet_detail.html",
        {
            "carnet": carnet,
            "cheques": carnet.cheques.order_by("position"),
            "events": carnet.events.select_related("actor", "distributeur"),
            "replacement": replacement,
            "printable": carnet.status in (CarnetStatus.ISSUED, CarnetStatus.ASSIGNED),
        },
    )


@access_required(kinds=FUNDER_OR_DISTRIBUTEUR)
def carnet_pdf_download(request, number: str):
    """One carnet's PDF, for a reprint: only while nobody has received it yet."""
    carnet = _carnet_by_number(request, number)
    if carnet.status not in (CarnetStatus.ISSUED, CarnetStatus.ASSIGNED):
        messages.error(request, _("Ce carnet a été remis ou bloqué : il ne se réimprime plus."))
        return redirect("cheques:carnet-detail", number=carnet.number)
    try:
        pdf = carnet_pdf(carnet=carnet)
    except BusinessError as error:
        report(request, error)
        return redirect("cheques:carnet-detail", number=carnet.number)
    from django.http import HttpResponse

    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="carnet-{carnet.number}.pdf"'
    return response
