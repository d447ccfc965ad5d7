"""The second factor (TOTP, allauth's MFA) as the platform checks it outside allauth's own pages."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.translation import gettext_lazy as _

from accounts.throttles import second_factor_limits
from aptic.errors import BusinessError
from aptic.ratelimit import ratelimit_check, ratelimit_hit


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
