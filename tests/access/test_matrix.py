"""The access matrix: every URL of the platform (pages and API) × every role, with the answer each must get —
on the objects of the person's own organisation and on another organisation's.

A person of side A asks for side A's objects ("own") and side B's ("other"). Every request runs inside a
transaction that is rolled back, so an allowed POST really runs and still leaves the world as it was.
A URL added to the platform without an entry here fails ``test_every_url_has_an_entry``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from tests.access.world import Side, World, build_world

pytestmark = pytest.mark.django_db

# --- Roles --------------------------------------------------------------------------------------------
ANON = "anonymous"
FA, FM = "funder_admin", "funder_member"
DA, DM = "distributor_admin", "distributor_member"
SA, SM, MED = "structure_admin", "structure_member", "mediateur"
SQ, SF, SS = "staff_qualification", "staff_finance", "staff_support"
KF, KD, KS = "key_commanditaire", "key_distributeur", "key_structure"

PEOPLE = (FA, FM, DA, DM, SA, SM, MED, SQ, SF, SS)
KEYS = (KF, KD, KS)
PAGE_ROLES = (ANON, *PEOPLE, *KEYS)  # a key on a page is nobody: pages do not read API keys

FUNDER = {FA, FM}
DISTRIB = {DA, DM}
COUNTER = {SA, MED}
STAFF = {SQ, SF, SS}
MEMBERS = {FA, FM, DA, DM, SA, SM, MED}
LOGGED_IN = set(PEOPLE)
EVERYONE = {ANON, *PEOPLE, *KEYS}

ORG_KIND = {FA: "commanditaire", FM: "commanditaire", DA: "distributeur", DM: "distributeur"}
ORG_KIND |= {SA: "structure", SM: "structure", MED: "structure", KF: "commanditaire", KD: "distributeur"}
ORG_KIND |= {KS: "structure"}


@dataclass(frozen=True)
class Entry:
    """Who reaches a URL, and what they get.

    ``allowed`` roles get ``ok`` on their own side's object (or on the URL without object), and 404 on the
    other side's (unless ``shared``: staff pages and public pages see both sides alike). Everyone else is
    refused: 403 when logged in, the login page (302) when anonymous — or ``denied`` when the URL answers
    otherwise (401 in the API, 405 when the method is refused before anything else).
    """

    allowed: frozenset[str]
    ok: int = 200
    method: str = "get"
    args: Callable[[Side, str], dict] | None = None
    data: Callable[[Side], dict] | None = None
    shared: frozenset[str] | bool = False  # roles (or all) that see both sides alike
    api: bool = False
    anonymous: int | None = None  # what an anonymous visitor (or a key on a page) gets when not allowed
    other: int = 404
    exceptions: tuple[tuple[str, str, int], ...] = ()  # (role, side, status), each with its reason beside it


def page(allowed, ok=200, **kwargs) -> Entry:
    return Entry(allowed=frozenset(allowed), ok=ok, **kwargs)


def post(allowed, ok=302, **kwargs) -> Entry:
    return Entry(allowed=frozenset(allowed), ok=ok, method="post", **kwargs)


def api(allowed, ok=200, **kwargs) -> Entry:
    return Entry(allowed=frozenset(allowed), ok=ok, api=True, anonymous=401, **kwargs)


def public(ok=200, **kwargs) -> Entry:
    return Entry(allowed=frozenset(EVERYONE), ok=ok, shared=True, **kwargs)


def _key(side: Side, role: str) -> dict:
    return {"pk": side.api_keys[ORG_KIND.get(role, "commanditaire")].pk}


def _order(side, role):
    return {"pk": side.order.pk}


def _draft(side, role):
    return {"pk": side.draft_order.pk}


def _quoted(side, role):
    return {"pk": side.quoted_order.pk}


def _application(side, role):
    return {"pk": side.application.pk}


def _payout(side, role):
    return {"pk": side.payout.pk}


def _carnet(side, role):
    return {"number": side.carnet.number}


def _redemption(side, role):
    return {"pk": side.redemption.pk}


MATRIX: dict[str, Entry] = {
    # Public pages
    "public-home": public(),
    "favicon": public(ok=301),
    "legal-notice": public(),
    "personal-data": public(),
    "accessibility": public(),
    "referentiel:catalogue": public(),
    "referentiel:service": public(args=lambda side, role: {"code": "smartphone-premiers-pas"}),
    "cheques:balance": public(),
    "directory": public(),
    "lieu-detail": public(args=lambda side, role: {"pk": side.qualification.lieu_id}),
    "directory-communes": public(),
    "set_language": public(ok=302, method="post"),
    # Everyone's space
    "home": page(LOGGED_IN),
    "organisation-switch": post(LOGGED_IN),
    "organisation-create": page(LOGGED_IN),
    "api-keys": page({FA, DA, SA}),
    "api-key-revoke": post({FA, DA, SA}, args=_key),
    # Devenir #APTIC (structure admins) and its review (qualification staff; support reads)
    "qualifications": page({SA}),
    "application-new": post({SA}),
    "application": page({SA}, args=_application),
    "application-submit": post({SA}, args=_application),
    "application-step": page({SA}, args=lambda side, role: {"pk": side.application.pk, "step": "lieu"}),
    "application-mediateur-remove": post(
        {SA}, args=lambda side, role: {"pk": side.application.pk, "mediateur_pk": side.mediateur.pk}
    ),
    "application-document": page(
        {SA, SQ, SS},
        args=lambda side, role: {"pk": side.application.pk, "document_pk": side.document.pk},
        shared=frozenset({SQ, SS}),
        # Other people of a structure pass the kind check, then find no application of theirs: 404.
        exceptions=((SM, "own", 404), (SM, "other", 404), (MED, "own", 404), (MED, "other", 404)),
    ),
    "application-document-remove": post(
        {SA}, args=lambda side, role: {"pk": side.application.pk, "document_pk": side.document.pk}
    ),
    "certificate": page({SA}, ok=302, args=lambda side, role: {"pk": side.qualification.pk}),
    "qualification-renew": post({SA}, args=lambda side, role: {"pk": side.qualification.pk}),
    "staff-applications": page({SQ, SS}),
    "staff-application": page({SQ, SS}, args=_application, shared=True),
    "staff-application-take": post({SQ}, args=_application, shared=True),
    "staff-application-checklist": post({SQ}, args=_application, shared=True),
    "staff-application-changes": post({SQ}, args=_application, shared=True),
    "staff-application-approve": post({SQ}, args=_application, shared=True),
    "staff-application-reject": post({SQ}, args=_application, shared=True),
    "staff-application-message": post({SQ, SS}, args=_application, shared=True),
    "staff-qualifications": page({SQ, SS}),
    "staff-status-report": page({SQ, SS, SF}),
    "staff-qualification-change": post(
        {SQ}, args=lambda side, role: {"pk": side.qualification.pk, "action": "suspendre"}, shared=True
    ),
    "staff-mediateur-qualification-change": post(
        {SQ}, args=lambda side, role: {"pk": side.mediateur_qualification.pk, "action": "suspendre"}, shared=True
    ),
    # Settlement (structure admins; finance; support reads)
    "bank-account": page({SA}),
    "mutations": page({SA}),
    "payouts": page({SA}),
    "payout-document": page({SA}, args=lambda side, role: {"pk": side.payout.pk, "document": "releve"}),
    "staff-settlement": page({SF, SS}),
    "staff-bank-accounts": page({SF}),
    "staff-bank-account-decide": post(
        {SF}, args=lambda side, role: {"pk": side.bank_account.pk, "decision": "verifier"}, shared=True
    ),
    # Cheques: funders
    "cheques:order-list": page(FUNDER),
    "cheques:order-create": page(FUNDER),
    "cheques:order-price": post(FUNDER, ok=200),
    "cheques:order-detail": page(FUNDER, args=_order),
    "cheques:order-update": page(FUNDER, args=_draft),
    "cheques:order-progress": page(FUNDER, args=_order),
    "cheques:order-quote": post(FUNDER, args=_draft),
    "cheques:order-quote-pdf": page(FUNDER, args=_quoted),
    "cheques:order-confirm": page({FA}, args=_quoted),
    "cheques:order-cancel": post({FA}, args=_quoted),
    "cheques:print-restart": post(FUNDER, args=_order),
    "cheques:print-chunk": page(FUNDER, args=lambda side, role: {"pk": side.order.pk, "chunk": side.chunk.pk}),
    "cheques:print-archive": page(FUNDER, args=_order),
    "cheques:invoice-list": page(FUNDER),
    "cheques:invoice-pdf": page(FUNDER, args=lambda side, role: {"pk": side.invoice.pk}),
    "cheques:distribution": page(FUNDER),
    "cheques:partner-add": post(FUNDER, data=lambda side: {"distributeur": side.distributor.pk}),
    "cheques:partner-invite": post(FUNDER),
    "cheques:carnets-assign": post(FUNDER),
    "cheques:carnets-take-back": post(FUNDER),
    "cheques:cheques-overview": page(FUNDER),
    "cheques:cheques-export-csv": page(FUNDER),
    "cheques:cheques-export-xlsx": page(FUNDER),
    # Cheques: distributors, both
    "cheques:stock": page(DISTRIB),
    "cheques:hand-out": post(DISTRIB),
    "cheques:invitation-accept": page(DISTRIB, args=lambda side, role: {"token": side.invitation_token}, shared=True),
    "cheques:carnet-block": post(FUNDER | DISTRIB),
    "cheques:carnet-detail": page(FUNDER | DISTRIB, args=_carnet),
    "cheques:carnet-replace": post(FUNDER | DISTRIB, args=_carnet),
    "cheques:carnet-pdf": page(FUNDER | DISTRIB, args=_carnet),
    # The counter (médiateurs and structure admins)
    "cheques:counter": page(COUNTER),
    "cheques:counter-lookup": post(COUNTER, ok=200),
    "cheques:counter-validate": post(
        {MED},
        # A structure admin who is not declared at any lieu has no counter to validate at.
        exceptions=((SA, "own", 404),),
    ),
    "cheques:counter-receipt": page(COUNTER, args=_redemption),
    "cheques:counter-void": post(COUNTER, args=_redemption),
    "cheques:redemption-list": page(COUNTER),
    # API
    "api:me": api(LOGGED_IN | set(KEYS)),
    "api:referentiel-versions": public(),
    "api:referentiel-services": public(),
    "api:lieux": public(),
    "api:lieux-export": public(),
    "api:lieu": public(args=lambda side, role: {"pk": side.qualification.lieu_id}),
    "api:balance": public(ok=400, method="post"),
    "api:order-list": api(FUNDER | {KF}),
    "api:order-list#post": api(FUNDER | {KF}, ok=400, method="post"),  # an empty order is refused
    "api:order-detail": api(FUNDER | {KF}, args=_order),
    "api:carnet-list": api(FUNDER | DISTRIB | {KF, KD}),
    "api:carnet-detail": api(FUNDER | DISTRIB | {KF, KD}, args=lambda side, role: {"pk": side.carnet.pk}),
    "api:redemption-list": api(COUNTER | {KS}),
    "api:redemption-list#post": api(COUNTER | {KS}, ok=400, method="post"),  # no Idempotency-Key: refused
    "api:redemption-detail": api(COUNTER | {KS}, args=_redemption),
    "api:redemption-void": api(COUNTER | {KS}, ok=400, method="post", args=_redemption),
    "api:settlement-list": api({SA, KS}),
    "api:settlement-detail": api({SA, KS}, args=_payout),
    "api:settlement-fee-invoice": api({SA, KS}, args=_payout),
    "api:settlement-statement": api({SA, KS}, args=_payout),
    "api-schema": public(),
    "api-docs": public(),
}


def expected(entry: Entry, role: str, side: str) -> int:
    for exception_role, exception_side, status in entry.exceptions:
        if (exception_role, exception_side) == (role, side):
            return status
    if role in entry.allowed:
        shared = entry.shared is True or (entry.shared and role in entry.shared)
        if side == "other" and not shared and entry.args is not None:
            return entry.other
        return entry.ok
    anonymous = role == ANON or (role in KEYS and not entry.api)
    if anonymous:
        return entry.anonymous or 302
    return 403


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def _platform_urls():
    """URL names of the platform, the admin's and allauth's own excepted (they have their own tests)."""
    for route, name in _walk(get_resolver()):
        if route.startswith(("admin/", "comptes/")) or name is None:
            continue
        yield route, name


def _url_name(key: str) -> str:
    """``name`` or ``name#method``: a URL may have one entry per method."""
    return key.split("#")[0]


def test_every_url_has_an_entry():
    names = {_url_name(key) for key in MATRIX}
    missing = sorted(f"{name} ({route})" for route, name in _platform_urls() if name not in names)
    stale = sorted(names - {name for _route, name in _platform_urls()})
    assert missing == [], "URLs without an entry in the access matrix"
    assert stale == [], "entries of the access matrix whose URL no longer exists"


def _client(world: World, role: str) -> tuple[Client, dict]:
    client = Client()
    headers = {}
    if role in world.a.people:
        client.force_login(world.a.people[role])
    elif role in world.staff:
        client.force_login(world.staff[role])
    elif role in KEYS:
        headers["Authorization"] = f"Api-Key {world.a.keys[ORG_KIND[role]]}"
    return client, headers


def _request(client: Client, headers: dict, method: str, path: str, data: dict | None) -> int:
    with transaction.atomic():
        response = getattr(client, method)(path, data, headers=headers)
        transaction.set_rollback(True)
    if response.streaming:  # read to the end: the test client then closes the file (and keeps the connection)
        b"".join(response.streaming_content)
    return response.status_code


def test_each_role_gets_the_expected_answer_on_every_url():
    from django.urls import reverse

    world = build_world()
    clients = {role: _client(world, role) for role in PAGE_ROLES}
    mismatches = []
    count = 0
    for name, entry in MATRIX.items():
        for side_name, side in (("own", world.a), ("other", world.b)):
            if entry.args is None and side_name == "other":
                continue
            for role in PAGE_ROLES:
                kwargs = entry.args(side, role) if entry.args else {}
                path = reverse(_url_name(name), kwargs=kwargs)
                client, headers = clients[role]
                data = entry.data(side) if entry.data else None
                status = _request(client, headers, entry.method, path, data)
                count += 1
                want = expected(entry, role, side_name)
                if status != want:
                    where = f"{entry.method.upper()} {path} [{name}] as {role} ({side_name})"
                    mismatches.append(f"{where}: {status}, expected {want}")
    assert mismatches == [], f"{len(mismatches)} of {count} answers differ:\n" + "\n".join(mismatches)
