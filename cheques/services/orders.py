"""An order's life: draft → quoted → confirmed (invoice) → paid (transfer matched) → issued; cancelled
before payment. Each transition is guarded, logged (actor, time, reason), audited and, when money moves,
posted to the ledger in the same database transaction."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.iso7064 import mod_97_10

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from accounts.services import audit_record
from aptic.errors import BusinessError
from aptic.money import format_eur
from cheques.enums import ORDER_TRANSITIONS, InvoiceKind, OrderStatus
from cheques.models import FeeRates, Order, OrderTransition, Payment
from cheques.models.orders import MAX_CARNET_SIZE, MAX_QUANTITY
from cheques.pricing import OrderPrice, order_price
from cheques.services.common import already_done
from cheques.services.invoices import order_credit_note_create, order_invoice_create
from ledger.enums import AccountCode as A
from ledger.services import credit, debit, transaction_post
from qualification.selectors import lieux_qualified
from referentiel.models import Version

MIN_VALIDITY_DAYS = 30
MAX_VALIDITY_YEARS = 5


def price_for(quantity: int, on: datetime.date | None = None) -> OrderPrice:
    """The price of ``quantity`` cheques with the rates in force on ``on`` (today)."""
    return order_price(quantity=quantity, rates=FeeRates.objects.in_force(on).as_rates())


def order_price_now(order: Order) -> OrderPrice:
    """What the order costs: its own copied amounts once confirmed, today's rates before."""
    if order.total_ttc is not None:
        return OrderPrice(
            quantity=order.quantity,
            face_value=order.face_value,
            face_value_total=order.face_value_total,
            upstream_fee_bp=order.upstream_fee_bp,
            upstream_fee_ht=order.upstream_fee_ht,
            vat_bp=order.vat_bp,
            vat=order.vat,
            total_ht=order.total_ht,
            total_ttc=order.total_ttc,
        )
    return price_for(order.quantity)


def order_validate(*, quantity: int, carnet_size: int, valid_until: datetime.date) -> None:
    """Refuse an order the cooperative cannot issue, with a message saying what to change."""
    if not 1 <= carnet_size <= MAX_CARNET_SIZE:
        raise BusinessError(
            _("Un carnet compte de 1 à %(max)s chèques.") % {"max": MAX_CARNET_SIZE}, code="invalid_carnet_size"
        )
    if not 1 <= quantity <= MAX_QUANTITY:
        raise BusinessError(
            _("Une commande compte de 1 à %(max)s chèques.") % {"max": f"{MAX_QUANTITY:,}".replace(",", "\u202f")},
            code="invalid_quantity",
        )
    if quantity % carnet_size:
        lower = quantity - quantity % carnet_size
        raise BusinessError(
            _(
                "Le nombre de chèques doit remplir des carnets entiers de %(size)s : par exemple %(lower)s ou "
                "%(upper)s chèques."
            )
            % {"size": carnet_size, "lower": lower or carnet_size, "upper": lower + carnet_size},
            code="invalid_quantity",
        )
    today = timezone.localdate()
    if valid_until < today + datetime.timedelta(days=MIN_VALIDITY_DAYS):
        raise BusinessError(
            _("Les chèques doivent rester valables au moins %(days)s jours.") % {"days": MIN_VALIDITY_DAYS},
            code="invalid_validity",
        )
    if valid_until > today.replace(year=today.year + MAX_VALIDITY_YEARS, month=12, day=31):
        raise BusinessError(
            _("La validité ne peut dépasser %(years)s ans.") % {"years": MAX_VALIDITY_YEARS}, code="invalid_validity"
        )


def _restrictions_check(*, categories, lieux) -> None:
    version = Version.objects.in_force()
    if any(category.version_id != getattr(version, "pk", None) for category in categories):
        raise BusinessError(
            _("Choisissez des catégories de la version en vigueur du référentiel."), code="invalid_category"
        )
    lieu_ids = {lieu.pk for lieu in lieux}
    if lieu_ids and len(lieu_ids & set(lieux_qualified().values_list("pk", flat=True))) != len(lieu_ids):
        raise BusinessError(_("Choisissez des lieux qualifiés #APTIC."), code="invalid_lieu")


def _transition(order: Order, to_status: str, *, by: User | None, reason: str = "") -> None:
    if (order.status, to_status) not in ORDER_TRANSITIONS:
        raise BusinessError(
            _("Impossible : la commande est « %(status)s ».") % {"status": order.get_status_display()},
            code="invalid_transition",
        )
    OrderTransition.objects.create(order=order, from_status=order.status, to_status=to_status, actor=by, reason=reason)
    order.status = to_status


def _locked(order: Order) -> Order:
    return Order.objects.select_for_update().get(pk=order.pk)


def _set_restrictions(order: Order, *, communes, departements, categories, lieux) -> None:
    order.communes.set(communes)
    order.departements.set(departements)
    order.categories.set(categories)
    order.lieux.set(lieux)


@transaction.atomic
def order_create(
    *,
    funder: Organisation,
    quantity: int,
    carnet_size: int,
    valid_until: datetime.date,
    communes=(),
    departements=(),
    categories=(),
    lieux=(),
    purchase_reference: str = "",
    by: User,
) -> Order:
    if funder.kind != OrganisationKind.COMMANDITAIRE:
        raise BusinessError(_("Seul un commanditaire peut commander des chèques."), code="not_a_funder")
    order_validate(quantity=quantity, carnet_size=carnet_size, valid_until=valid_until)
    _restrictions_check(categories=categories, lieux=lieux)
    order = Order.objects.create(
        funder=funder,
        quantity=quantity,
        carnet_size=carnet_size,
        valid_until=valid_until,
        purchase_reference=purchase_reference,
        created_by=by,
    )
    _set_restrictions(order, communes=communes, departements=departements, categories=categories, lieux=lieux)
    audit_record(action="cheques.order.created", actor=by, organisation=funder, target=order)
    return order


@transaction.atomic
def order_update(
    *,
    order: Order,
    quantity: int,
    carnet_size: int,
    valid_until: datetime.date,
    communes=(),
    departements=(),
    categories=(),
    lieux=(),
    purchase_reference: str = "",
    by: User,
) -> Order:
    """Change a draft or quoted order; a quoted one goes back to draft (its quote no longer holds)."""
    order = _locked(order)
    if not order.is_editable:
        raise BusinessError(_("Une commande confirmée ne se modifie plus."), code="not_editable")
    order_validate(quantity=quantity, carnet_size=carnet_size, valid_until=valid_until)
    _restrictions_check(categories=categories, lieux=lieux)
    if order.status == OrderStatus.QUOTED:
        _transition(order, OrderStatus.DRAFT, by=by, reason=_("Commande modifiée après le devis"))
        order.quoted_at = None
    order.quantity, order.carnet_size, order.valid_until = quantity, carnet_size, valid_until
    order.purchase_reference = purchase_reference
    order.save()
    _set_restrictions(order, communes=communes, departements=departements, categories=categories, lieux=lieux)
    audit_record(action="cheques.order.updated", actor=by, organisation=order.funder, target=order)
    return order


@transaction.atomic
def order_quote(*, order: Order, by: User) -> Order:
    """draft → quoted: the quote PDF can be downloaded. Quoting again changes nothing."""
    order = _locked(order)
    if order.status == OrderStatus.QUOTED:
        return order
    _transition(order, OrderStatus.QUOTED, by=by)
    order.quoted_at = timezone.now()
    order.save(update_fields=["status", "quoted_at"])
    audit_record(action="cheques.order.quoted", actor=by, organisation=order.funder, target=order)
    return order


def transfer_reference_for(order: Order) -> str:
    digits = f"{order.pk:07d}"
    return f"APTIC-{digits}-{mod_97_10.calc_check_digits(digits)}"


def transfer_reference_normalize(text: str) -> str | None:
    """What staff typed from a bank statement -> the canonical reference, or None if it cannot be one."""
    match = re.search(r"APTIC(\d{7})(\d{2})", re.sub(r"[^0-9A-Z]", "", (text or "").upper()))
    if not match or not mod_97_10.is_valid(match.group(1) + match.group(2)):
        return None
    return f"APTIC-{match.group(1)}-{match.group(2)}"


@transaction.atomic
def order_confirm(*, order: Order, by: User) -> Order:
    """quoted → confirmed: copy the rates in force, number the invoice, post it to the ledger."""
    order = _locked(order)
    if order.status in (OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.ISSUED):
        raise already_done(_("Déjà effectué : cette commande est déjà confirmée."))
    if order.status != OrderStatus.QUOTED:
        raise BusinessError(
            _("Téléchargez d'abord le devis de cette commande, puis confirmez-la."), code="invalid_transition"
        )
    rates = FeeRates.objects.in_force()
    price = order_price(quantity=order.quantity, rates=rates.as_rates())
    _transition(order, OrderStatus.CONFIRMED, by=by)
    order.fee_rates = rates
    order.face_value, order.upstream_fee_bp, order.vat_bp = price.face_value, price.upstream_fee_bp, price.vat_bp
    order.face_value_total, order.upstream_fee_ht, order.vat = price.face_value_total, price.upstream_fee_ht, price.vat
    order.total_ht, order.total_ttc = price.total_ht, price.total_ttc
    order.transfer_reference = transfer_reference_for(order)
    order.confirmed_at = timezone.now()
    order.save()
    invoice = order_invoice_create(order=order, by=by)
    transaction_post(
        kind="order.invoiced",
        reference=invoice.number,
        memo=order.reference,
        by=by,
        idempotency_key=f"order:{order.pk}:invoiced",
        entries=[
            debit(A.FUNDER_RECEIVABLE, price.total_ttc, order.funder),
            credit(A.ORDERS_TO_ISSUE, price.face_value_total, order.funder),
            credit(A.UPSTREAM_FEE_REVENUE, price.upstream_fee_ht),
            credit(A.VAT_COLLECTED, price.vat),
        ],
    )
    audit_record(
        action="cheques.order.confirmed",
        actor=by,
        organisation=order.funder,
        target=order,
        data={"invoice": invoice.number, "total_ttc": price.total_ttc},
    )
    return order


@transaction.atomic
def order_cancel(*, order: Order, by: User, reason: str = "") -> Order:
    """Cancel before payment. After the invoice, a credit note reverses it (and its ledger entry)."""
    order = _locked(order)
    if order.status == OrderStatus.CANCELLED:
        raise already_done(_("Déjà effectué : cette commande est déjà annulée."))
    if not order.is_cancellable:
        raise BusinessError(
            _("Une commande payée ne s'annule plus : contactez la coopérative."), code="invalid_transition"
        )
    was_billed = order.status == OrderStatus.CONFIRMED
    _transition(order, OrderStatus.CANCELLED, by=by, reason=reason)
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at"])
    data = {"reason": reason}
    if was_billed:
        invoice = order.invoices.get(kind=InvoiceKind.INVOICE)
        note = order_credit_note_create(order=order, invoice=invoice, by=by)
        transaction_post(
            kind="order.cancelled",
            reference=note.number,
            memo=order.reference,
            by=by,
            idempotency_key=f"order:{order.pk}:cancelled",
            entries=[
                credit(A.FUNDER_RECEIVABLE, order.total_ttc, order.funder),
                debit(A.ORDERS_TO_ISSUE, order.face_value_total, order.funder),
                debit(A.UPSTREAM_FEE_REVENUE, order.upstream_fee_ht),
                debit(A.VAT_COLLECTED, order.vat),
            ],
        )
        data["credit_note"] = note.number
    audit_record(action="cheques.order.cancelled", actor=by, organisation=order.funder, target=order, data=data)
    return order


def order_payment_record(
    *, transfer_reference: str, amount: int, received_on: datetime.date, by: User, bank_reference: str = ""
) -> Order:
    """Finance staff match a received transfer: confirmed → paid, ledger (bank / funder receivable), then
    issuance starts once the transaction commits. Recording it twice says "déjà effectué"."""
    reference = transfer_reference_normalize(transfer_reference)
    if reference is None:
        raise BusinessError(
            _("« %(text)s » n'est pas une référence de virement #APTIC (APTIC-0000000-00).")
            % {"text": transfer_reference},
            code="invalid_reference",
        )
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(transfer_reference=reference).first()
            if order is None:
                raise BusinessError(
                    _("Aucune commande n'attend un virement de référence %(ref)s.") % {"ref": reference},
                    code="unknown_reference",
                )
            if order.status in (OrderStatus.PAID, OrderStatus.ISSUED):
                raise already_done(_("Déjà effectué : le virement de %(ref)s est enregistré.") % {"ref": reference})
            if order.status != OrderStatus.CONFIRMED:
                raise BusinessError(
                    _("La commande %(ref)s est « %(status)s » : elle n'attend pas de virement. Remboursez-le.")
                    % {"ref": order.reference, "status": order.get_status_display()},
                    code="invalid_transition",
                )
            if amount != order.total_ttc:
                raise BusinessError(
                    _(
                        "Le montant reçu (%(received)s) ne correspond pas à la facture (%(due)s) : "
                        "rien n'est enregistré."
                    )
                    % {"received": format_eur(amount), "due": format_eur(order.total_ttc)},
                    code="amount_mismatch",
                )
            if received_on > timezone.localdate():
                raise BusinessError(_("La date de réception est dans le futur."), code="invalid_date")
            Payment.objects.create(
                order=order, amount=amount, received_on=received_on, bank_reference=bank_reference, recorded_by=by
            )
            _transition(order, OrderStatus.PAID, by=by, reason=bank_reference)
            order.paid_at = timezone.now()
            order.save(update_fields=["status", "paid_at"])
            transaction_post(
                kind="order.paid",
                reference=reference,
                memo=order.reference,
                by=by,
                idempotency_key=f"order:{order.pk}:paid",
                entries=[debit(A.BANK, amount), credit(A.FUNDER_RECEIVABLE, amount, order.funder)],
            )
            audit_record(
                action="cheques.order.paid",
                actor=by,
                organisation=order.funder,
                target=order,
                data={"amount": amount, "received_on": received_on.isoformat(), "bank_reference": bank_reference},
            )
            from cheques.tasks import order_issue_task

            order_issue_task.delay_on_commit(order.pk)
    except IntegrityError as exc:  # a concurrent recording won the one-payment-per-order constraint
        raise already_done(_("Déjà effectué : le virement de %(ref)s est enregistré.") % {"ref": reference}) from exc
    return order


def orders_awaiting_payment() -> QuerySet[Order]:
    return Order.objects.awaiting_payment().select_related("funder").order_by("confirmed_at")
