"""Rate limits on the Django cache (Redis in the full stack, so a limit holds across processes).

It knows no domain. A caller names its limits and counts what it wants to limit (usually failures)::

    limits = [Limit("balance-ip", ip, 10, 600), Limit("balance-global", "all", 1000, 60)]
    ratelimit_check(limits)          # raises RateLimited (a BusinessError, HTTP 429) when one is reached
    ...
    if failed:
        ratelimit_hit(limits)

Windows are fixed (``window`` seconds); identifiers are hashed before they become cache keys. A limit's own
``message`` may say how long to wait with ``%(minutes)s``.

A form shown by a view the platform does not own (allauth's) turns the refusal into a form error with
:func:`ratelimit_form_error`; :class:`RateLimitedMiddleware` then answers that page with 429 and ``Retry-After``.
"""

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aptic.errors import BusinessError


@dataclass(frozen=True)
class Limit:
    name: str
    identifier: str
    limit: int
    window: int  # seconds
    message: str = ""

    def key(self, now: float) -> str:
        digest = hashlib.sha256(f"{self.name}:{self.identifier}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}:{int(now // self.window)}"

    def retry_after(self, now: float) -> int:
        return max(1, int(self.window - now % self.window))


class RateLimited(BusinessError):
    code = "rate_limited"
    status = 429


def ratelimit_check(limits: Iterable[Limit]) -> None:
    """Refuse (``RateLimited``) when any of ``limits`` has been reached in its current window."""
    now = time.time()
    limits = list(limits)
    counts = cache.get_many([limit.key(now) for limit in limits])  # one round trip to Redis
    for limit in limits:
        if (counts.get(limit.key(now)) or 0) >= limit.limit:
            wait = limit.retry_after(now)
            minutes = max(1, (wait + 59) // 60)
            message = limit.message or _("Trop de tentatives. Par sécurité, réessayez dans %(minutes)s minute(s).")
            raise RateLimited(str(message) % {"minutes": minutes}, retry_after=wait)


def ratelimit_hit(limits: Iterable[Limit]) -> None:
    """Count one event against each of ``limits`` (atomic increments)."""
    now = time.time()
    for limit in limits:
        key = limit.key(now)
        cache.add(key, 0, timeout=limit.window + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.window + 1)


def client_ip(request) -> str:
    """The caller's address (``REMOTE_ADDR``: the proxy in front must set it to the real client)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


RATE_LIMITED_REQUEST_ATTRIBUTE = "aptic_rate_limited"


def ratelimit_form_error(request, error: RateLimited) -> ValidationError:
    """The form error that shows ``error``; the page that shows it answers 429 (:class:`RateLimitedMiddleware`)."""
    setattr(request, RATE_LIMITED_REQUEST_ATTRIBUTE, error)
    return ValidationError(error.message, code=error.code)


def ratelimit_response(response, error: RateLimited):
    """``response`` as the answer to a refused request: status 429 and how long to wait (``Retry-After``)."""
    response.status_code = error.status
    response["Retry-After"] = str(error.details.get("retry_after", 60))
    return response


class RateLimitedMiddleware:
    """A page that showed a rate-limit refusal as a form error answers 429 with ``Retry-After``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, RATE_LIMITED_REQUEST_ATTRIBUTE, None)
        if error is not None and response.status_code == 200:
            ratelimit_response(response, error)
        return response
