"""Schemathesis against the live API and the demo data: every check on, no server error, no schema violation.

It runs as a developer would (``st run …/api/schema/ --checks all``) with four identities in turn: an API key of
each kind of organisation (commanditaire, distributeur, structure) and a session (with its CSRF token). The
number of examples per operation is bounded to keep CI within a few minutes; ``SCHEMATHESIS_MAX_EXAMPLES`` and
``SCHEMATHESIS_SEED`` let a developer dig deeper or elsewhere.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.signals import request_started
from django.test import Client
from django.test.testcases import QuietWSGIRequestHandler

from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from accounts.services import api_key_create

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db(transaction=True)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261118")
SESSION_USER = "structure@demo.aptic.test"  # admin of two structures
CSRF_SECRET = "schemathesisCsrfSecret0123456789"  # 32 characters, as Django's


def _api_key(kind: str) -> str:
    organisation = Organisation.objects.filter(kind=kind).order_by("pk").first()
    admin = organisation.memberships.order_by("pk").first().user
    return api_key_create(organisation=organisation, name="Schemathesis", by=admin)[1]


# Each key on the operations its kind of organisation uses; the session on every operation (the others' answer
# 403, the public ones need no identity).
KEY_OPERATIONS = {
    OrganisationKind.COMMANDITAIRE: "^/api/v1/(me|orders|carnets)/",
    OrganisationKind.DISTRIBUTEUR: "^/api/v1/(me|carnets)/",
    OrganisationKind.STRUCTURE: "^/api/v1/(me|redemptions|settlements|balance)/",
}


def _identities() -> dict[str, list[str]]:
    """Schemathesis' options for each identity: its headers and the operations it tests."""
    identities = {
        kind: ["--header", "Authorization: Api-Key " + _api_key(kind), "--include-path-regex", paths]
        for kind, paths in KEY_OPERATIONS.items()
    }
    browser = Client()
    browser.force_login(User.objects.get(email=SESSION_USER))
    cookie = f"Cookie: sessionid={browser.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}"
    identities["session"] = ["--header", cookie, "--header", f"X-CSRFToken: {CSRF_SECRET}"]
    return identities


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(base_url: str, options: list[str], workdir: Path) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{base_url}/api/schema/?format=json",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        SEED,
        "--workers",
        "1",
        "--request-timeout",
        "30",
        *options,
    ]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture
def quick_live_server(live_server, monkeypatch):
    """The live server, answering without the ~40 ms that Nagle's algorithm and delayed ACKs add to each request
    (it writes the headers and the body separately)."""
    monkeypatch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
    return live_server


def test_schemathesis_finds_no_server_error_and_no_schema_violation(quick_live_server, demo_data, tmp_path, capsys):
    requests = []

    def count(sender, environ=None, **kwargs):
        if environ and environ.get("PATH_INFO", "").startswith("/api/"):
            requests.append(1)

    request_started.connect(count)
    failures, figures, cpu = {}, [], (time.process_time(), _children_cpu())
    try:
        for name, options in _identities().items():
            start, before = time.monotonic(), len(requests)
            result = _run(quick_live_server.url, options, tmp_path)
            figures.append(f"{name}: {len(requests) - before} requests in {time.monotonic() - start:.0f} s")
            if result.returncode != 0:
                failures[name] = result.stdout[-6000:] + result.stderr[-2000:]
    finally:
        request_started.disconnect(count)
    server, client = time.process_time() - cpu[0], _children_cpu() - cpu[1]
    with capsys.disabled():
        print(
            f"\nSchemathesis ({MAX_EXAMPLES} examples per operation, seed {SEED}): {'; '.join(figures)} "
            f"(CPU: {server:.0f} s serving, {client:.0f} s generating)"
        )
    assert not failures, "\n\n".join(f"=== {name}\n{output}" for name, output in failures.items())
