"""Posting to the journal and reading balances. The only way other apps touch the ledger."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from ledger.enums import ACCOUNT_KINDS, CREDIT_NORMAL_KINDS, AccountCode
from ledger.models import Account, Leg, Transaction


class UnbalancedTransaction(ValueError):
    """Debits and credits differ: nothing is written."""


@dataclass(frozen=True)
class Entry:
    account: str
    amount: int  # cents, debit > 0, credit < 0
    party: object | None = None  # an accounts.Organisation, or its id

    def __post_init__(self):
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("ledger amounts are integer cents")


def debit(account: str, cents: int, party=None) -> Entry:
    return Entry(account, cents, party)


def credit(account: str, cents: int, party=None) -> Entry:
    return Entry(account, -cents, party)


def chart_ensure() -> None:
    """Create the accounts of the chart that are missing (post_migrate; idempotent)."""
    existing = set(Account.objects.values_list("code", flat=True))
    Account.objects.bulk_create(
        [Account(code=code, kind=kind) for code, kind in ACCOUNT_KINDS.items() if code not in existing]
    )


def _checked(entries: Iterable[Entry]) -> list[Entry]:
    entries = [entry for entry in entries if entry.amount != 0]
    if len(entries) < 2:
        raise UnbalancedTransaction("a transaction needs at least two non-zero lines")
    total = sum(entry.amount for entry in entries)
    if total != 0:
        raise UnbalancedTransaction(f"debits and credits differ by {total} cents")
    if unknown := {entry.account for entry in entries} - set(AccountCode.values):
        raise ValueError(f"unknown ledger accounts: {sorted(unknown)}")
    return entries


def _legs(txn: Transaction, entries: list[Entry]) -> list[Leg]:
    return [
        Leg(
            transaction=txn,
            account_id=entry.account,
            party_id=getattr(entry.party, "pk", entry.party),
            amount=entry.amount,
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class Posting:
    """One transaction of a batch (``transactions_post``)."""

    kind: str
    reference: str
    entries: list[Entry]
    memo: str = ""


def transactions_post(postings: list[Posting], *, occurred_at: datetime, by=None) -> list[Transaction]:
    """Write many balanced transactions at once (a monthly run posts one per structure): every one is checked
    like ``transaction_post``'s, then all are inserted in two statements."""
    checked = [(posting, _checked(posting.entries)) for posting in postings]
    with transaction.atomic():
        transactions = Transaction.objects.bulk_create(
            [
                Transaction(
                    kind=posting.kind,
                    reference=posting.reference,
                    memo=posting.memo,
                    occurred_at=occurred_at,
                    created_by=by,
                )
                for posting, _entries in checked
            ],
            batch_size=2000,
        )
        Leg.objects.bulk_create(
            [
                leg
                for txn, (_posting, entries) in zip(transactions, checked, strict=True)
                for leg in _legs(txn, entries)
            ],
            batch_size=5000,
        )
    return transactions


def transaction_post(
    *,
    kind: str,
    reference: str,
    entries: Iterable[Entry],
    occurred_at: datetime | None = None,
    by=None,
    memo: str = "",
    idempotency_key: str | None = None,
) -> Transaction:
    """Write one balanced transaction. Zero lines are dropped; the rest must sum to zero.

    With ``idempotency_key``, posting the same key again returns the first transaction unchanged.
    Call it inside the transaction of the change it records, so both commit or neither does.
    """
    entries = _checked(entries)
    if idempotency_key and (done := Transaction.objects.filter(idempotency_key=idempotency_key).first()):
        return done
    fields = {"kind": kind, "reference": reference, "memo": memo, "created_by": by, "idempotency_key": idempotency_key}
    if occurred_at is not None:
        fields["occurred_at"] = occurred_at
    try:
        # A savepoint only where a concurrent posting of the same key may collide (and is then read back).
        with transaction.atomic(savepoint=bool(idempotency_key)):
            txn = Transaction.objects.create(**fields)
            Leg.objects.bulk_create(_legs(txn, entries))
    except IntegrityError:
        if idempotency_key and (done := Transaction.objects.filter(idempotency_key=idempotency_key).first()):
            return done
        raise
    return txn


def account_balance(account: str, *, party=None, at: datetime | None = None, kinds: Iterable[str] = ()) -> int:
    """The natural balance of ``account`` in cents (credits count positive on liabilities and revenue).

    ``party`` restricts to one organisation's sub-ledger; ``at`` gives the balance at that moment
    (transactions whose value date is at or before it); ``kinds`` keeps only transactions of those kinds
    (the flow of one activity, e.g. what settlements paid out of the bank).
    """
    legs = Leg.objects.filter(account_id=account)
    if party is not None:
        legs = legs.filter(party_id=getattr(party, "pk", party))
    if at is not None:
        legs = legs.filter(transaction__occurred_at__lte=at)
    if kinds:
        legs = legs.filter(transaction__kind__in=list(kinds))
    total = legs.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    return -total if ACCOUNT_KINDS[AccountCode(account)] in CREDIT_NORMAL_KINDS else total


def journal_is_balanced() -> bool:
    """True when the whole journal sums to zero (a cheap global invariant for reports and tests)."""
    return Leg.objects.aggregate(total=Coalesce(Sum("amount"), 0))["total"] == 0
