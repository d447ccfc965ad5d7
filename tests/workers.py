"""Real Celery workers and a private Redis, for the tests that need them (no mocks).

- ``worker_in_thread(queue)``: a worker inside the test process (``celery.contrib.testing``), tasks through the
  Redis of ``REDIS_URL``;
- ``WorkerProcess``: a worker in its own processes (prefork, one pool process), which a test can SIGKILL in the
  middle of a task (``aptic/faults.py`` pauses it there first);
- ``RedisProcess``: a ``redis-server`` of the test's own, on a free port, that a test may kill and restart
  (never the shared one);
- ``app_sends_to(url, queue)``: this process's Celery app publishes there, for real, instead of running inline.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from celery.contrib.testing.worker import start_worker
from django.db import connection

from aptic.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.2):
    """Poll ``predicate`` until it returns something true; fail the test with ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    raise AssertionError(f"still waiting, after {timeout} s, for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as a URL a worker process can use (it sees what the test committed)."""
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@contextmanager
def _celery_app(*, broker_url: str | None, queue: str):
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_default_queue, conf.task_always_eager)
    if broker_url:
        conf.broker_url = broker_url
    conf.task_default_queue, conf.task_always_eager = queue, False
    _forget_connections()
    try:
        yield celery_app
    finally:
        conf.broker_url, conf.task_default_queue, conf.task_always_eager = saved
        _forget_connections()


def _forget_connections() -> None:
    """The app pools its broker connections: after a change of broker, it must open new ones."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def worker_in_thread(queue: str | None = None, *, shutdown_timeout: float = 30):
    """A worker in this process on its own queue of the ``REDIS_URL`` broker; tasks are published, not inline."""
    queue = queue or f"test-{uuid.uuid4().hex}"
    with _celery_app(broker_url=None, queue=queue) as app:
        with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=shutdown_timeout):
            yield queue


@contextmanager
def app_sends_to(broker_url: str, queue: str):
    """This process's tasks are published to ``queue`` at ``broker_url`` (for a ``WorkerProcess`` to run)."""
    with _celery_app(broker_url=broker_url, queue=queue) as app:
        yield app


class RedisProcess:
    """A redis-server of the test's own. Every write is on disk (append-only file, fsync always), as a broker that
    must not lose tasks should be: killed and restarted, it comes back with its queues."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisProcess":
        self.directory.mkdir(parents=True, exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
        command += ["--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no"]
        with open(self.directory / "redis.log", "ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: self._ping(client), timeout=20, what="redis-server to answer")
        client.close()
        return self

    @staticmethod
    def _ping(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye, no last snapshot."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.kill()
        self.start()


class WorkerProcess:
    """``celery worker`` on one queue, in a new process group, with the test settings and database."""

    def __init__(self, *, broker_url: str, queue: str, directory: Path, files: Path, **environment: str):
        self.queue = queue
        self.log = directory / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "APTIC_TEST_FILES": str(files),
            "PYTHONPATH": str(ROOT),
            **environment,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        script = (
            "import sys, django\n"
            "django.setup()\n"
            "from aptic.celery import app\n"
            "app.conf.task_always_eager = False\n"
            "app.conf.task_default_queue = sys.argv[1]\n"
            "app.worker_main(['worker', '--queues', sys.argv[1], '--concurrency', '1', '--pool', 'prefork',\n"
            "                 '--loglevel', 'INFO', '--without-gossip', '--without-mingle', '--without-heartbeat',\n"
            "                 '--hostname', 'fault-' + sys.argv[1] + '@%h'])\n"
        )
        with open(self.log, "ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-c", script, self.queue],
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def stop(self) -> None:
        """Kill the worker and its pool (its own process group), whatever state it is in."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Pause:
    """Where a worker pauses (``aptic/faults.py``): the environment to give it, then wait, kill or release."""

    def __init__(self, directory: Path, point: str):
        self.file = directory / f"pause-{uuid.uuid4().hex[:8]}"
        self.environment = {"APTIC_PAUSE_AT": point, "APTIC_PAUSE_FILE": str(self.file)}

    def reached(self, *, timeout: float = 60) -> int:
        """The pid of the process that paused, once it has."""
        wait_until(lambda: self.file.exists() and self.file.read_text(), timeout=timeout, what="the pause point")
        return int(self.file.read_text())

    def kill(self, *, timeout: float = 60) -> int:
        pid = self.reached(timeout=timeout)
        os.kill(pid, signal.SIGKILL)
        return pid

    def release(self) -> None:
        self.file.with_name(self.file.name + ".go").touch()
