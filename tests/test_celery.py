import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.db import transaction

from aptic.celery import app as celery_app
from aptic.tasks import HEARTBEAT_CACHE_KEY, heartbeat


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_transaction_runs_only_after_commit():
    with transaction.atomic():
        heartbeat.delay_on_commit()
        assert cache.get(HEARTBEAT_CACHE_KEY) is None
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        heartbeat.delay_on_commit()
        raise RuntimeError("rollback")
    assert cache.get(HEARTBEAT_CACHE_KEY) is None


def test_beat_has_a_schedule():
    assert "aptic.tasks.heartbeat" in {entry["task"] for entry in celery_app.conf.beat_schedule.values()}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_tasks_from_redis():
    queue = f"test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, shutdown_timeout=20):
            with transaction.atomic():
                heartbeat.apply_async_on_commit(queue=queue)
                time.sleep(0.5)
                assert cache.get(HEARTBEAT_CACHE_KEY) is None  # not sent before commit
            deadline = time.monotonic() + 20
            while cache.get(HEARTBEAT_CACHE_KEY) is None and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None
