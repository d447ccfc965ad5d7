"""Redemption at the counter: exactly once, every rule checked, one database transaction.

A médiateur (or their structure's software, through the API) presents a cheque's number and code (or its
QR code), a service and a number of cheques. Every refusal has its own code and message and changes
nothing. Success is one transaction: a guarded ``UPDATE … WHERE status = 'issued'`` of the cheques, the
redemption and its lines (a cheque is redeemed at most once: unique constraint), the ledger entries
(cheques outstanding → structure payable). A retry with the same ``Idempotency-Key`` gets the first answer.
"""

import datetime
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.services import audit_record
from aptic.errors import BusinessError
from aptic.ratelimit import Limit, ratelimit_check, ratelimit_hit
from cheques.enums import CarnetStatus, ChequeStatus, RedemptionStatus
from cheques.models import Carnet, Cheque, FeeRates, IdempotentRequest, Order, RedeemedCheque, Redemption
from cheques.selectors import cheque_for_code
from cheques.services import idempotency
from ledger.enums import AccountCode as A
from ledger.services import credit, debit, transaction_post
from qualification.eligibility import Decision, eligibility_of
from qualification.models import Lieu, Mediateur
from qualification.selectors import lieu_qualification_on, mediateur_qualification_of
from referentiel.enums import VersionStatus
from referentiel.models import Category, Service

# Failed code entries (wrong code, unknown number, malformed code): who asks is limited, never the cheque.
# Per account (a person, or an API key) and per address; never platform-wide: codes carry 75 random bits, so a
# global cap would not slow guessing down, and whoever reached it (a structure with many keys and addresses)
# would stop every counter in the country. The platform-wide count is an alarm for the team, nothing more.
FAILURES_PER_ACCOUNT = (10, 15 * 60)
FAILURES_PER_IP = (20, 15 * 60)
FAILURES_ALARM = (1000, 60)  # logged when reached, refuses nobody


class Refused(BusinessError):
    status = 422


class AlreadyRedeemed(BusinessError):
    code = "already_redeemed"
    status = 409


@dataclass(frozen=True)
class Counter:
    """Who validates: a logged-in médiateur, or a structure's software (API key) naming the médiateur."""

    mediateur: Mediateur | None
    user: object | None = None
    api_key: object | None = None

    @property
    def scope(self) -> str:
        return f"api_key:{self.api_key.pk}" if self.api_key is not None else f"user:{self.user.pk}"


@dataclass(frozen=True)
class Outcome:
    redemption: Redemption
    replayed: bool  # True when a retried request got the first answer back


def counter_for_user(*, user, lieu: Lieu) -> Counter:
    """The médiateur row of ``user`` at ``lieu`` (a person may work at several lieux of a structure)."""
    return Counter(mediateur=Mediateur.objects.filter(user=user, lieu=lieu).first(), user=user)


def _limits(counter: Counter, ip: str) -> list[Limit]:
    return [
        Limit("counter-fail-account", counter.scope, *FAILURES_PER_ACCOUNT),
        Limit("counter-fail-ip", ip, *FAILURES_PER_IP),
        Limit("counter-fail-all", "all", *FAILURES_ALARM, enforce=False),
    ]


def cheque_at_counter(*, counter: Counter, ip: str, number: str = "", code: str = "", payload: str = "") -> Cheque:
    """The cheque a code opens, counting failed entries against the person (or key) and their address."""
    limits = _limits(counter, ip)
    ratelimit_check(limits)
    try:
        return cheque_for_code(number=number, code=code, payload=payload)
    except BusinessError:
        ratelimit_hit(limits)
        raise


def _when_where(cheque: Cheque) -> str:
    line = RedeemedCheque.objects.filter(cheque=cheque, live=True).select_related("redemption__lieu__commune").first()
    if line is None:
        return _("Ce chèque a déjà été utilisé.")
    redemption = line.redemption
    return _("Ce chèque a déjà été utilisé le %(date)s à %(time)s, à %(lieu)s (%(commune)s).") % {
        "date": date_format(timezone.localtime(redemption.validated_at), "d/m/Y"),
        "time": date_format(timezone.localtime(redemption.validated_at), "H:i"),
        "lieu": redemption.lieu.name,
        "commune": redemption.lieu.commune.name,
    }


def cheque_refusal(cheque: Cheque, today: datetime.date) -> BusinessError | None:
    """Why this cheque cannot be spent today, if it cannot."""
    if cheque.status in (ChequeStatus.REDEEMED, ChequeStatus.SETTLED):
        return AlreadyRedeemed(_when_where(cheque))
    if cheque.status == ChequeStatus.BLOCKED or cheque.carnet.status in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED):
        return Refused(
            _("Ce carnet a été déclaré perdu ou volé : ses chèques ne peuvent plus être utilisés."), code="blocked"
        )
    if cheque.status == ChequeStatus.EXPIRED or cheque.valid_until < today:
        return Refused(
            _("Ce chèque a expiré le %(date)s.") % {"date": cheque.valid_until.strftime("%d/%m/%Y")}, code="expired"
        )
    return None


def service_for_lieu(*, lieu: Lieu, code: str, on: datetime.date) -> Service:
    """The service with this code in the référentiel in force on ``on``, if the lieu offers it (one query)."""
    service = (
        Service.objects.filter(version__status=VersionStatus.PUBLISHED, version__valid_from__lte=on, code=code)
        .annotate(
            offered=Exists(Lieu.services.through.objects.filter(lieu_id=lieu.pk, service__code=OuterRef("code")))
        )
        .select_related("category")
        .order_by("-version__valid_from", "-version__number")
        .first()
    )
    if service is None:
        raise Refused(_("Ce service n'existe pas dans le référentiel national en vigueur."), code="unknown_service")
    if not service.offered:
        raise Refused(
            _("Ce lieu ne propose pas le service « %(service)s ».") % {"service": service.label},
            code="service_not_offered",
        )
    return service


def _restrictions(order_id: int) -> dict[str, set[str]]:
    """The order's restrictions (category codes, communes, départements, lieux), in one small query.

    Raw SQL on purpose: this runs at every validation and the ORM would spend more time writing the query
    than the database answering it.
    """
    tables = {
        field: Order._meta.get_field(field).remote_field.through._meta.db_table
        for field in ("categories", "communes", "departements", "lieux")
    }
    sql = f"""
        SELECT 'categories', c.code FROM {tables["categories"]} oc
            JOIN {Category._meta.db_table} c ON c.id = oc.category_id WHERE oc.order_id = %(order)s
        UNION ALL SELECT 'communes', commune_id FROM {tables["communes"]} WHERE order_id = %(order)s
        UNION ALL SELECT 'departements', departement_id FROM {tables["departements"]} WHERE order_id = %(order)s
        UNION ALL SELECT 'lieux', CAST(lieu_id AS VARCHAR(20)) FROM {tables["lieux"]} WHERE order_id = %(order)s
    """
    restrictions: dict[str, set[str]] = {name: set() for name in tables}
    with connection.cursor() as cursor:
        cursor.execute(sql, {"order": order_id})
        for kind, value in cursor.fetchall():
            restrictions[kind].add(str(value))
    return restrictions


def redemption_refusal(
    *, cheque: Cheque, counter: Counter, lieu: Lieu, service: Service, count: int, today: datetime.date
) -> BusinessError | None:
    """The first rule the redemption breaks, or None (DESIGN §4, seed 000). Reads only."""
    refusal = cheque_refusal(cheque, today)
    if refusal is not None:
        return refusal
    mediateur = counter.mediateur
    if mediateur is not None and mediateur.lieu_id == lieu.pk:
        if eligibility_of(mediateur.employment_status).decision == Decision.NOT_ELIGIBLE:
            return Refused(
                _("Votre statut (%(status)s) ne permet pas de valider des chèques #APTIC.")
                % {"status": mediateur.get_employment_status_display().lower()},
                code="mediateur_not_eligible",
            )
        qualified = mediateur_qualification_of(mediateur=mediateur, lieu=lieu, on=today) is not None
    else:
        qualified = False
    if not qualified:  # which of the lieu or the person is not qualified today?
        if lieu_qualification_on(lieu, today) is None:
            return Refused(
                _("Ce lieu n'est pas qualifié #APTIC aujourd'hui : aucun chèque ne peut y être validé."),
                code="lieu_not_qualified",
            )
        if mediateur is None or mediateur.lieu_id != lieu.pk:
            return Refused(_("Vous n'êtes pas déclaré·e comme médiateur de ce lieu."), code="mediateur_not_qualified")
        return Refused(
            _("Vous n'êtes pas qualifié·e aujourd'hui pour valider des chèques dans ce lieu."),
            code="mediateur_not_qualified",
        )
    restrictions = _restrictions(cheque.order_id)
    if restrictions["categories"] and service.category.code not in restrictions["categories"]:
        return Refused(
            _("Le financeur de ce carnet ne prend pas en charge les services « %(category)s ».")
            % {"category": service.category.label},
            code="service_outside_restrictions",
        )
    territories = restrictions["communes"] | restrictions["departements"]
    # A commune covers its arrondissements: restricted to Paris (75056), a lieu in 75111 is inside.
    if territories and not {lieu.commune_id, lieu.commune.parent_id, lieu.commune.departement_id} & territories:
        return Refused(
            _("Ce carnet ne peut pas être utilisé à %(commune)s : son financeur le réserve à d'autres territoires.")
            % {"commune": lieu.commune.name},
            code="lieu_outside_territory",
        )
    if restrictions["lieux"] and str(lieu.pk) not in restrictions["lieux"]:
        return Refused(
            _("Ce carnet ne peut être utilisé que dans les lieux choisis par son financeur."), code="lieu_not_allowed"
        )
    if count < 1 or count > service.cost_in_cheques:
        return Refused(
            _("Ce service coûte %(cost)d chèque(s) : validez entre 1 et %(cost)d chèque(s).")
            % {"cost": service.cost_in_cheques},
            code="count_not_allowed",
        )
    if count < service.cost_in_cheques and not service.cost_adjustable:
        return Refused(
            _("Ce service coûte %(cost)d chèque(s), et le référentiel ne permet pas d'en valider moins.")
            % {"cost": service.cost_in_cheques},
            code="count_not_allowed",
        )
    return None


def redemption_validate(
    *,
    counter: Counter,
    lieu: Lieu,
    service_code: str,
    cheques_count: int,
    ip: str,
    number: str = "",
    code: str = "",
    payload: str = "",
    idempotency_key: str | None = None,
) -> Outcome:
    """Validate ``cheques_count`` cheques of the carnet the code opens for ``service_code`` at ``lieu``.

    A retry with the same ``idempotency_key`` gets the first answer, waiting for it while it runs."""
    scope = counter.scope
    with idempotency.key_held(scope=scope, key=idempotency_key) if idempotency_key else nullcontext():
        fingerprint = idempotency.fingerprint(
            lieu=lieu.pk,
            service=service_code,
            count=cheques_count,
            number=number.strip(),
            code=code.strip().upper(),
            payload=payload.strip(),
        )
        replayed = idempotency.replayed_redemption(scope=scope, key=idempotency_key, fingerprint=fingerprint)
        if replayed is not None:
            return Outcome(replayed, replayed=True)
        today = timezone.localdate()
        cheque = cheque_at_counter(counter=counter, ip=ip, number=number, code=code, payload=payload)
        if (refusal := cheque_refusal(cheque, today)) is not None:  # the commonest refusal, before any other read
            raise refusal
        service = service_for_lieu(lieu=lieu, code=service_code, on=today)
        refusal = redemption_refusal(
            cheque=cheque, counter=counter, lieu=lieu, service=service, count=cheques_count, today=today
        )
        if refusal is not None:
            raise refusal
        try:
            return Outcome(
                _redeem(
                    counter=counter,
                    lieu=lieu,
                    service=service,
                    cheque=cheque,
                    count=cheques_count,
                    today=today,
                    idempotency_key=idempotency_key,
                    fingerprint=fingerprint,
                ),
                replayed=False,
            )
        except IntegrityError:
            # A concurrent request with the same key won the race: it is the first answer.
            replayed = idempotency.replayed_redemption(scope=scope, key=idempotency_key, fingerprint=fingerprint)
            if replayed is not None:
                return Outcome(replayed, replayed=True)
            raise AlreadyRedeemed(_("Ce chèque vient d'être utilisé.")) from None


@transaction.atomic
def _redeem(
    *,
    counter: Counter,
    lieu: Lieu,
    service: Service,
    cheque: Cheque,
    count: int,
    today: datetime.date,
    idempotency_key: str | None,
    fingerprint: str,
) -> Redemption:
    # The presented cheque first, then the carnet's next spendable cheques in their printed order.
    spendable = list(
        Cheque.objects.filter(carnet_id=cheque.carnet_id, status=ChequeStatus.ISSUED, valid_until__gte=today)
        .order_by("position")
        .values_list("pk", "face_value", "number")
    )
    if cheque.pk not in {pk for pk, _value, _number in spendable}:
        raise AlreadyRedeemed(_when_where(cheque))  # spent by someone else since it was read
    if len(spendable) < count:
        raise Refused(
            _("Il ne reste que %(left)d chèque(s) sur ce carnet.") % {"left": len(spendable)},
            code="not_enough_cheques",
        )
    others = [row for row in spendable if row[0] != cheque.pk][: count - 1]
    chosen = [(cheque.pk, cheque.face_value, cheque.number), *others]
    ids = [pk for pk, _value, _number in chosen]
    now = timezone.now()
    updated = Cheque.objects.filter(pk__in=ids, status=ChequeStatus.ISSUED).update(
        status=ChequeStatus.REDEEMED, status_changed_at=now
    )
    if updated != count:  # another counter won the race for one of them (the database said so)
        raise AlreadyRedeemed(_when_where(cheque))
    rates = FeeRates.objects.in_force(today)
    face_value_total = sum(value for _pk, value, _number in chosen)
    redemption = Redemption.objects.create(
        carnet=cheque.carnet,
        order_id=cheque.order_id,
        funder_id=cheque.funder_id,
        lieu=lieu,
        structure_id=lieu.structure_id,
        mediateur=counter.mediateur,
        validated_by=counter.user,
        via_api_key=counter.api_key,
        service=service,
        cheques_count=count,
        face_value_total=face_value_total,
        downstream_fee_bp=rates.downstream_fee_bp,
        vat_bp=rates.vat_bp,
        validated_at=now,
        period=timezone.localdate(now).replace(day=1),
    )
    RedeemedCheque.objects.bulk_create([RedeemedCheque(redemption=redemption, cheque_id=pk) for pk in ids])
    transaction_post(
        kind="redemption",
        reference=f"redemption:{redemption.pk}",
        occurred_at=now,
        by=counter.user,
        entries=[
            debit(A.CHEQUES_OUTSTANDING, face_value_total),
            credit(A.STRUCTURE_PAYABLE, face_value_total, party=lieu.structure),
        ],
    )
    if idempotency_key:
        IdempotentRequest.objects.create(
            scope=counter.scope, key=idempotency_key, fingerprint=fingerprint, redemption=redemption
        )
    audit_record(
        action="cheques.redemption.validated",
        actor=counter.user,
        organisation=lieu.structure,
        target=redemption,
        data={"lieu": lieu.pk, "service": service.code, "cheques": count, "via_api": counter.api_key is not None},
    )
    # What the receipt shows, known here without asking the database again.
    redemption.cheque_numbers = [number for _pk, _value, number in chosen]
    redemption.cheques_left = len(spendable) - count
    return redemption


@transaction.atomic
def redemption_void(*, redemption: Redemption, reason: str, by=None, api_key=None) -> Redemption:
    """The lieu takes a validation back (a mistake at the counter): its cheques become spendable again.

    Possible until the month is settled; a settled redemption is refused.
    """
    if not reason.strip():
        raise BusinessError(_("Indiquez pourquoi vous annulez cette validation."), code="reason_required")
    now = timezone.now()
    updated = Redemption.objects.filter(pk=redemption.pk, status=RedemptionStatus.VALIDATED).update(
        status=RedemptionStatus.VOIDED, voided_at=now, voided_by=by, void_reason=reason.strip()[:200]
    )
    if not updated:
        current = Redemption.objects.values_list("status", flat=True).get(pk=redemption.pk)
        if current == RedemptionStatus.VOIDED:
            raise BusinessError(_("Déjà effectué : cette validation est annulée."), code="already_done", status=409)
        raise BusinessError(
            _("Ce mois est déjà contrepayé : la validation ne peut plus être annulée."),
            code="already_settled",
            status=409,
        )
    cheque_ids = list(redemption.lines.filter(live=True).values_list("cheque_id", flat=True))
    redemption.lines.filter(live=True).update(live=False)
    # The carnet is locked so that a concurrent block waits. The cheques of a carnet reported lost come back
    # blocked, for its replacement to carry them; those of a replaced carnet come back unspendable, owed until
    # they expire (``Cheque.objects.outstanding``).
    carnet = Carnet.objects.select_for_update().get(pk=redemption.carnet_id)
    back = ChequeStatus.BLOCKED if carnet.status == CarnetStatus.BLOCKED else ChequeStatus.ISSUED
    Cheque.objects.filter(pk__in=cheque_ids, status=ChequeStatus.REDEEMED).update(status=back, status_changed_at=now)
    transaction_post(
        kind="redemption.voided",
        reference=f"redemption:{redemption.pk}",
        occurred_at=now,
        by=by,
        idempotency_key=f"redemption:{redemption.pk}:voided",
        entries=[
            debit(A.STRUCTURE_PAYABLE, redemption.face_value_total, party=redemption.structure),
            credit(A.CHEQUES_OUTSTANDING, redemption.face_value_total),
        ],
    )
    audit_record(
        action="cheques.redemption.voided",
        actor=by,
        organisation=redemption.structure,
        target=redemption,
        data={"reason": reason.strip(), "via_api": api_key is not None},
    )
    redemption.refresh_from_db()
    return redemption
