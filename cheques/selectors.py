"""Reads about orders, carnets and cheques: scoped lists, the balance of a carnet, restrictions in words."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import Organisation
from aptic.errors import BusinessError
from cheques import codes as cheque_codes
from cheques.enums import CarnetStatus, ChequeStatus, InvoiceKind
from cheques.models import Carnet, Cheque, Invoice, Order, Partnership
from qualification.models import Lieu
from qualification.selectors import lieux_qualified
from territories.models import Commune
from territories.selectors import in_communes

# --- The code at the counter and on the balance page --------------------------------------------------


def cheque_for_code(*, number: str = "", code: str = "", payload: str = "") -> Cheque:
    """The cheque that ``code`` opens, given a carnet or cheque ``number`` (or a scanned QR ``payload``).

    Raises a :class:`BusinessError` whose code is ``invalid_code_format`` (malformed code or wrong check
    symbol: nothing is looked up), ``unknown_number`` or ``wrong_code``. With a carnet number, the code of
    any of its cheques opens it; with a cheque number, only that cheque's code.
    """
    if payload:
        parsed_payload = cheque_codes.parse_qr_payload(payload)
        if parsed_payload is None:
            raise BusinessError(_("Ce QR code n'est pas celui d'un chèque #APTIC."), code="invalid_code_format")
        number, code = parsed_payload
    try:
        raw = cheque_codes.code_normalize(code)
    except cheque_codes.InvalidCode:
        raise BusinessError(
            _(
                "Ce code n'est pas valide : il compte 16 caractères (chiffres et lettres, par groupes de 4). "
                "Vérifiez chaque caractère."
            ),
            code="invalid_code_format",
        ) from None
    parsed = cheque_codes.parse_number(number)
    unknown = BusinessError(
        _("Aucun carnet ni chèque ne porte ce numéro. Vérifiez-le (8 chiffres, ou 8 chiffres-2 chiffres)."),
        code="unknown_number",
    )
    if parsed is None:
        raise unknown
    carnet_number, position = parsed
    cheques = Cheque.objects.filter(carnet__number=carnet_number, code_hash=cheque_codes.code_hash_raw(raw))
    if position is not None:
        cheques = cheques.filter(position=position)
    cheque = cheques.select_related("carnet", "order", "funder").first()
    if cheque is None:
        # Only a failed attempt pays for telling an unknown number from a wrong code.
        if not Carnet.objects.filter(number=carnet_number).exists():
            raise unknown
        raise BusinessError(_("Ce code ne correspond pas à ce numéro."), code="wrong_code")
    return cheque


@dataclass
class Balance:
    carnet: Carnet
    matched: Cheque
    cheques: list[Cheque]
    restrictions: list[str]
    lieux: list[Lieu] = field(default_factory=list)

    @property
    def spendable(self) -> list[Cheque]:
        return [cheque for cheque in self.cheques if cheque.is_spendable]

    @property
    def spendable_value(self) -> int:
        return sum(cheque.face_value for cheque in self.spendable)

    @property
    def is_blocked(self) -> bool:
        return self.carnet.status in (CarnetStatus.BLOCKED, CarnetStatus.REPLACED)


def carnet_balance(*, number: str = "", code: str = "", payload: str = "") -> Balance:
    """What is left on the carnet a valid code opens (errors as :func:`cheque_for_code`)."""
    cheque = cheque_for_code(number=number, code=code, payload=payload)
    carnet = cheque.carnet
    order = cheque.order
    return Balance(
        carnet=carnet,
        matched=cheque,
        cheques=list(carnet.cheques.order_by("position")),
        restrictions=restrictions_words(order),
        lieux=list(lieux_for_carnet(carnet)[:8]),
    )


# --- Restrictions ------------------------------------------------------------------------------------


def restrictions_words(order: Order) -> list[str]:
    """The funder's restrictions as sentences a beneficiary understands."""
    lines = []
    communes = [commune.name for commune in order.communes.all()]
    departements = [str(departement) for departement in order.departements.all()]
    if communes or departements:
        places = ", ".join(communes + [_("département %(name)s") % {"name": d} for d in departements])
        lines.append(_("Dans les lieux situés à : %(places)s.") % {"places": places})
    categories = [category.label for category in order.categories.all()]
    if categories:
        lines.append(_("Pour ces services : %(list)s.") % {"list": ", ".join(categories)})
    lieux = [f"{lieu.name} ({lieu.commune.name})" for lieu in order.lieux.select_related("commune")]
    if lieux:
        lines.append(_("Uniquement dans ces lieux : %(list)s.") % {"list": ", ".join(lieux)})
    if not lines:
        lines.append(_("Dans tous les lieux #APTIC qualifiés, pour tous les services du référentiel."))
    return lines


def lieux_for_order(order: Order, on: datetime.date | None = None) -> QuerySet[Lieu]:
    """Qualified lieux where the order's cheques may be used (its territories, categories, named lieux)."""
    lieux = lieux_qualified(on)
    named = list(order.lieux.values_list("pk", flat=True))
    if named:
        lieux = lieux.filter(pk__in=named)
    communes = list(order.communes.values_list("pk", flat=True))
    departements = list(order.departements.values_list("pk", flat=True))
    if communes or departements:
        # A commune covers its arrondissements: restricted to Paris (75056), a lieu in 75111 qualifies.
        lieux = lieux.filter(in_communes(communes) | Q(commune__departement__in=departements))
    categories = list(order.categories.values_list("code", flat=True))
    if categories:
        lieux = lieux.filter(services__category__code__in=categories)
    return lieux.distinct()


def _departement_of_postcode(postcode: str) -> str | None:
    if not postcode:
        return None
    commune = Commune.objects.filter(postcodes__contains=postcode).only("departement_id").first()
    return commune.departement_id if commune else None


def lieux_for_carnet(carnet: Carnet) -> QuerySet[Lieu]:
    """Where to use this carnet, nearest first: the order's lieux, narrowed to the beneficiary's
    département (their commune if the distributeur noted it, else the distributeur's own)."""
    lieux = lieux_for_order(carnet.order).select_related("commune")
    profile = getattr(carnet, "beneficiary_profile", None) if hasattr(carnet, "beneficiary_profile") else None
    departement = None
    if profile is not None and profile.commune_id:
        departement = profile.commune.departement_id
    elif carnet.distributeur_id:
        departement = _departement_of_postcode(carnet.distributeur.postcode)
    if departement and lieux.filter(commune__departement=departement).exists():
        lieux = lieux.filter(commune__departement=departement)
    return lieux.order_by("commune__name", "name")


# --- Funder and distributeur views -----------------------------------------------------------------------


def partners_of(funder: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(funder_links__funder=funder).order_by("name")


def partnerships_of(funder: Organisation) -> QuerySet[Partnership]:
    return Partnership.objects.filter(funder=funder).select_related("distributeur")


@dataclass
class HolderStats:
    name: str
    distributeur_id: int | None
    carnets_idle: int = 0
    carnets_distributed: int = 0
    carnets_blocked: int = 0
    cheques: dict = field(default_factory=dict)

    @property
    def cheques_total(self) -> int:
        return sum(self.cheques.values())


def funder_stats(funder: Organisation) -> list[HolderStats]:
    """Carnets by holder (the funder's own stock first, then each distributeur) and cheques by status."""
    holders: dict[int | None, HolderStats] = {
        None: HolderStats(name=_("Stock du commanditaire"), distributeur_id=None)
    }
    for partner in partners_of(funder):
        holders[partner.pk] = HolderStats(name=partner.name, distributeur_id=partner.pk)
    carnet_rows = (
        Carnet.objects.filter(funder=funder)
        .values("distributeur_id", "distributeur__name", "status")
        .annotate(n=Count("pk"))
    )
    for row in carnet_rows:
        holder = holders.setdefault(
            row["distributeur_id"],
            HolderStats(name=row["distributeur__name"] or "", distributeur_id=row["distributeur_id"]),
        )
        if row["status"] in (CarnetStatus.ISSUED, CarnetStatus.ASSIGNED):
            holder.carnets_idle += row["n"]
        elif row["status"] == CarnetStatus.DISTRIBUTED:
            holder.carnets_distributed += row["n"]
        else:
            holder.carnets_blocked += row["n"]
    cheque_rows = (
        Cheque.objects.filter(funder=funder).values("carnet__distributeur_id", "status").annotate(n=Count("pk"))
    )
    for row in cheque_rows:
        holder = holders.get(row["carnet__distributeur_id"])
        if holder is not None:
            holder.cheques[row["status"]] = holder.cheques.get(row["status"], 0) + row["n"]
    return list(holders.values())


def cheque_counts(cheques: QuerySet[Cheque]) -> dict[str, int]:
    counts = dict(cheques.values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in ChequeStatus.values}


def order_cheque_counts(order: Order) -> dict[str, int]:
    return cheque_counts(Cheque.objects.filter(order=order))


def funder_credit_total(funder: Organisation) -> int:
    from ledger.enums import AccountCode
    from ledger.services import account_balance

    return account_balance(AccountCode.FUNDER_CREDIT, party=funder)


def distributeur_stock(distributeur: Organisation) -> QuerySet[Carnet]:
    """The carnets a distributeur holds and has not handed out yet."""
    return (
        Carnet.objects.filter(distributeur=distributeur, status=CarnetStatus.ASSIGNED)
        .select_related("funder")
        .order_by("number")
    )


def outstanding_value() -> int:
    """Face value of the cheques the cooperative still owes (to compare with the ledger)."""
    return Cheque.objects.outstanding().aggregate(total=Coalesce(Sum("face_value"), 0))["total"]


def carnets_select(
    *, carnets: QuerySet[Carnet], count: int | None = None, first_number: str = "", last_number: str = ""
) -> QuerySet[Carnet]:
    """Carnets chosen by count (the lowest numbers first) or by an inclusive range of numbers."""
    carnets = carnets.order_by("number")
    if first_number or last_number:
        first = cheque_codes.parse_number(first_number)
        last = cheque_codes.parse_number(last_number or first_number)
        if first is None or last is None or first[1] is not None or last[1] is not None:
            raise BusinessError(_("Indiquez des numéros de carnets (8 chiffres)."), code="unknown_number")
        if first[0] > last[0]:
            raise BusinessError(_("Le premier numéro doit précéder le dernier."), code="invalid_range")
        return carnets.filter(number__gte=first[0], number__lte=last[0])
    if count is not None:
        ids = list(carnets.values_list("pk", flat=True)[:count])
        return carnets.filter(pk__in=ids)
    return carnets


def credited_invoices(note: Invoice) -> list[Invoice]:
    """The invoices a credit note credits, oldest first: the one it corrects (a cancelled order), or those of
    the orders whose cheques it returns (expiry). Nothing for an invoice."""
    if not note.is_credit_note:
        return []
    if note.corrects_id:
        return [note.corrects]
    return list(
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, order__cheques__expiry_note=note)
        .distinct()
        .order_by("issued_on", "number")
    )
