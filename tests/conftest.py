import os
import shutil
import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between two
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
_skipped: list[str] = []


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def _forbid_skips() -> bool:
    return os.environ.get("APTIC_FORBID_SKIPS") == "1"


def pytest_sessionfinish(session, exitstatus):
    """CI (APTIC_FORBID_SKIPS=1) fails when any test was skipped: PostgreSQL, Redis and browser tests must run."""
    if _forbid_skips() and _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _forbid_skips() and _skipped:
        terminalreporter.write_line(f"FAILED: {len(_skipped)} test(s) skipped while APTIC_FORBID_SKIPS=1:", red=True)
        for nodeid in _skipped:
            terminalreporter.write_line(f"  {nodeid}", red=True)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh cache namespace for every test (rate-limit counters, heartbeats)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def demo_data(db):
    """The demo organisations, people and lieux of ``manage.py demo``."""
    with override_settings(DEBUG=True):
        call_command("demo", stdout=StringIO())
