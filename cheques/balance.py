"""The public balance check, rate-limited: failed attempts per IP, per account and globally (DESIGN §4).

A cheque is never locked by failed attempts on it: limits count who asks, never what is asked about.
"""

from django.utils.translation import gettext_lazy as _

from aptic.errors import BusinessError
from aptic.ratelimit import Limit, ratelimit_check, ratelimit_hit
from cheques.selectors import Balance, carnet_balance

# (limit, window in seconds)
FAILURES_PER_IP = (10, 15 * 60)
FAILURES_PER_ACCOUNT = (10, 15 * 60)
FAILURES_GLOBAL = (500, 60)


def _limits(ip: str, user_id: int | None) -> list[Limit]:
    limits = [
        Limit("balance-fail-ip", ip, *FAILURES_PER_IP),
        Limit(
            "balance-fail-global",
            "all",
            *FAILURES_GLOBAL,
            message=_("Le service de vérification reçoit trop de demandes en ce moment. Réessayez dans une minute."),
        ),
    ]
    if user_id:
        limits.append(Limit("balance-fail-account", str(user_id), *FAILURES_PER_ACCOUNT))
    return limits


def balance_check(
    *, number: str = "", code: str = "", payload: str = "", ip: str, user_id: int | None = None
) -> Balance:
    """The balance a valid code opens; refused (``rate_limited``) after too many failures."""
    limits = _limits(ip, user_id)
    ratelimit_check(limits)
    try:
        return carnet_balance(number=number, code=code, payload=payload)
    except BusinessError:
        ratelimit_hit(limits)
        raise
