from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.throttles import login_limits
from aptic.ratelimit import RateLimited, client_ip, ratelimit_check, ratelimit_form_error, ratelimit_hit


@dataclass(frozen=True)
class PlatformSite:
    """What allauth's e-mails call ``current_site``: the platform's name, not the request's host name."""

    name: str
    domain: str


def _login(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        site = PlatformSite(name="#APTIC", domain=urlsplit(settings.SITE_URL).netloc)
        return super().send_mail(template_prefix, email, {**context, "current_site": site})

    def get_client_ip(self, request) -> str:
        """Login and code limits count the client as every other limit does (behind trusted proxies)."""
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        """Failed passwords are limited per (account, address) and per address (``accounts.throttles``),
        instead of allauth's per-account limit that lets a stranger lock the owner out."""
        try:
            ratelimit_check(login_limits(login=_login(credentials), ip=client_ip(request)))
        except RateLimited as error:
            raise ratelimit_form_error(request, error) from None

    def authentication_failed(self, request, **credentials):
        ratelimit_hit(login_limits(login=_login(credentials), ip=client_ip(request)))


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Staff keep their authenticator: every staff account uses a second factor (DESIGN §4)."""
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff:
            return False
        return super().can_delete_authenticator(authenticator)
