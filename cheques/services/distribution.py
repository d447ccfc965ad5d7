"""Distribution: a funder's distributeurs, carnets assigned, taken back, handed out, blocked, replaced."""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from accounts.services import audit_record
from aptic.errors import BusinessError
from cheques.enums import CarnetEventKind, CarnetStatus, ChequeStatus
from cheques.models import BeneficiaryProfile, Carnet, CarnetEvent, Cheque, DistributeurInvitation, Partnership
from cheques.services.common import already_done, counter_reserve
from ledger.enums import AccountCode as A
from ledger.services import credit, debit, transaction_post

# --- Partnerships ----------------------------------------------------------------------------------


@transaction.atomic
def partnership_add(*, funder: Organisation, distributeur: Organisation, by: User | None) -> Partnership:
    if distributeur.kind != OrganisationKind.DISTRIBUTEUR:
        raise BusinessError(_("Cette organisation n'est pas un distributeur."), code="not_a_distributeur")
    partnership, created = Partnership.objects.get_or_create(
        funder=funder, distributeur=distributeur, defaults={"created_by": by}
    )
    if not created:
        raise already_done(_("Déjà effectué : vous travaillez déjà avec %(name)s.") % {"name": distributeur.name})
    audit_record(
        action="cheques.partnership.created",
        actor=by,
        organisation=funder,
        target=partnership,
        data={"distributeur": distributeur.name},
    )
    return partnership


@transaction.atomic
def invitation_send(*, funder: Organisation, email: str, by: User) -> DistributeurInvitation:
    """Invite a distributeur not yet on the platform: an e-mail with a link that creates the partnership."""
    invitation = DistributeurInvitation.objects.create(
        funder=funder, email=email.strip().lower(), token=secrets.token_urlsafe(32), created_by=by
    )
    link = settings.SITE_URL + reverse("cheques:invitation-accept", args=[invitation.token])
    subject = _("[#APTIC] %(funder)s vous invite à distribuer des chèques #APTIC") % {"funder": funder.name}
    body = _(
        "Bonjour,\n\n%(funder)s souhaite vous confier des carnets de chèques #APTIC, qui paient des séances de "
        "médiation numérique aux personnes que vous accompagnez.\n\nPour accepter, connectez-vous (ou créez un "
        "compte et déclarez votre organisation comme « Distributeur »), puis ouvrez ce lien :\n%(link)s\n\n"
        "L'équipe #APTIC"
    ) % {"funder": funder.name, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [invitation.email]))
    audit_record(
        action="cheques.invitation.sent", actor=by, organisation=funder, target=invitation, data={"email": email}
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, distributeur: Organisation, by: User) -> Partnership:
    invitation = DistributeurInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise BusinessError(_("Cette invitation n'existe pas ou plus."), code="unknown_invitation", status=404)
    if invitation.accepted_at is not None:
        raise already_done(_("Déjà effectué : cette invitation a été acceptée."))
    if distributeur.kind != OrganisationKind.DISTRIBUTEUR:
        raise BusinessError(
            _("Pour accepter, agissez pour une organisation déclarée comme « Distributeur »."),
            code="not_a_distributeur",
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = distributeur
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    partnership, _created = Partnership.objects.get_or_create(
        funder=invitation.funder, distributeur=distributeur, defaults={"created_by": by}
    )
    audit_record(action="cheques.invitation.accepted", actor=by, organisation=distributeur, target=invitation)
    return partnership


# --- Moving carnets ------------------------------------------------------------------------------------


def _events(carnet_ids, *, kind, from_status, to_status, distributeur=None, by=None, reason="") -> None:
    now = timezone.now()
    CarnetEvent.objects.bulk_create(
        CarnetEvent(
            carnet_id=carnet_id,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            distributeur=distributeur,
            actor=by,
            reason=reason,
            created_at=now,
        )
        for carnet_id in carnet_ids
    )


@transaction.atomic
def carnets_assign(*, funder: Organisation, carnets: QuerySet[Carnet], distributeur: Organisation, by: User) -> int:
    """Give carnets of the funder's stock to one of its distributeurs. Returns how many moved."""
    if not Partnership.objects.filter(funder=funder, distributeur=distributeur).exists():
        raise BusinessError(_("Ajoutez d'abord ce distributeur à vos partenaires."), code="not_a_partner")
    ids = list(
        Carnet.objects.select_for_update()
        .filter(pk__in=carnets.values("pk"), funder=funder, status=CarnetStatus.ISSUED)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise BusinessError(
            _("Aucun carnet de votre stock ne correspond : ils sont peut-être déjà confiés."), code="nothing_to_assign"
        )
    moved = Carnet.objects.filter(pk__in=ids, status=CarnetStatus.ISSUED).update(
        status=CarnetStatus.ASSIGNED, distributeur=distributeur, assigned_at=timezone.now()
    )
    _events(
        ids,
        kind=CarnetEventKind.ASSIGNED,
        from_status=CarnetStatus.ISSUED,
        to_status=CarnetStatus.ASSIGNED,
        distributeur=distributeur,
        by=by,
    )
    audit_record(
        action="cheques.carnets.assigned",
        actor=by,
        organisation=funder,
        data={"distributeur": distributeur.name, "count": moved},
    )
    return moved


@transaction.atomic
def carnets_take_back(*, funder: Organisation, carnets: QuerySet[Carnet], by: User) -> int:
    """Carnets a distributeur holds but has not handed out come back to the funder's stock."""
    rows = list(
        Carnet.objects.select_for_update()
        .filter(pk__in=carnets.values("pk"), funder=funder, status=CarnetStatus.ASSIGNED)
        .values_list("pk", "distributeur_id")
    )
    if not rows:
        raise BusinessError(_("Aucun carnet non remis ne correspond."), code="nothing_to_take_back")
    ids = [pk for pk, _distributeur in rows]
    moved = Carnet.objects.filter(pk__in=ids, status=CarnetStatus.ASSIGNED).update(
        status=CarnetStatus.ISSUED, distributeur=None, assigned_at=None
    )
    now = timezone.now()
    CarnetEvent.objects.bulk_create(
        CarnetEvent(
            carnet_id=pk,
            kind=CarnetEventKind.TAKEN_BACK,
            from_status=CarnetStatus.ASSIGNED,
            to_status=CarnetStatus.ISSUED,
            distributeur_id=distributeur_id,
            actor=by,
            created_at=now,
        )
        for pk, distributeur_id in rows
    )
    audit_record(action="cheques.carnets.taken_back", actor=by, organisation=funder, data={"count": moved})
    return moved


@transaction.atomic
def carnet_hand_out(
    *,
    carnet: Carnet,
    distributeur: Organisation,
    by: User,
    age_band: str = "",
    commune=None,
    situation: str = "",
) -> Carnet:
    """The distributeur hands the carnet to a person; an anonymous profile may be noted (no name)."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    if carnet.status == CarnetStatus.DISTRIBUTED and carnet.distributeur_id == distributeur.pk:
        raise already_done(_("Déjà effectué : ce carnet est déjà noté comme remis."))
    if carnet.status != CarnetStatus.ASSIGNED or carnet.distributeur_id != distributeur.pk:
        raise BusinessError(
            _("Ce carnet n'est pas dans votre stock (état : %(status)s).") % {"status": carnet.get_status_display()},
            code="not_in_stock",
        )
    carnet.status = CarnetStatus.DISTRIBUTED
    carnet.distributed_at = timezone.now()
    carnet.save(update_fields=["status", "distributed_at"])
    _events(
        [carnet.pk],
        kind=CarnetEventKind.DISTRIBUTED,
        from_status=CarnetStatus.ASSIGNED,
        to_status=CarnetStatus.DISTRIBUTED,
        distributeur=distributeur,
        by=by,
    )
    if age_band or commune or situation:
        BeneficiaryProfile.objects.create(carnet=carnet, age_band=age_band, commune=commune, situation=situation)
    audit_record(action="cheques.carnet.distributed", actor=by, organisation=distributeur, target=carnet)
    return carnet


@transaction.atomic
def carnet_block(*, carnet: Carnet, by: User, organisation: Organisation, reason: str = "") -> int:
    """Lost or stolen: the carnet and its unspent cheques are blocked at once. Returns the cheques blocked."""
    carnet = Carnet.objects.select_for_update().get(pk=carnet.pk)
    if carnet.status in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED):
        raise already_done(_("Déjà effectué : ce carnet est déjà bloqué."))
    previous = carnet.status
    blocked = Cheque.objects.filter(carnet=carnet, status=ChequeStatus.ISSUED).update(
        status=ChequeStatus.BLOCKED, status_changed_at=timezone.now()
    )
    carnet.status = CarnetStatus.BLOCKED
    carnet.blocked_at = timezone.now()
    carnet.block_reason = reason[:200]
    carnet.save(update_fields=["status", "blocked_at", "block_reason"])
    _events(
        [carnet.pk],
        kind=CarnetEventKind.BLOCKED,
        from_status=previous,
        to_status=CarnetStatus.BLOCKED,
        distributeur=carnet.distributeur,
        by=by,
        reason=reason[:200],
    )
    audit_record(
        action="cheques.carnet.blocked",
        actor=by,
        organisation=organisation,
        target=carnet,
        data={"cheques": blocked, "reason": reason},
    )
    return blocked


@transaction.atomic
def carnet_replace(*, carnet: Carnet, by: User, organisation: Organisation) -> Carnet:
    """A new carnet for the blocked cheques of ``carnet``: same face value and validity, new numbers and
    codes, same holder. The blocked cheques' value moves to the new ones (cheques outstanding unchanged)."""
    from cheques.codes import CARNET_SEQUENCE_START
    from cheques.services.issuance import CARNET_COUNTER, carnets_create
    from cheques.services.printing import print_job_start
    from cheques.services.sealing import codes_seal

    carnet = Carnet.objects.select_for_update().select_related("order").get(pk=carnet.pk)
    if carnet.status == CarnetStatus.REPLACED:
        raise already_done(_("Déjà effectué : ce carnet a déjà été remplacé."))
    if carnet.status != CarnetStatus.BLOCKED:
        raise BusinessError(_("Bloquez d'abord le carnet, puis remplacez-le."), code="not_blocked")
    blocked = list(carnet.cheques.filter(status=ChequeStatus.BLOCKED).values_list("face_value", flat=True))
    if not blocked:
        raise BusinessError(_("Ce carnet n'a aucun chèque inutilisé à remplacer."), code="nothing_to_replace")
    order = carnet.order
    position = (Carnet.objects.filter(order=order).aggregate(last=Max("position"))["last"] or 0) + 1
    sequence = counter_reserve(CARNET_COUNTER) + CARNET_SEQUENCE_START
    pairs = carnets_create(
        order=order,
        first=position,
        last=position,
        first_sequence=sequence,
        size=len(blocked),
        face_value=carnet.face_value,
        valid_until=carnet.valid_until,
    )
    replacement = Carnet.objects.get(order=order, position=position)
    replacement.replaces = carnet
    if carnet.distributeur_id:
        replacement.distributeur_id = carnet.distributeur_id
        replacement.status = CarnetStatus.ASSIGNED
        replacement.assigned_at = timezone.now()
    replacement.save()
    codes_seal(order_id=order.pk, first=position, last=position, codes=dict(pairs))
    carnet.status = CarnetStatus.REPLACED
    carnet.save(update_fields=["status"])
    _events(
        [carnet.pk],
        kind=CarnetEventKind.REPLACED,
        from_status=CarnetStatus.BLOCKED,
        to_status=CarnetStatus.REPLACED,
        by=by,
        reason=replacement.number,
    )
    _events(
        [replacement.pk],
        kind=CarnetEventKind.ISSUED,
        from_status="",
        to_status=replacement.status,
        distributeur=replacement.distributeur,
        by=by,
        reason=carnet.number,
    )
    value = sum(blocked)
    transaction_post(
        kind="cheques.replaced",
        reference=replacement.number,
        memo=_("Remplacement du carnet %(old)s par %(new)s") % {"old": carnet.number, "new": replacement.number},
        by=by,
        idempotency_key=f"carnet:{carnet.pk}:replaced",
        entries=[debit(A.CHEQUES_OUTSTANDING, value), credit(A.CHEQUES_OUTSTANDING, value)],
    )
    audit_record(
        action="cheques.carnet.replaced",
        actor=by,
        organisation=organisation,
        target=carnet,
        data={"replacement": replacement.number, "cheques": len(blocked)},
    )
    print_job_start(order=order, carnet=replacement)
    return replacement
