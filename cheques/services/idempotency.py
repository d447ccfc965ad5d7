"""Idempotency keys of redemptions: a retry gets the first answer, even one sent while the first still runs.

A till that times out retries with the same ``Idempotency-Key``; a counter page submitted twice does the same.
Each attempt runs inside :func:`key_held`: a transaction holding a PostgreSQL advisory lock on (scope, key), so
a duplicate waits for the first attempt to commit, then finds its answer (:func:`replayed_redemption`) instead
of hearing that its own cheque was "already redeemed". A duplicate that waits longer than ``WAIT_SECONDS`` is
told to retry (409 ``request_in_progress``, ``Retry-After``). On SQLite, transactions already run one at a
time (``BEGIN IMMEDIATE``), which serialises duplicates the same way.
"""

import hashlib
import json
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from aptic.errors import BusinessError
from cheques.models import IdempotentRequest, Redemption

LOCK_CLASS = 0x1DE4  # first key of pg_advisory_xact_lock(class, hash of scope and key)
WAIT_SECONDS = 5
RETRY_AFTER_SECONDS = 1
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires


class RequestInProgress(BusinessError):
    code = "request_in_progress"
    status = 409


def fingerprint(**request) -> str:
    """What was asked, to tell a retry (same request) from a reused key (another request)."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def replayed_redemption(*, scope: str, key: str | None, fingerprint: str) -> Redemption | None:
    """The first answer to this key, if there was one; a key reused for another request is refused."""
    if not key:
        return None
    previous = IdempotentRequest.objects.filter(scope=scope, key=key).select_related("redemption").first()
    if previous is None:
        return None
    if previous.fingerprint != fingerprint:
        raise BusinessError(
            _("Cette clé d'idempotence a déjà servi pour une autre demande."),
            code="idempotency_key_reused",
            status=422,
        )
    return previous.redemption


@contextmanager
def key_held(*, scope: str, key: str):
    """A transaction in which no other attempt with this key runs (waiting up to ``WAIT_SECONDS`` for one)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _lock(scope, key)
        yield


def _lock(scope: str, key: str) -> None:
    digest = hashlib.sha256(f"{scope}\n{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(WAIT_SECONDS * 1000)}ms"])
        try:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, int.from_bytes(digest[:4], "big", signed=True)]
            )
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise RequestInProgress(
                _(
                    "Cette demande (même clé d'idempotence) est encore en cours de traitement : "
                    "réessayez dans un instant."
                ),
                retry_after=RETRY_AFTER_SECONDS,
            ) from None
        cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
