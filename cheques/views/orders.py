"""Funder pages: simulate with a live price, quote, confirm, pay, follow issuance and printing, download."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from aptic.errors import BusinessError
from aptic.pdf import render_pdf
from cheques.enums import InvoiceKind, OrderStatus
from cheques.forms import OrderForm
from cheques.models import Invoice, Order
from cheques.models.orders import MAX_QUANTITY
from cheques.selectors import order_cheque_counts, restrictions_words
from cheques.services import orders as order_services
from cheques.services.printing import print_job_start
from cheques.views.common import ADMINS, FUNDER, private_file, report

QUOTE_VALIDITY_DAYS = 30


def _orders(request):
    return Order.objects.visible_to(request.access)


def _order_kwargs(form: OrderForm) -> dict:
    data = form.cleaned_data
    return {
        "quantity": data["quantity"],
        "carnet_size": data["carnet_size"],
        "valid_until": data["valid_until"],
        "communes": data["communes"],
        "departements": data["departements"],
        "categories": data["categories"],
        "lieux": data["lieux"],
        "purchase_reference": data["purchase_reference"],
    }


@access_required(kinds=FUNDER)
def order_list(request):
    orders = _orders(request).order_by("-created_at")
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(request, "cheques/order_list.html", {"page": page})


@access_required(kinds=FUNDER)
def order_create(request):
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_services.order_create(
                funder=request.access.organisation, by=request.user, **_order_kwargs(form)
            )
        except BusinessError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Simulation enregistrée : obtenez le devis, puis confirmez la commande."))
            return redirect("cheques:order-detail", pk=order.pk)
    return render(request, "cheques/order_form.html", {"form": form, "price": _price_context(form)})


@access_required(kinds=FUNDER)
def order_update(request, pk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    if not order.is_editable:
        messages.error(request, _("Une commande confirmée ne se modifie plus."))
        return redirect("cheques:order-detail", pk=order.pk)
    form = OrderForm(request.POST or None, initial=OrderForm.initial_for(order))
    if request.method == "POST" and form.is_valid():
        try:
            order_services.order_update(order=order, by=request.user, **_order_kwargs(form))
        except BusinessError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Commande modifiée."))
            return redirect("cheques:order-detail", pk=order.pk)
    return render(request, "cheques/order_form.html", {"form": form, "order": order, "price": _price_context(form)})


def _price_context(form: OrderForm) -> dict:
    """The live price of what the form holds now (HTMX fragment and first render)."""
    data = form.data if form.is_bound else {k: form.fields[k].initial for k in ("quantity", "carnet_size")}
    try:
        quantity = int(str(data.get("quantity") or "").replace(" ", "").replace("\u202f", ""))
        size = int(str(data.get("carnet_size") or "").strip())
    except ValueError:
        return {"error": _("Indiquez un nombre de chèques et une taille de carnet.")}
    if not 1 <= quantity <= MAX_QUANTITY or size < 1:
        return {"error": _("Indiquez un nombre de chèques entre 1 et 1 000 000.")}
    context = {"price": order_services.price_for(quantity), "carnets": quantity // size, "size": size}
    if quantity % size:
        context["warning"] = _("Le nombre de chèques doit remplir des carnets entiers de %(size)s.") % {"size": size}
    return context


@require_POST
@access_required(kinds=FUNDER)
def order_price(request):
    form = OrderForm(request.POST)
    return render(request, "cheques/_price.html", {"price": _price_context(form)})


@access_required(kinds=FUNDER)
def order_detail(request, pk: int):
    order = get_object_or_404(_orders(request).select_related("funder", "payment"), pk=pk)
    return render(request, "cheques/order_detail.html", _detail_context(order))


def _detail_context(order: Order) -> dict:
    job = order.print_jobs.filter(carnet__isnull=True).prefetch_related("chunks").first()
    return {
        "order": order,
        "cooperative": settings.APTIC_COOPERATIVE,
        "price": order_services.order_price_now(order),
        "restrictions": restrictions_words(order),
        "invoices": order.invoices.order_by("created_at"),
        "transitions": order.transitions.select_related("actor"),
        "counts": order_cheque_counts(order) if order.status == OrderStatus.ISSUED else None,
        "job": job,
        "chunks": list(job.chunks.all()) if job else [],
    }


@access_required(kinds=FUNDER)
def order_progress(request, pk: int):
    """HTMX: issuance and printing progress (polls itself until everything is done)."""
    order = get_object_or_404(_orders(request), pk=pk)
    return render(request, "cheques/_order_progress.html", _detail_context(order))


@require_POST
@access_required(kinds=FUNDER)
def order_quote(request, pk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    try:
        order_services.order_quote(order=order, by=request.user)
        messages.success(request, _("Votre devis est prêt : téléchargez-le ci-dessous."))
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:order-detail", pk=order.pk)


@access_required(kinds=FUNDER)
def order_quote_pdf(request, pk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    if order.status != OrderStatus.QUOTED:
        raise Http404
    today = timezone.localdate()
    pdf = render_pdf(
        "cheques/pdf/quote.html",
        {
            "order": order,
            "price": order_services.price_for(order.quantity),
            "restrictions": restrictions_words(order),
            "today": today,
            "valid_until": today + datetime.timedelta(days=QUOTE_VALIDITY_DAYS),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="devis-{order.reference}.pdf"'
    return response


@access_required(kinds=FUNDER, roles=ADMINS)
def order_confirm(request, pk: int):
    """A confirmation step before the irreversible: the amount, the commitment to pay."""
    order = get_object_or_404(_orders(request), pk=pk)
    if request.method == "POST":
        try:
            order_services.order_confirm(order=order, by=request.user)
            messages.success(request, _("Commande confirmée : votre facture est prête, payez-la par virement."))
        except BusinessError as error:
            report(request, error)
        return redirect("cheques:order-detail", pk=order.pk)
    if order.status != OrderStatus.QUOTED:
        return redirect("cheques:order-detail", pk=order.pk)
    return render(
        request,
        "cheques/order_confirm.html",
        {"order": order, "price": order_services.price_for(order.quantity), "restrictions": restrictions_words(order)},
    )


@require_POST
@access_required(kinds=FUNDER, roles=ADMINS)
def order_cancel(request, pk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    try:
        order_services.order_cancel(order=order, by=request.user, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Commande annulée."))
    except BusinessError as error:
        report(request, error)
    return redirect("cheques:order-detail", pk=order.pk)


@access_required(kinds=FUNDER)
def invoice_pdf(request, pk: int):
    invoice = get_object_or_404(Invoice.objects.filter(funder=request.access.organisation), pk=pk)
    if not invoice.pdf:
        from cheques.services.invoices import invoice_render

        invoice = invoice_render(invoice=invoice)
    prefix = "avoir" if invoice.kind == InvoiceKind.CREDIT_NOTE else "facture"
    return private_file(invoice.pdf, f"{prefix}-{invoice.number}.pdf")


@access_required(kinds=FUNDER)
def invoice_list(request):
    invoices = Invoice.objects.filter(funder=request.access.organisation).select_related("order")
    page = Paginator(invoices.order_by("-created_at"), 25).get_page(request.GET.get("page"))
    return render(request, "cheques/invoice_list.html", {"page": page})


@access_required(kinds=FUNDER)
def print_chunk_download(request, pk: int, chunk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    job = get_object_or_404(order.print_jobs.filter(carnet__isnull=True))
    part = get_object_or_404(job.chunks, pk=chunk)
    return private_file(part.file, part.file.name.rsplit("/", 1)[-1] if part.file else "")


@access_required(kinds=FUNDER)
def print_archive_download(request, pk: int):
    order = get_object_or_404(_orders(request), pk=pk)
    job = get_object_or_404(order.print_jobs.filter(carnet__isnull=True))
    return private_file(job.archive, f"{order.reference}-carnets.zip", "application/zip")


@require_POST
@access_required(kinds=FUNDER)
def print_restart(request, pk: int):
    """Printing is queued when issuance ends; this re-queues it if a worker was lost (idempotent)."""
    order = get_object_or_404(_orders(request), pk=pk)
    if order.status == OrderStatus.ISSUED:
        with transaction.atomic():
            job = print_job_start(order=order)
            from cheques.tasks import print_chunk_task

            for chunk_id in job.chunks.exclude(status="done").values_list("pk", flat=True):
                print_chunk_task.delay_on_commit(chunk_id)
    return redirect("cheques:order-detail", pk=order.pk)
