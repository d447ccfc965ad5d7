"""The "Devenir #APTIC" application: saved step by step by the structure, then reviewed by staff.

draft → submitted → under review → changes requested ↺ (the structure edits and resubmits) → approved / rejected.
Approval creates the lieu's qualification and each eligible médiateur's (``qualifications.py``).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from aptic.errors import BusinessError
from qualification import notifications
from qualification.charter import COMMITMENTS, MIN_ANSWER_LENGTH, QUALITY_CRITERIA
from qualification.eligibility import Decision, eligibility_of
from qualification.enums import ApplicationKind, ApplicationStatus, MessageKind
from qualification.models import Application, ApplicationMessage, Lieu, Mediateur, Qualification
from qualification.services.qualifications import qualification_grant
from qualification.services.transitions import transition

EDITABLE = {ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED}
REVIEWABLE = {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW}

# The standard's fields copied from an imported lieu of the national cartography when pre-filling.
PREFILL_FIELDS = [
    "name",
    "address",
    "address_complement",
    "postcode",
    "commune",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "opening_hours",
    "summary",
    "description",
    "accessibility",
    "accessibility_url",
    "appointment_url",
]


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise BusinessError(
            _("La candidature est %(state)s : elle ne peut plus être modifiée.")
            % {"state": application.get_status_display().lower()},
            code="not_editable",
            status=409,
        )


def _step(application: Application, *, by: User, action: str, data: dict | None = None) -> None:
    from accounts.services import audit_record

    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    audit_record(
        action=f"qualification.application.{action}",
        actor=by,
        organisation=application.structure,
        target=application,
        data=data or {},
    )


@transaction.atomic
def application_start(*, structure: Organisation, by: User, prefill_from: Lieu | None = None) -> Application:
    """Open a draft application; with ``prefill_from`` (an imported lieu), its data pre-fills the lieu."""
    application = Application.objects.create(structure=structure, created_by=by)
    if prefill_from is not None:
        lieu = Lieu.objects.create(
            structure=structure,
            pivot=structure.siret,
            **{field: getattr(prefill_from, field) for field in PREFILL_FIELDS},
        )
        lieu.standard_services.set(prefill_from.standard_services.all())
        application.lieu = lieu
        application.save(update_fields=["lieu"])
    _step(application, by=by, action="started", data={"prefill_from": prefill_from.pk if prefill_from else None})
    return application


@transaction.atomic
def application_start_renewal(*, qualification: Qualification, by: User) -> Application:
    """A lighter application to renew a qualification: the lieu and its médiateurs are already known; the
    structure confirms them, accepts the charter again and submits."""
    lieu = qualification.lieu
    existing = Application.objects.filter(renewal_of=qualification).exclude(status=ApplicationStatus.REJECTED).first()
    if existing is not None:
        return existing
    if not qualification.renewable:
        raise BusinessError(
            _("Le renouvellement s'ouvre trois mois avant la fin de la qualification (le %(date)s).")
            % {
                "date": (
                    qualification.valid_until - datetime.timedelta(days=Qualification.RENEWAL_WINDOW_DAYS)
                ).strftime("%d/%m/%Y")
            },
            code="renewal_not_open",
        )
    application = Application.objects.create(
        structure=lieu.structure, lieu=lieu, kind=ApplicationKind.RENEWAL, renewal_of=qualification, created_by=by
    )
    _step(application, by=by, action="renewal_started", data={"qualification": qualification.pk})
    return application


@transaction.atomic
def application_save_identity(*, application: Application, data: dict, by: User) -> Organisation:
    """The structure's legal identity (name, legal form, SIRET, address, contacts)."""
    _ensure_editable(application)
    structure = application.structure
    for field, value in data.items():
        setattr(structure, field, value)
    structure.full_clean()
    structure.save()
    _step(application, by=by, action="identity_saved")
    return structure


@transaction.atomic
def application_save_lieu(*, application: Application, data: dict, by: User) -> Lieu:
    _ensure_editable(application)
    lieu = application.lieu or Lieu(structure=application.structure)
    for field, value in data.items():
        setattr(lieu, field, value)
    lieu.pivot = lieu.pivot or application.structure.siret
    lieu.full_clean(exclude=["services", "formats", "standard_services"])
    lieu.save()
    if application.lieu_id != lieu.pk:
        application.lieu = lieu
        application.save(update_fields=["lieu"])
    _step(application, by=by, action="lieu_saved")
    return lieu


@transaction.atomic
def application_save_offer(*, application: Application, services, formats, by: User) -> None:
    """The référentiel services and the formats the lieu offers."""
    _ensure_editable(application)
    if application.lieu is None:
        raise BusinessError(_("Décrivez d'abord le lieu."), code="lieu_missing")
    lieu = application.lieu
    lieu.services.set(services)
    lieu.formats.set(formats)
    lieu.standard_services.set({standard for service in services for standard in service.standard_services.all()})
    _step(application, by=by, action="offer_saved", data={"services": sorted(s.code for s in services)})


@transaction.atomic
def application_save_mediateur(
    *, application: Application, data: dict, by: User, mediateur: Mediateur | None = None
) -> Mediateur:
    """Add (or edit) a person who will deliver the services at the lieu, with their employment status."""
    _ensure_editable(application)
    if application.lieu is None:
        raise BusinessError(_("Décrivez d'abord le lieu."), code="lieu_missing")
    mediateur = mediateur or Mediateur(structure=application.structure, lieu=application.lieu)
    for field, value in data.items():
        setattr(mediateur, field, value)
    if mediateur.user_id is None:
        mediateur.user = User.objects.filter(email__iexact=mediateur.email).first()
    mediateur.full_clean()
    mediateur.save()
    _step(
        application,
        by=by,
        action="mediateur_saved",
        data={"email": mediateur.email, "status": mediateur.employment_status},
    )
    return mediateur


@transaction.atomic
def application_remove_mediateur(*, application: Application, mediateur: Mediateur, by: User) -> None:
    _ensure_editable(application)
    if mediateur.qualifications.exists():
        raise BusinessError(
            _("Cette personne a déjà été qualifiée : mettez fin à sa convention plutôt que de la supprimer."),
            code="mediateur_qualified",
        )
    mediateur.delete()
    _step(application, by=by, action="mediateur_removed", data={"email": mediateur.email})


@transaction.atomic
def application_accept_charter(*, application: Application, accepted: list[str], by: User) -> None:
    """Record, commitment by commitment, what the structure accepts (each one explicitly, with its time)."""
    _ensure_editable(application)
    known = {identifier for identifier, _text in COMMITMENTS}
    now = timezone.now().isoformat()
    application.charter_accepted = {
        identifier: application.charter_accepted.get(identifier, now) for identifier in accepted if identifier in known
    }
    application.save(update_fields=["charter_accepted"])
    _step(application, by=by, action="charter_saved", data={"accepted": sorted(application.charter_accepted)})


@transaction.atomic
def application_save_quality(*, application: Application, answers: dict[str, str], by: User) -> None:
    _ensure_editable(application)
    known = {identifier for identifier, _text in QUALITY_CRITERIA}
    application.quality_answers = {key: value.strip() for key, value in answers.items() if key in known}
    application.save(update_fields=["quality_answers"])
    _step(application, by=by, action="quality_saved")


def application_missing(application: Application) -> list[tuple[str, str]]:
    """What still prevents submission, as (step, message) pairs; empty when the application is complete."""
    missing: list[tuple[str, str]] = []
    structure = application.structure
    renewal = application.kind == ApplicationKind.RENEWAL
    if not (structure.siret and structure.legal_form and structure.address and structure.email):
        missing.append(
            ("identite", _("L'identité de la structure est incomplète (forme juridique, SIRET, adresse, e-mail)."))
        )
    lieu = application.lieu
    if lieu is None:
        missing.append(("lieu", _("Le lieu n'est pas encore décrit.")))
    else:
        if not lieu.opening_hours:
            missing.append(("lieu", _("Indiquez les horaires d'ouverture du lieu.")))
        if not lieu.services.exists():
            missing.append(("services", _("Choisissez au moins un service du référentiel.")))
        if not lieu.formats.exists():
            missing.append(("services", _("Choisissez au moins un format (individuel, collectif, à distance).")))
        mediateurs = list(lieu.mediateurs.all())
        if not mediateurs:
            missing.append(("mediateurs", _("Déclarez les personnes qui délivreront les services.")))
        elif all(eligibility_of(m.employment_status).decision == Decision.NOT_ELIGIBLE for m in mediateurs):
            missing.append(
                (
                    "mediateurs",
                    _(
                        "Aucune des personnes déclarées ne peut être qualifiée (auto-entreprenariat "
                        "et bénévolat ne le sont pas)."
                    ),
                )
            )
    not_accepted = [str(text) for identifier, text in COMMITMENTS if identifier not in application.charter_accepted]
    if not_accepted:
        missing.append(
            (
                "charte",
                _("Acceptez chacun des engagements de la charte (%(count)d restant·s).")
                % {"count": len(not_accepted)},
            )
        )
    if not renewal:
        short = [
            identifier
            for identifier, _text in QUALITY_CRITERIA
            if len(application.quality_answers.get(identifier, "")) < MIN_ANSWER_LENGTH
        ]
        if short:
            missing.append(
                (
                    "qualite",
                    _(
                        "Répondez à chaque critère qualité en quelques phrases (%(count)d "
                        "réponse·s manquante·s ou trop courte·s)."
                    )
                    % {"count": len(short)},
                )
            )
        if not application.documents.exists():
            missing.append(
                (
                    "documents",
                    _("Joignez au moins une pièce justificative (statuts, avis SIRENE, attestation d'assurance…)."),
                )
            )
    return missing


@transaction.atomic
def application_submit(*, application: Application, by: User) -> Application:
    missing = application_missing(application)
    if missing:
        raise BusinessError(_("La candidature est incomplète."), code="incomplete", missing=[m for _s, m in missing])
    transition(
        application,
        to=ApplicationStatus.SUBMITTED,
        allowed_from=EDITABLE,
        by=by,
        log_field="application",
        action="qualification.application.submitted",
        organisation=application.structure,
        submitted_at=timezone.now(),
    )
    notifications.application_submitted(application)
    return application


@transaction.atomic
def application_start_review(*, application: Application, by: User) -> Application:
    transition(
        application,
        to=ApplicationStatus.UNDER_REVIEW,
        allowed_from={ApplicationStatus.SUBMITTED},
        by=by,
        log_field="application",
        action="qualification.application.review_started",
        organisation=application.structure,
        reviewer=by,
    )
    return application


def _take_for_review(application: Application, by: User) -> None:
    """A reviewer acting on a submitted application takes it for review first (logged)."""
    if application.status == ApplicationStatus.SUBMITTED:
        application_start_review(application=application, by=by)


@transaction.atomic
def application_save_checklist(*, application: Application, checked: dict[str, bool], by: User) -> None:
    if application.status not in REVIEWABLE:
        raise BusinessError(_("Cette candidature n'est pas en cours d'examen."), code="invalid_state", status=409)
    application.review_checklist = checked
    application.save(update_fields=["review_checklist"])


@transaction.atomic
def application_request_changes(*, application: Application, message: str, by: User) -> Application:
    if not message.strip():
        raise BusinessError(_("Expliquez à la structure ce qu'elle doit modifier."), code="message_required")
    _take_for_review(application, by)
    transition(
        application,
        to=ApplicationStatus.CHANGES_REQUESTED,
        allowed_from={ApplicationStatus.UNDER_REVIEW},
        by=by,
        reason=message,
        log_field="application",
        action="qualification.application.changes_requested",
        organisation=application.structure,
    )
    ApplicationMessage.objects.create(
        application=application, author=by, kind=MessageKind.CHANGES_REQUESTED, body=message.strip()
    )
    notifications.application_changes_requested(application, message.strip())
    return application


@transaction.atomic
def application_post_message(*, application: Application, message: str, by: User) -> ApplicationMessage:
    """The structure answers (or staff write) in the application's thread."""
    if not message.strip():
        raise BusinessError(_("Le message est vide."), code="message_required")
    kind = MessageKind.NOTE if by.is_staff else MessageKind.REPLY
    return ApplicationMessage.objects.create(application=application, author=by, kind=kind, body=message.strip())


@transaction.atomic
def application_approve(
    *,
    application: Application,
    by: User,
    reason: str = "",
    service_civique_accepted: set[int] = frozenset(),
    valid_from: datetime.date | None = None,
) -> Qualification:
    """Approve: qualify the lieu and each eligible médiateur (service civique only when the reviewer accepts
    them explicitly, and flagged). Sends the decision and the certificate to the structure."""
    _take_for_review(application, by)
    mediateurs = list(application.lieu.mediateurs.all()) if application.lieu else []
    if not any(
        eligibility_of(m.employment_status).decision == Decision.ELIGIBLE or m.pk in service_civique_accepted
        for m in mediateurs
    ):
        raise BusinessError(
            _("Aucun médiateur ne serait qualifié : la candidature ne peut pas être approuvée."),
            code="no_eligible_mediateur",
        )
    transition(
        application,
        to=ApplicationStatus.APPROVED,
        allowed_from={ApplicationStatus.UNDER_REVIEW},
        by=by,
        reason=reason,
        log_field="application",
        action="qualification.application.approved",
        organisation=application.structure,
        decided_at=timezone.now(),
        decision_reason=reason,
    )
    ApplicationMessage.objects.create(
        application=application, author=by, kind=MessageKind.DECISION, body=reason or _("Candidature approuvée.")
    )
    qualification = qualification_grant(
        application=application, by=by, valid_from=valid_from, service_civique_accepted=set(service_civique_accepted)
    )
    return qualification


@transaction.atomic
def application_reject(*, application: Application, reason: str, by: User) -> Application:
    if not reason.strip():
        raise BusinessError(_("Le motif du refus est obligatoire."), code="reason_required")
    _take_for_review(application, by)
    transition(
        application,
        to=ApplicationStatus.REJECTED,
        allowed_from={ApplicationStatus.UNDER_REVIEW},
        by=by,
        reason=reason,
        log_field="application",
        action="qualification.application.rejected",
        organisation=application.structure,
        decided_at=timezone.now(),
        decision_reason=reason.strip(),
    )
    ApplicationMessage.objects.create(
        application=application, author=by, kind=MessageKind.DECISION, body=reason.strip()
    )
    notifications.application_decided(application)
    return application


MAX_DOCUMENT_SIZE = 5 * 1024 * 1024
# What a document really is, read from its first bytes (never trust the name or the browser's word).
DOCUMENT_SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def document_content_type(uploaded_file) -> str | None:
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    return next((kind for signature, kind in DOCUMENT_SIGNATURES.items() if head.startswith(signature)), None)


@transaction.atomic
def application_add_document(*, application: Application, kind: str, uploaded_file, by: User):
    """Store a supporting document privately after checking its real type (PDF, PNG, JPEG) and size."""
    from qualification.models import ApplicationDocument

    _ensure_editable(application)
    if uploaded_file.size > MAX_DOCUMENT_SIZE:
        raise BusinessError(_("Le fichier dépasse 5 Mo."), code="file_too_large")
    content_type = document_content_type(uploaded_file)
    if content_type is None:
        raise BusinessError(_("Seuls les fichiers PDF, PNG et JPEG sont acceptés."), code="file_type")
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=uploaded_file.name[:255],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )
    document.file.save(uploaded_file.name, uploaded_file, save=False)
    document.save()
    _step(application, by=by, action="document_added", data={"document": document.pk, "kind": kind})
    return document


@transaction.atomic
def application_remove_document(*, application: Application, document, by: User) -> None:
    _ensure_editable(application)
    name = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))
    _step(application, by=by, action="document_removed", data={"name": document.original_name})
