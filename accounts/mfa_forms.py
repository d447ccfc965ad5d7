"""allauth's second-factor forms (``MFA_FORMS``), with the platform's limits on wrong codes.

Every place that asks for a code counts failures against the same limits (``accounts.throttles``): the
login stage, reauthentication, the activation of an authenticator, and the IBAN change.
"""

from allauth.core import context
from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms
from django.core.exceptions import ValidationError

from accounts.throttles import second_factor_limits
from aptic.ratelimit import RateLimited, client_ip, ratelimit_check, ratelimit_form_error, ratelimit_hit


class ThrottledCodeMixin:
    """Refuse (429) once too many wrong codes were sent; count each wrong one."""

    def clean_code(self) -> str:
        request = context.request
        limits = second_factor_limits(user=self.user, ip=client_ip(request))
        try:
            ratelimit_check(limits)
        except RateLimited as error:
            raise ratelimit_form_error(request, error) from None
        try:
            return super().clean_code()
        except ValidationError:
            ratelimit_hit(limits)
            raise


class AuthenticateForm(ThrottledCodeMixin, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(ThrottledCodeMixin, base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(ThrottledCodeMixin, totp_forms.ActivateTOTPForm):
    pass
