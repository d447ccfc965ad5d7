"""Rate limits on the Django cache (Redis in the full stack, so a limit holds across processes).

It knows no domain. A caller names its limits and counts what it wants to limit (usually failures)::

    limits = [Limit("balance-ip", ip, 10, 600), Limit("balance-account", str(user.pk), 10, 600)]
    ratelimit_check(limits)          # raises RateLimited (a BusinessError, HTTP 429) when one is reached
    ...
    if failed:
        ratelimit_hit(limits)

Windows are fixed (``window`` seconds); identifiers are hashed before they become cache keys. A limit's own
``message`` may say how long to wait with ``%(minutes)s``.

A form shown by a view the platform does not own (allauth's) turns the refusal into a form error with
:func:`ratelimit_form_error`; :class:`RateLimitedMiddleware` then answers that page with 429 and ``Retry-After``.

A limit meant for attackers must never become a switch that attackers flip to stop everyone else (DESIGN
§4): limit *who asks* (an account, an address), never the whole platform. A platform-wide count is an
*alarm* (``enforce=False``): it is counted and logged when reached, and refuses nobody.
"""

import hashlib
import ipaddress
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aptic.errors import BusinessError

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPV6_GROUP_PREFIX = 64  # one subscriber gets a whole /64: its addresses are one client for the limits


@dataclass(frozen=True)
class Limit:
    name: str
    identifier: str
    limit: int
    window: int  # seconds
    message: str = ""
    enforce: bool = True  # False: an alarm, logged when reached, never a refusal

    def key(self, now: float) -> str:
        digest = hashlib.sha256(f"{self.name}:{self.identifier}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}:{int(now // self.window)}"

    def retry_after(self, now: float) -> int:
        return max(1, int(self.window - now % self.window))


class RateLimited(BusinessError):
    code = "rate_limited"
    status = 429


def ratelimit_check(limits: Iterable[Limit]) -> None:
    """Refuse (``RateLimited``) when any enforced limit of ``limits`` has been reached in its current window."""
    now = time.time()
    limits = [limit for limit in limits if limit.enforce]
    if not limits:
        return
    counts = cache.get_many([limit.key(now) for limit in limits])  # one round trip to Redis
    for limit in limits:
        if (counts.get(limit.key(now)) or 0) >= limit.limit:
            wait = limit.retry_after(now)
            minutes = max(1, (wait + 59) // 60)
            message = limit.message or _("Trop de tentatives. Par sécurité, réessayez dans %(minutes)s minute(s).")
            raise RateLimited(str(message) % {"minutes": minutes}, retry_after=wait)


def ratelimit_hit(limits: Iterable[Limit]) -> None:
    """Count one event against each of ``limits`` (atomic increments); log an alarm the moment it is reached."""
    now = time.time()
    for limit in limits:
        key = limit.key(now)
        cache.add(key, 0, timeout=limit.window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=limit.window + 1)
            count = 1
        if not limit.enforce and count == limit.limit:
            logger.warning("Rate alarm %s: %s events in %s s (nobody is refused).", limit.name, count, limit.window)


# --- Who is asking -------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def trusted_proxy_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``settings.TRUSTED_PROXIES`` parsed (the settings already refused a bad value)."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request) -> IPAddress | None:
    """The client's address: the peer (``REMOTE_ADDR``), unless the peer is a trusted proxy.

    Behind trusted proxies (``TRUSTED_PROXIES``), ``X-Forwarded-For`` is read from the right: each proxy
    appends the address it saw, so the right-most address that is not a trusted proxy is the client. What
    is left of it was written by the client and is never believed. From any other peer the header is
    ignored: anyone can send one.
    """
    address = _address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_proxy_networks()
    if address is None or not networks or not _trusted(address, networks):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")  # repeated headers arrive joined by commas
    for hop in reversed(forwarded.split(",") if forwarded else []):
        hop_address = _address(hop)
        if hop_address is None:  # garbage: keep the last address a trusted proxy vouched for
            break
        address = hop_address
        if not _trusted(address, networks):
            break
    return address


def client_ip(request) -> str:
    """Who asks, as the rate limits count them: the client's IPv4 address, or its IPv6 /64 network.

    The one place that decides the client's address (see ``client_address``): every per-address limit of
    the platform (balance checks, the counter, logins) uses it.
    """
    address = client_address(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.IPv6Network((int(address), IPV6_GROUP_PREFIX), strict=False))
    return str(address)


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
