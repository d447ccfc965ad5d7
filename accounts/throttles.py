"""Limits on guessing passwords and second-factor codes (``aptic.ratelimit``), and where they are counted.

A limit meant for attackers must never become a switch that a stranger flips to lock a person out
(DESIGN §4). So failed passwords count per (account, address) and per address, never per account alone:
the owner still logs in from their own address while someone else hammers their account from another.
Second-factor codes count per account too: only someone who already knows the password (or holds the
session) can send them.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.translation import gettext_lazy as _

from aptic.errors import BusinessError
from aptic.ratelimit import Limit, ratelimit_check, ratelimit_hit

# (limit, window in seconds)
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = (5, 5 * 60)
LOGIN_FAILURES_PER_ADDRESS = (20, 15 * 60)
CODE_FAILURES_PER_ACCOUNT = (5, 15 * 60)
CODE_FAILURES_PER_ADDRESS = (20, 15 * 60)


def login_limits(*, login: str, ip: str) -> list[Limit]:
    login = (login or "").strip().lower()
    return [
        Limit(
            "login-fail-account-ip",
            f"{login}|{ip}",
            *LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
            message=_(
                "Trop de mots de passe erronés pour ce compte depuis votre connexion. Par sécurité, réessayez "
                "dans %(minutes)s minute(s), ou choisissez « Mot de passe oublié ? » pour en recevoir un nouveau "
                "par e-mail."
            ),
        ),
        Limit(
            "login-fail-ip",
            ip,
            *LOGIN_FAILURES_PER_ADDRESS,
            message=_(
                "Trop de tentatives de connexion échouées depuis votre connexion. Par sécurité, réessayez dans "
                "%(minutes)s minute(s)."
            ),
        ),
    ]


def second_factor_limits(*, user, ip: str) -> list[Limit]:
    message = _(
        "Trop de codes de double authentification erronés. Par sécurité, réessayez dans %(minutes)s minute(s) "
        "avec un nouveau code de votre application."
    )
    return [
        Limit("totp-fail-account", str(user.pk), *CODE_FAILURES_PER_ACCOUNT, message=message),
        Limit("totp-fail-ip", ip, *CODE_FAILURES_PER_ADDRESS, message=message),
    ]


def totp_authenticator(user) -> Authenticator | None:
    if user is None or not user.pk:
        return None
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


def second_factor_verify(*, user, code: str, ip: str) -> None:
    """Check ``user``'s TOTP ``code`` (each code works once), counting failures; raise a readable refusal.

    ``mfa_required`` when the person has no authenticator, ``rate_limited`` (429) after too many wrong codes,
    ``mfa_invalid`` for a wrong or replayed code.
    """
    authenticator = totp_authenticator(user)
    if authenticator is None:
        raise BusinessError(
            _(
                "Activez d'abord la double authentification sur votre compte : elle protège les opérations "
                "sensibles, comme le changement de coordonnées bancaires."
            ),
            code="mfa_required",
            status=403,
        )
    limits = second_factor_limits(user=user, ip=ip)
    ratelimit_check(limits)
    if not TOTP(authenticator).validate_code((code or "").strip()):
        ratelimit_hit(limits)
        raise BusinessError(
            _("Le code de double authentification est incorrect ou déjà utilisé."), code="mfa_invalid", status=403
        )
