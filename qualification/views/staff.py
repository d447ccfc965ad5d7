"""The cooperative's review of applications, and the management of qualifications (qualification team)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access_required
from accounts.enums import StaffRole
from aptic.errors import BusinessError
from qualification import forms
from qualification.eligibility import Decision, eligibility_of, status_mix
from qualification.enums import ApplicationStatus, EmploymentStatus, QualificationStatus
from qualification.models import Application, MediateurQualification, Qualification
from qualification.services import applications as services
from qualification.services import qualifications as qualification_services

reviewer = access_required(staff_roles=(StaffRole.QUALIFICATION,))
QUEUE_ORDER = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.CHANGES_REQUESTED,
    ApplicationStatus.DRAFT,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
]


@access_required(staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT))
def queue(request):
    """Applications by state, oldest submitted first: what waits longest is handled first."""
    status = request.GET.get("etat") or ApplicationStatus.SUBMITTED
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.SUBMITTED
    counts = dict(Application.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    applications = (
        Application.objects.filter(status=status)
        .select_related("structure", "lieu__commune", "reviewer")
        .annotate(
            flagged=Count(
                "lieu__mediateurs", filter=Q(lieu__mediateurs__employment_status=EmploymentStatus.SERVICE_CIVIQUE)
            )
        )
        .order_by("submitted_at", "created_at")
    )
    today = timezone.now()
    rows = [
        (application, (today - (application.submitted_at or application.created_at)).days)
        for application in applications
    ]
    return render(
        request,
        "qualification/staff/queue.html",
        {
            "status": status,
            "rows": rows,
            "tabs": [(value, ApplicationStatus(value).label, counts.get(value, 0)) for value in QUEUE_ORDER],
        },
    )


@access_required(staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT))
def application_review(request, pk):
    application = get_object_or_404(Application.objects.select_related("structure", "lieu__commune"), pk=pk)
    mediateurs = list(application.lieu.mediateurs.all()) if application.lieu else []
    service_civique = _service_civique(application)
    structure_statuses = application.structure.mediateurs.values_list("employment_status", flat=True)
    return render(
        request,
        "qualification/staff/application.html",
        {
            "application": application,
            "missing": services.application_missing(application),
            "mediateurs": [(m, eligibility_of(m.employment_status)) for m in mediateurs],
            "mix": status_mix(structure_statuses),
            "decisions": Decision,
            "checklist_form": forms.ChecklistForm(checked=application.review_checklist),
            "changes_form": forms.MessageForm(),
            "approve_form": forms.ApproveForm(service_civique=service_civique),
            "reject_form": forms.ReasonForm(),
            "message_form": forms.MessageForm(),
            "exchanges": application.messages.select_related("author"),
            "transitions": application.transitions.select_related("actor"),
            "reviewable": application.status in services.REVIEWABLE,
            "can_review": request.access.has_staff_role(StaffRole.QUALIFICATION),
        },
    )


def _act(request, pk, action, done: str):
    """Run ``action(application)``; say ``done``, or why it was refused. Back to the application either way."""
    application = get_object_or_404(Application, pk=pk)
    try:
        action(application)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("staff-application", pk=pk)


def _service_civique(application):
    """The service civique volunteers of the application: each needs the reviewer's explicit decision."""
    if application.lieu is None:
        return None
    return application.lieu.mediateurs.filter(employment_status=EmploymentStatus.SERVICE_CIVIQUE)


@require_POST
@reviewer
def application_take(request, pk):
    return _act(
        request,
        pk,
        lambda application: services.application_start_review(application=application, by=request.user),
        _("Vous instruisez cette candidature."),
    )


@require_POST
@reviewer
def application_checklist(request, pk):
    form = forms.ChecklistForm(request.POST)
    form.is_valid()
    return _act(
        request,
        pk,
        lambda application: services.application_save_checklist(
            application=application, checked=form.cleaned_data, by=request.user
        ),
        _("Liste de contrôle enregistrée."),
    )


@require_POST
@reviewer
def application_request_changes(request, pk):
    form = forms.MessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda application: services.application_request_changes(
            application=application, message=message, by=request.user
        ),
        _("Les modifications sont demandées à la structure."),
    )


@require_POST
@reviewer
def application_approve(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = forms.ApproveForm(request.POST, service_civique=_service_civique(application))
    if not form.is_valid():
        messages.error(request, _("Le formulaire d'approbation n'est pas valide."))
        return redirect("staff-application", pk=pk)
    accepted = {mediateur.pk for mediateur in form.cleaned_data["service_civique"]}
    return _act(
        request,
        pk,
        lambda application: services.application_approve(
            application=application,
            by=request.user,
            reason=form.cleaned_data["reason"],
            service_civique_accepted=accepted,
        ),
        _("Candidature approuvée : le lieu est qualifié et l'attestation envoyée."),
    )


@require_POST
@reviewer
def application_reject(request, pk):
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda application: services.application_reject(application=application, reason=reason, by=request.user),
        _("Candidature refusée."),
    )


@require_POST
@access_required(staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT))
def application_message(request, pk):
    form = forms.MessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        lambda application: services.application_post_message(
            application=application, message=message, by=request.user
        ),
        _("Message enregistré."),
    )


@access_required(staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT))
def qualifications(request):
    status = request.GET.get("etat") or QualificationStatus.ACTIVE
    rows = (
        Qualification.objects.filter(status=status)
        .select_related("lieu__structure", "lieu__commune")
        .prefetch_related("mediateurs__mediateur")
        .order_by("valid_until")
    )
    return render(
        request,
        "qualification/staff/qualifications.html",
        {
            "rows": rows,
            "status": status,
            "statuses": QualificationStatus.choices,
            "reason_form": forms.ReasonForm(),
            "can_change": request.access.has_staff_role(StaffRole.QUALIFICATION),
        },
    )


QUALIFICATION_ACTIONS = {
    "suspendre": (qualification_services.qualification_suspend, _("Qualification suspendue.")),
    "retablir": (qualification_services.qualification_reinstate, _("Qualification rétablie.")),
    "retirer": (qualification_services.qualification_revoke, _("Qualification retirée.")),
}
MEDIATEUR_ACTIONS = {
    "suspendre": (qualification_services.mediateur_qualification_suspend, _("Qualification du médiateur suspendue.")),
    "retablir": (qualification_services.mediateur_qualification_reinstate, _("Qualification du médiateur rétablie.")),
    "retirer": (qualification_services.mediateur_qualification_revoke, _("Qualification du médiateur retirée.")),
}


@require_POST
@reviewer
def qualification_change(request, pk, action):
    qualification = get_object_or_404(Qualification, pk=pk)
    if action not in QUALIFICATION_ACTIONS:
        raise Http404
    service, done = QUALIFICATION_ACTIONS[action]
    _change(request, lambda reason: service(qualification=qualification, reason=reason, by=request.user), done)
    return redirect("staff-qualifications")


@require_POST
@reviewer
def mediateur_qualification_change(request, pk, action):
    mediateur_qualification = get_object_or_404(MediateurQualification, pk=pk)
    if action not in MEDIATEUR_ACTIONS:
        raise Http404
    service, done = MEDIATEUR_ACTIONS[action]
    _change(
        request,
        lambda reason: service(mediateur_qualification=mediateur_qualification, reason=reason, by=request.user),
        done,
    )
    return redirect("staff-qualifications")


def _change(request, call, done) -> None:
    form = forms.ReasonForm(request.POST)
    try:
        call(form.cleaned_data["reason"] if form.is_valid() else "")
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@access_required(staff_roles=(StaffRole.QUALIFICATION, StaffRole.SUPPORT, StaffRole.FINANCE))
def report(request):
    """Who delivers the services: the mix of employment statuses per structure, service civique flagged."""
    from accounts.models import Organisation
    from qualification.models import Mediateur

    live = MediateurQualification.objects.filter(status=QualificationStatus.ACTIVE)
    structures = []
    for structure in Organisation.objects.filter(mediateurs__isnull=False).distinct().order_by("name"):
        statuses = Mediateur.objects.filter(structure=structure).values_list("employment_status", flat=True)
        structures.append(
            {
                "structure": structure,
                "mix": status_mix(statuses),
                "qualified": live.filter(mediateur__structure=structure).count(),
                "flagged": live.filter(mediateur__structure=structure, flagged=True).count(),
            }
        )
    return render(
        request,
        "qualification/staff/report.html",
        {
            "structures": structures,
            "overall": status_mix(Mediateur.objects.values_list("employment_status", flat=True)),
            "flagged_total": live.filter(flagged=True).count(),
        },
    )
