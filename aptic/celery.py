"""The Celery application.

With ``REDIS_URL`` set, tasks go through Redis to a worker (``make worker``) and the monthly and nightly
schedules are sent by beat (``make beat``). Without it, ``CELERY_TASK_ALWAYS_EAGER`` runs each task inline.
Tasks are always queued with ``delay_on_commit``: a task never sees a row its transaction did not commit.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptic.settings")

app = Celery("aptic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks that live in a sub-package of an app.
app.autodiscover_tasks(["qualification.standard"])
