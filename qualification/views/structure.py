"""The structure's side of "Devenir #APTIC": the application in steps, its thread, the qualifications."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from accounts.enums import MembershipRole, OrganisationKind, StaffRole
from aptic.errors import BusinessError
from qualification import forms
from qualification.eligibility import eligibility_of
from qualification.enums import LieuSource
from qualification.models import ApplicationDocument, Lieu, Qualification
from qualification.selectors import applications_visible_to, qualifications_of_structure
from qualification.services import applications as services

structure_admin = access_required(kinds=(OrganisationKind.STRUCTURE,), roles=(MembershipRole.ADMIN,))

STEPS = [
    ("identite", _("Identité de la structure")),
    ("lieu", _("Le lieu")),
    ("services", _("Services proposés")),
    ("mediateurs", _("Les personnes")),
    ("charte", _("Charte #APTIC")),
    ("qualite", _("Critères qualité")),
    ("documents", _("Pièces justificatives")),
]


def _steps(application, missing):
    missing_steps = {step for step, _message in missing}
    if application.lieu is None:  # nothing can be said of the offer nor the people before the lieu exists
        missing_steps |= {"services", "mediateurs"}
    renewal = application.kind == "renewal"
    return [
        {
            "id": step,
            "label": label,
            "done": step not in missing_steps,
            "optional": renewal and step in ("qualite", "documents"),
        }
        for step, label in STEPS
    ]


def _application(request, pk):
    return get_object_or_404(applications_visible_to(request.access), pk=pk)


@structure_admin
def qualifications(request):
    """The structure's lieux, qualifications and applications."""
    structure = request.access.organisation
    applications = applications_visible_to(request.access).order_by("-created_at")
    return render(
        request,
        "qualification/structure/qualifications.html",
        {
            "qualifications": qualifications_of_structure(structure),
            "applications": applications,
            "prefill_form": forms.PrefillSearchForm(request.GET or None),
            "prefill_results": _prefill_results(request.GET.get("q", "")),
        },
    )


def _prefill_results(query: str):
    from aptic.text import normalize_search

    query = normalize_search(query)
    if len(query) < 3:
        return []
    return list(
        Lieu.objects.filter(source=LieuSource.NATIONAL_STANDARD)
        .filter(name__icontains=query.split()[0])
        .select_related("commune")[:10]
    ) or list(
        Lieu.objects.filter(
            source=LieuSource.NATIONAL_STANDARD, commune__search_name__startswith=query
        ).select_related("commune")[:10]
    )


@require_POST
@structure_admin
def application_new(request):
    prefill = None
    if request.POST.get("prefill"):
        prefill = get_object_or_404(Lieu, pk=request.POST["prefill"], source=LieuSource.NATIONAL_STANDARD)
    application = services.application_start(
        structure=request.access.organisation, by=request.user, prefill_from=prefill
    )
    messages.success(
        request, _("Votre candidature est ouverte : vous pouvez l'enregistrer et la reprendre à tout moment.")
    )
    return redirect("application-step", pk=application.pk, step="identite")


@require_POST
@structure_admin
def qualification_renew(request, pk):
    qualification = get_object_or_404(Qualification, pk=pk, lieu__structure=request.access.organisation)
    try:
        application = services.application_start_renewal(qualification=qualification, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("qualifications")
    return redirect("application", pk=application.pk)


@access_required(kinds=(OrganisationKind.STRUCTURE,), roles=(MembershipRole.ADMIN,))
def application_detail(request, pk):
    application = _application(request, pk)
    missing = services.application_missing(application)
    form = forms.MessageForm()
    if request.method == "POST":
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            services.application_post_message(
                application=application, message=form.cleaned_data["message"], by=request.user
            )
            messages.success(request, _("Votre message est envoyé à l'équipe de la coopérative."))
            return redirect("application", pk=pk)
    return render(
        request,
        "qualification/structure/application.html",
        {
            "application": application,
            "missing": missing,
            "steps": _steps(application, missing),
            "editable": application.status in services.EDITABLE,
            "message_form": form,
            "exchanges": application.messages.select_related("author"),
            "transitions": application.transitions.select_related("actor"),
        },
    )


@require_POST
@structure_admin
def application_submit(request, pk):
    application = _application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
        for missing in error.details.get("missing", []):
            messages.error(request, missing)
    else:
        messages.success(
            request,
            _(
                "Votre candidature est déposée. L'équipe de la coopérative va l'examiner ; vous "
                "recevrez un e-mail à chaque étape."
            ),
        )
    return redirect("application", pk=pk)


@structure_admin
def application_step(request, pk, step):
    application = _application(request, pk)
    if step not in dict(STEPS):
        raise Http404
    editable = application.status in services.EDITABLE
    if request.method == "POST" and not editable:
        messages.error(request, _("La candidature n'est plus modifiable."))
        return redirect("application", pk=pk)
    handler = STEP_HANDLERS[step]
    result = handler(request, application)
    if result is None:  # saved
        messages.success(request, _("Enregistré."))
        next_step = _next_step(step)
        return redirect("application-step", pk=pk, step=next_step) if next_step else redirect("application", pk=pk)
    if result.get("redirect"):  # an item was added to a list step: show the list again
        return redirect("application-step", pk=pk, step=step)
    missing = services.application_missing(application)
    return render(
        request,
        "qualification/structure/step.html",
        {
            "application": application,
            "step": step,
            "step_label": dict(STEPS)[step],
            "steps": _steps(application, missing),
            "editable": editable,
            **result,
        },
    )


def _next_step(step):
    ids = [identifier for identifier, _label in STEPS]
    index = ids.index(step)
    return ids[index + 1] if index + 1 < len(ids) else None


def _save(request, form, save):
    """Run ``save(form)`` when the form is valid; a refusal of the service shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except BusinessError as error:
            form.add_error(None, error.message)
        else:
            return None
    return {"form": form}


def _identity(request, application):
    form = forms.IdentityForm(request.POST or None, instance=application.structure)
    return _save(
        request,
        form,
        lambda f: services.application_save_identity(
            application=application, data={k: f.cleaned_data[k] for k in f.Meta.fields}, by=request.user
        ),
    )


def _lieu(request, application):
    initial = {"postcode": request.GET["postcode"]} if "postcode" in request.GET else None
    form = forms.LieuForm(request.POST or None, instance=application.lieu or Lieu(), initial=initial)
    return _save(
        request,
        form,
        lambda f: services.application_save_lieu(
            application=application, data={k: f.cleaned_data[k] for k in f.Meta.fields}, by=request.user
        ),
    )


def _services(request, application):
    lieu = application.lieu
    if lieu is None:
        return {"blocked": _("Décrivez d'abord le lieu.")}
    initial = {"services": list(lieu.services.all()), "formats": list(lieu.formats.all())}
    form = forms.OfferForm(request.POST or None, initial=initial)
    return _save(
        request,
        form,
        lambda f: services.application_save_offer(
            application=application,
            services=list(f.cleaned_data["services"]),
            formats=list(f.cleaned_data["formats"]),
            by=request.user,
        ),
    )


def _mediateurs(request, application):
    lieu = application.lieu
    if lieu is None:
        return {"blocked": _("Décrivez d'abord le lieu.")}
    form = forms.MediateurForm(request.POST or None)
    result = _save(
        request,
        form,
        lambda f: services.application_save_mediateur(application=application, data=f.cleaned_data, by=request.user),
    )
    if result is None:
        messages.success(request, _("La personne est ajoutée."))
        return {"redirect": True}
    return {**result, "mediateurs": _mediateur_rows(lieu)}


def _mediateur_rows(lieu):
    return [(mediateur, eligibility_of(mediateur.employment_status)) for mediateur in lieu.mediateurs.all()]


def _charter(request, application):
    form = forms.CharterForm(request.POST or None, accepted=application.charter_accepted)
    return _save(
        request,
        form,
        lambda f: services.application_accept_charter(application=application, accepted=f.accepted(), by=request.user),
    )


def _quality(request, application):
    form = forms.QualityForm(request.POST or None, answers=application.quality_answers)
    return _save(
        request,
        form,
        lambda f: services.application_save_quality(application=application, answers=f.cleaned_data, by=request.user),
    )


def _documents(request, application):
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    result = _save(
        request,
        form,
        lambda f: services.application_add_document(
            application=application, kind=f.cleaned_data["kind"], uploaded_file=f.cleaned_data["file"], by=request.user
        ),
    )
    documents = application.documents.all()
    if result is None:
        messages.success(request, _("La pièce est jointe."))
        return {"redirect": True}
    return {**result, "documents": documents}


STEP_HANDLERS = {
    "identite": _identity,
    "lieu": _lieu,
    "services": _services,
    "mediateurs": _mediateurs,
    "charte": _charter,
    "qualite": _quality,
    "documents": _documents,
}


@require_POST
@structure_admin
def mediateur_remove(request, pk, mediateur_pk):
    application = _application(request, pk)
    mediateur = get_object_or_404(application.lieu.mediateurs, pk=mediateur_pk) if application.lieu else None
    if mediateur is None:
        raise Http404
    try:
        services.application_remove_mediateur(application=application, mediateur=mediateur, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("application-step", pk=pk, step="mediateurs")


@require_POST
@structure_admin
def document_remove(request, pk, document_pk):
    application = _application(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        services.application_remove_document(application=application, document=document, by=request.user)
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("application-step", pk=pk, step="documents")


@access_required(kinds=(OrganisationKind.STRUCTURE,), staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT))
def document_download(request, pk, document_pk):
    """A supporting document, for the structure's admins and the cooperative's staff only (others: 404)."""
    application = _application(request, pk)
    if not (request.access.is_staff or request.access.is_organisation_admin):
        raise Http404
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@structure_admin
def certificate_download(request, pk):
    qualification = get_object_or_404(Qualification, pk=pk, lieu__structure=request.access.organisation)
    if not qualification.certificate:
        messages.info(request, _("L'attestation est en cours de préparation : revenez dans un instant."))
        return redirect(reverse("qualifications"))
    return FileResponse(
        qualification.certificate.open("rb"),
        as_attachment=True,
        filename=f"attestation-aptic-{qualification.pk}.pdf",
        content_type="application/pdf",
    )
