"""The monthly run: pay every structure what it is owed for the month, exactly once.

``settlement_compute`` is one database transaction, serialised per month by a PostgreSQL advisory lock:
started twice, concurrently, or again after a crash (the transaction then never committed), it yields one
run, one payout per structure and the same totals. It works on sets: redemptions are settled by one guarded
``UPDATE … WHERE status = 'validated'`` (a void racing with it waits, then is refused) and aggregated by one
``GROUP BY``; Python only prices the aggregated lines (``cheques/pricing.py``, the one pricing module).

Ledger: structure payable → downstream fee revenue, VAT collected, Mutations fund payable, and the
settlement clearing account (what is to be transferred); the bank confirmation moves clearing → bank.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from aptic.errors import BusinessError
from cheques.enums import ChequeStatus, RedemptionStatus
from cheques.models import Cheque, FeeRates, RedeemedCheque, Redemption
from cheques.pricing import SettlementPrice, settlement_price_of_total
from cheques.services.common import counter_reserve
from ledger.enums import AccountCode as A
from ledger.services import Posting, credit, debit, transactions_post
from settlement.enums import BankAccountStatus, PayoutStatus, RunStatus
from settlement.models import BankAccount, MutationsConsent, Payout, PayoutLine, SettledRedemption, SettlementRun
from settlement.services.approval_accounts import (
    accounts_changed_since_approval,
    settlement_approval_withdraw,
    verified_accounts,
)

ADVISORY_LOCK_CLASS = 0x5E771E  # the first key of pg_advisory_xact_lock(class, yyyymm)
ZERO = SettlementPrice(cheques=0, face_value_total=0, downstream_fee_ht=0, vat=0, mutations=0, paid=0)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


def month_end(period: datetime.date) -> datetime.date:
    return (period + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


@dataclass
class _Line:
    structure_id: int
    lieu_id: int
    service_id: int
    downstream_fee_bp: int
    vat_bp: int
    redemptions: int
    cheques: int
    face_value_total: int


def _lock(period: datetime.date) -> None:
    """Serialise the runs of one month (other months go on). SQLite serialises its writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, period.year * 100 + period.month]
            )


def _opted_in(period: datetime.date) -> set[int]:
    """Structures whose Mutations choice in force on the first day of ``period`` is yes."""
    latest: dict[int, bool] = {}
    for structure_id, opted_in in (
        MutationsConsent.objects.filter(effective_from__lte=period)
        .order_by("structure_id", "effective_from", "given_at", "id")
        .values_list("structure_id", "opted_in")
    ):
        latest[structure_id] = opted_in
    return {structure_id for structure_id, opted_in in latest.items() if opted_in}


def _aggregate(where: str, params: dict) -> dict[int, list[_Line]]:
    """Redemptions grouped by structure, lieu, service and rates: one query, whatever their number."""
    sql = f"""
        SELECT structure_id, lieu_id, service_id, downstream_fee_bp, vat_bp, COUNT(*), SUM(cheques_count),
               SUM(face_value_total)
        FROM {Redemption._meta.db_table} WHERE {where}
        GROUP BY structure_id, lieu_id, service_id, downstream_fee_bp, vat_bp
        ORDER BY structure_id, lieu_id, service_id, downstream_fee_bp, vat_bp
    """
    groups: dict[int, list[_Line]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            line = _Line(*row[:6], int(row[6]), int(row[7]))
            groups[line.structure_id].append(line)
    return groups


def _price(cheques: int, face_value_total: int, fee_bp: int, vat_bp: int, mutations_bp: int):
    return settlement_price_of_total(
        cheques=cheques,
        face_value_total=face_value_total,
        downstream_fee_bp=fee_bp,
        vat_bp=vat_bp,
        mutations_bp=mutations_bp,
    )


def _payout_price(lines: list[_Line], mutations_bp: int) -> SettlementPrice:
    """A payout is an invoice: its totals are rounded once per rate, on the sum of its lines' face values."""
    by_rates: dict[tuple[int, int], list[_Line]] = defaultdict(list)
    for line in lines:
        by_rates[(line.downstream_fee_bp, line.vat_bp)].append(line)
    total = ZERO
    for (fee_bp, vat_bp), group in sorted(by_rates.items()):
        total = total + _price(
            sum(line.cheques for line in group),
            sum(line.face_value_total for line in group),
            fee_bp,
            vat_bp,
            mutations_bp,
        )
    return total


def _create_payouts(run, groups, *, status, opted_in, mutations_bp, accounts=None) -> list[Payout]:
    payouts, lines_by_structure = [], {}
    for structure_id, lines in sorted(groups.items()):
        structure_bp = mutations_bp if structure_id in opted_in else 0
        price = _payout_price(lines, structure_bp)
        payouts.append(
            Payout(
                run=run,
                structure_id=structure_id,
                period=run.period,
                status=status,
                mutations_opted_in=structure_id in opted_in,
                redemptions=sum(line.redemptions for line in lines),
                cheques=price.cheques,
                face_value_total=price.face_value_total,
                downstream_fee_ht=price.downstream_fee_ht,
                vat=price.vat,
                mutations=price.mutations,
                paid_amount=price.paid,
                bank_account_id=(accounts or {}).get(structure_id),
            )
        )
        lines_by_structure[structure_id] = (lines, structure_bp)
    Payout.objects.bulk_create(payouts, batch_size=2000)
    statement_lines = []
    for payout in payouts:
        lines, structure_bp = lines_by_structure[payout.structure_id]
        for line in lines:
            price = _price(line.cheques, line.face_value_total, line.downstream_fee_bp, line.vat_bp, structure_bp)
            statement_lines.append(
                PayoutLine(
                    payout=payout,
                    lieu_id=line.lieu_id,
                    service_id=line.service_id,
                    downstream_fee_bp=line.downstream_fee_bp,
                    vat_bp=line.vat_bp,
                    redemptions=line.redemptions,
                    cheques=line.cheques,
                    face_value_total=line.face_value_total,
                    downstream_fee_ht=price.downstream_fee_ht,
                    vat=price.vat,
                    mutations=price.mutations,
                    paid_amount=price.paid,
                )
            )
    PayoutLine.objects.bulk_create(statement_lines, batch_size=5000)
    return payouts


def settlement_compute(*, period: datetime.date, by=None) -> SettlementRun:
    """Compute the run of the month ``period``; return the existing run if it was already computed."""
    period = month_start(period)
    if period >= month_start(timezone.localdate()):
        raise BusinessError(
            _("Le mois de %(month)s n'est pas terminé : il ne peut pas encore être contrepayé.")
            % {"month": period.strftime("%m/%Y")},
            code="month_not_over",
        )
    with transaction.atomic():
        _lock(period)
        existing = SettlementRun.objects.filter(period=period).first()
        if existing is not None:
            return existing
        run = _compute(period, by)
    from settlement.tasks import payout_documents_task

    for payout_id in run.payouts.filter(status=PayoutStatus.PENDING).values_list("pk", flat=True):
        payout_documents_task.delay(payout_id)
    return run


def _compute(period: datetime.date, by) -> SettlementRun:
    now = timezone.now()
    run = SettlementRun.objects.create(period=period, computed_at=now, computed_by=by)
    mutations_bp = FeeRates.objects.in_force(month_end(period)).mutations_bp
    opted_in = _opted_in(period)
    accounts = dict(BankAccount.objects.filter(status=BankAccountStatus.VERIFIED).values_list("structure_id", "pk"))
    redemptions = Redemption._meta.db_table
    # 1. Settle, in one guarded UPDATE, every unsettled redemption up to this month of a structure that can
    #    be paid (a verified bank account). The others stay unsettled: a held payout reports them.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {redemptions} SET status = %(settled)s, settled_at = %(now)s
                WHERE status = %(validated)s AND period <= %(period)s AND structure_id IN (
                    SELECT structure_id FROM {BankAccount._meta.db_table} WHERE status = %(verified)s)""",
            {
                "settled": RedemptionStatus.SETTLED,
                "validated": RedemptionStatus.VALIDATED,
                "now": now,
                "period": period,
                "verified": BankAccountStatus.VERIFIED,
            },
        )
    paid = _aggregate(
        "status = %(settled)s AND settled_at = %(now)s", {"settled": RedemptionStatus.SETTLED, "now": now}
    )
    held = _aggregate(
        "status = %(validated)s AND period <= %(period)s", {"validated": RedemptionStatus.VALIDATED, "period": period}
    )
    payouts = _create_payouts(
        run, paid, status=PayoutStatus.PENDING, opted_in=opted_in, mutations_bp=mutations_bp, accounts=accounts
    )
    held_payouts = _create_payouts(run, held, status=PayoutStatus.HELD, opted_in=opted_in, mutations_bp=mutations_bp)
    with connection.cursor() as cursor:
        # 2. Which payout paid each redemption (unique: never twice), and the cheques become settled.
        cursor.execute(
            f"""INSERT INTO {SettledRedemption._meta.db_table} (payout_id, redemption_id)
                SELECT p.id, r.id FROM {redemptions} r JOIN {Payout._meta.db_table} p
                    ON p.structure_id = r.structure_id AND p.run_id = %(run)s AND p.status = %(pending)s
                WHERE r.status = %(settled)s AND r.settled_at = %(now)s""",
            {"run": run.pk, "pending": PayoutStatus.PENDING, "settled": RedemptionStatus.SETTLED, "now": now},
        )
        cursor.execute(
            f"""UPDATE {Cheque._meta.db_table} SET status = %(settled)s, status_changed_at = %(now)s
                WHERE status = %(redeemed)s AND id IN (
                    SELECT l.cheque_id FROM {RedeemedCheque._meta.db_table} l
                    JOIN {redemptions} r ON r.id = l.redemption_id
                    WHERE l.live AND r.status = %(settled_redemption)s AND r.settled_at = %(now)s)""",
            {
                "settled": ChequeStatus.SETTLED,
                "redeemed": ChequeStatus.REDEEMED,
                "settled_redemption": RedemptionStatus.SETTLED,
                "now": now,
            },
        )
    # 3. Fee invoices: gapless numbers, consecutive for the run.
    if payouts:
        first = counter_reserve(f"fee-invoice-{period.year}", len(payouts))
        for offset, payout in enumerate(payouts):
            payout.fee_invoice_number = f"FR-{period.year}-{first + offset:05d}"
        Payout.objects.bulk_update(payouts, ["fee_invoice_number"], batch_size=2000)
    # 4. One ledger transaction per payout: the structure's payable is cleared into fees and the transfer.
    totals = sum((_as_price(payout) for payout in payouts), ZERO)
    transactions_post(
        [
            Posting(
                kind="settlement.computed",
                reference=f"payout:{payout.pk}",
                memo=f"{period:%Y-%m}",
                entries=[
                    debit(A.STRUCTURE_PAYABLE, payout.face_value_total, party=payout.structure_id),
                    credit(A.DOWNSTREAM_FEE_REVENUE, payout.downstream_fee_ht),
                    credit(A.VAT_COLLECTED, payout.vat),
                    credit(A.MUTATIONS_PAYABLE, payout.mutations),
                    credit(A.SETTLEMENT_CLEARING, payout.paid_amount, party=payout.structure_id),
                ],
            )
            for payout in payouts
        ],
        occurred_at=now,
        by=by,
    )
    SettlementRun.objects.filter(pk=run.pk).update(
        cheques=totals.cheques,
        face_value_total=totals.face_value_total,
        downstream_fee_ht=totals.downstream_fee_ht,
        vat=totals.vat,
        mutations=totals.mutations,
        paid_total=totals.paid,
        held_total=sum(payout.paid_amount for payout in held_payouts),
    )
    audit_record(
        action="settlement.run.computed",
        actor=by,
        target=run,
        data={"payouts": len(payouts), "held": len(held_payouts), "paid_total": totals.paid},
    )
    run.refresh_from_db()
    return run


def _as_price(payout: Payout) -> SettlementPrice:
    return SettlementPrice(
        cheques=payout.cheques,
        face_value_total=payout.face_value_total,
        downstream_fee_ht=payout.downstream_fee_ht,
        vat=payout.vat,
        mutations=payout.mutations,
        paid=payout.paid_amount,
    )


# --- Review, approval, export, payment ---------------------------------------------------------------


def _move(run: SettlementRun, *, to: str, allowed_from: str, by, **fields) -> SettlementRun:
    updated = SettlementRun.objects.filter(pk=run.pk, status=allowed_from).update(status=to, **fields)
    if not updated:
        current = SettlementRun.objects.get(pk=run.pk)
        if current.status == to:
            raise BusinessError(_("Déjà effectué."), code="already_done", status=409)
        raise BusinessError(
            _("Impossible : le contrepaiement est « %(state)s ».") % {"state": current.get_status_display()},
            code="invalid_state",
            status=409,
        )
    audit_record(action=f"settlement.run.{to}", actor=by, target=run, data={"from": allowed_from, "to": to})
    run.refresh_from_db()
    return run


@transaction.atomic
def settlement_review(*, run: SettlementRun, by) -> SettlementRun:
    """A finance staff member checked the totals, the payouts and the anomalies."""
    return _move(
        run, to=RunStatus.REVIEWED, allowed_from=RunStatus.COMPUTED, by=by, reviewed_by=by, reviewed_at=timezone.now()
    )


@transaction.atomic
def settlement_approve(*, run: SettlementRun, by) -> SettlementRun:
    """A second, different finance staff member approves: the four-eyes rule (also a database constraint).

    The approval covers the accounts verified at that moment: each payout records the one it will be paid on.
    """
    if run.reviewed_by_id == by.pk:
        raise BusinessError(
            _("L'approbation doit venir d'une autre personne que celle qui a vérifié le contrepaiement."),
            code="same_person",
            status=403,
        )
    run = _move(
        run, to=RunStatus.APPROVED, allowed_from=RunStatus.REVIEWED, by=by, approved_by=by, approved_at=timezone.now()
    )
    payouts = list(run.payouts.filter(status=PayoutStatus.PENDING))
    verified = verified_accounts(payouts)
    for payout in payouts:
        account = verified.get(payout.structure_id)
        payout.bank_account_id = account.pk if account is not None else None
    Payout.objects.bulk_update(payouts, ["bank_account"], batch_size=2000)
    return run


def execution_date(approved: datetime.date) -> datetime.date:
    """The next bank business day (Monday to Friday) after approval."""
    day = approved + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def settlement_export(*, run: SettlementRun, by) -> bytes:
    """The SEPA file of the approved run, built once from a snapshot and stored with its SHA-256.

    Asked again (exported or paid run), it returns the stored bytes unchanged. When a structure's account
    changed after the approval, nothing is exported: the run goes back to "reviewed" (that is kept) and a
    second person must approve it again, with the new account.
    """
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run.pk)
        if run.status in (RunStatus.EXPORTED, RunStatus.PAID) and run.sepa_file:
            with run.sepa_file.open("rb") as handle:
                return handle.read()
        if run.status != RunStatus.APPROVED:
            raise BusinessError(
                _("Le fichier SEPA se génère une fois le contrepaiement approuvé par deux personnes."),
                code="not_approved",
                status=409,
            )
        payouts = list(run.payouts.filter(status=PayoutStatus.PENDING).select_related("structure"))
        if not any(payout.paid_amount > 0 for payout in payouts):
            raise BusinessError(
                _("Rien à verser pour ce mois : aucun virement, donc aucun fichier SEPA à générer."),
                code="nothing_to_pay",
                status=409,
            )
        verified = verified_accounts(payouts)
        changed = accounts_changed_since_approval(payouts, verified)
        if not changed:
            return _export(run, payouts, verified, by=by)
        settlement_approval_withdraw(
            structure_ids=[payout.structure_id for payout in changed], by=by, reason="bank_account_changed"
        )
    raise BusinessError(
        _(
            "Le compte bancaire de %(structures)s a changé depuis l'approbation : rien n'est exporté. "
            "Le contrepaiement doit être approuvé de nouveau par une deuxième personne."
        )
        % {"structures": ", ".join(payout.structure.name for payout in changed)},
        code="bank_account_changed",
        status=409,
    )


def _export(run: SettlementRun, payouts: list[Payout], verified: dict[int, BankAccount], *, by) -> bytes:
    from settlement.documents import sepa_file_for

    for payout in payouts:  # the snapshot the file is built from: the accounts the approval covered
        account = verified[payout.structure_id]
        payout.bank_account, payout.iban, payout.bic, payout.holder = (
            account,
            account.iban,
            account.bic,
            account.holder,
        )
    Payout.objects.bulk_update(payouts, ["bank_account", "iban", "bic", "holder"], batch_size=2000)
    run.execution_date = execution_date(timezone.localdate(run.approved_at))
    content = sepa_file_for(run)
    run.sepa_file.save(
        f"settlement/sepa/aptic-contrepaiement-{run.period:%Y-%m}.xml", ContentFile(content), save=False
    )
    run.sepa_sha256 = hashlib.sha256(content).hexdigest()
    run.status, run.exported_at, run.exported_by = RunStatus.EXPORTED, timezone.now(), by
    run.save(update_fields=["sepa_file", "sepa_sha256", "status", "exported_at", "exported_by", "execution_date"])
    audit_record(action="settlement.run.exported", actor=by, target=run, data={"sha256": run.sepa_sha256})
    return content


@transaction.atomic
def settlement_mark_paid(*, run: SettlementRun, by, bank_reference: str) -> SettlementRun:
    """The bank confirmed the transfers: the clearing account goes to the bank, the payouts are paid."""
    if not bank_reference.strip():
        raise BusinessError(_("Indiquez la référence de la remise bancaire."), code="reference_required")
    now = timezone.now()
    run = _move(
        run,
        to=RunStatus.PAID,
        allowed_from=RunStatus.EXPORTED,
        by=by,
        paid_by=by,
        paid_at=now,
        bank_reference=bank_reference.strip()[:100],
    )
    payouts = list(run.payouts.filter(status=PayoutStatus.PENDING))
    run.payouts.filter(status=PayoutStatus.PENDING).update(status=PayoutStatus.PAID, paid_at=now)
    transactions_post(
        [
            Posting(
                kind="settlement.paid",
                reference=f"payout:{payout.pk}",
                memo=bank_reference.strip()[:255],
                entries=[
                    debit(A.SETTLEMENT_CLEARING, payout.paid_amount, party=payout.structure_id),
                    credit(A.BANK, payout.paid_amount),
                ],
            )
            for payout in payouts
            if payout.paid_amount
        ],
        occurred_at=now,
        by=by,
    )
    return run
