import datetime
import os
import shutil
import uuid
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between two
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
_skipped: list[str] = []

# Every test starts at the same instant, whatever the wall clock says: a test never passes in November and
# fails in December. CI runs the date-sensitive tests again with APTIC_TEST_NOW set to awkward instants
# (first and last day of a month, New Year's Eve 23:59 in Paris, 29 February, a change of summer time).
DEFAULT_TEST_NOW = "2026-11-18T10:00:00"
PARIS = ZoneInfo("Europe/Paris")


def test_now() -> datetime.datetime:
    """The instant every test starts at (Europe/Paris unless APTIC_TEST_NOW carries an offset)."""
    moment = datetime.datetime.fromisoformat(os.environ.get("APTIC_TEST_NOW") or DEFAULT_TEST_NOW)
    return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)


test_now.__test__ = False  # not a test, despite its name

# Property-based tests run the same examples everywhere (CI included), and print a failure as found (shrinking
# a state machine that works on a database takes minutes). HYPOTHESIS_PROFILE=explore searches wider, with fresh
# random examples each run, and shrinks what it finds (then pin it with a plain test).
hypothesis_settings.register_profile(
    "default",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile(
    "explore",
    parent=hypothesis_settings.get_profile("default"),
    derandomize=False,
    max_examples=200,
    phases=list(Phase),
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")


def pytest_collection_modifyitems(items):
    """The Schemathesis run first: the longest test, so that parallel workers share the others around it."""
    items.sort(key=lambda item: item.get_closest_marker("schemathesis") is None)


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


@pytest.fixture(scope="session", autouse=True)
def _flush_append_only_tables():
    """Between transactional tests Django empties PostgreSQL with TRUNCATE, which the append-only tables (ledger,
    audit log, history) refuse. The test flush alone runs with ``session_replication_role = replica``, which
    only a superuser may set: triggers stay silent for that one statement list."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list] if sql_list else sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The clock starts at ``test_now()`` and ticks from there; a test may travel further inside it."""
    with time_machine.travel(test_now(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh cache namespace for every test (rate-limit counters, heartbeats)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def demo_data(db):
    """The demo organisations, people and lieux of ``manage.py demo``."""
    with override_settings(DEBUG=True):
        call_command("demo", stdout=StringIO())
