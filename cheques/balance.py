"""The public balance check, rate-limited: failed attempts per address and per account (DESIGN §4).

A cheque is never locked by failed attempts on it: limits count who asks, never what is asked about.

There is no platform-wide refusal. Codes carry 75 random bits: however many addresses an attacker uses, a
global cap changes nothing to their odds, while reaching it (50 addresses did in 7 s) would refuse every
beneficiary's check, right codes included, for the rest of the window. Failures across the platform are
only an alarm, logged for the team.
"""

from aptic.errors import BusinessError
from aptic.ratelimit import Limit, ratelimit_check, ratelimit_hit
from cheques.selectors import Balance, carnet_balance

# (limit, window in seconds)
FAILURES_PER_IP = (10, 15 * 60)
FAILURES_PER_ACCOUNT = (10, 15 * 60)
FAILURES_ALARM = (500, 60)  # logged when reached, refuses nobody


def _limits(ip: str, user_id: int | None) -> list[Limit]:
    limits = [
        Limit("balance-fail-ip", ip, *FAILURES_PER_IP),
        Limit("balance-fail-all", "all", *FAILURES_ALARM, enforce=False),
    ]
    if user_id:
        limits.append(Limit("balance-fail-account", str(user_id), *FAILURES_PER_ACCOUNT))
    return limits


def balance_check(
    *, number: str = "", code: str = "", payload: str = "", ip: str, user_id: int | None = None
) -> Balance:
    """The balance a valid code opens; refused (``rate_limited``) after too many failures from this address or
    account — never because of what others do."""
    limits = _limits(ip, user_id)
    ratelimit_check(limits)
    try:
        return carnet_balance(number=number, code=code, payload=payload)
    except BusinessError:
        ratelimit_hit(limits)
        raise
