from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from aptic.ratelimit import client_ip


@dataclass(frozen=True)
class PlatformSite:
    """What allauth's e-mails call ``current_site``: the platform's name, not the request's host name."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        site = PlatformSite(name="#APTIC", domain=urlsplit(settings.SITE_URL).netloc)
        return super().send_mail(template_prefix, email, {**context, "current_site": site})

    def get_client_ip(self, request) -> str:
        """Login and code limits count the client as every other limit does (behind trusted proxies)."""
        return client_ip(request)
