"""Limits on guessing passwords and second-factor codes (``aptic.ratelimit``): who counts against what.

A limit meant for attackers must never become a switch that a stranger flips to lock a person out
(DESIGN §4). So failed passwords count per (account, address) and per address, never per account alone:
the owner still logs in from their own address while someone else hammers their account from another.
Second-factor codes count per account too: only someone who already knows the password (or holds the
session) can send them. They are counted by the account adapter (passwords), ``accounts.mfa_forms``
(allauth's code pages) and ``accounts.second_factor`` (the IBAN change).
"""

from django.utils.translation import gettext_lazy as _

from aptic.ratelimit import Limit

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
