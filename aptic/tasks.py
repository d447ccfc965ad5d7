from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "aptic:worker-heartbeat"


@shared_task
def heartbeat() -> str:
    """Sent by beat every five minutes: staff see when a worker last answered."""
    now = timezone.now()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now.isoformat()
