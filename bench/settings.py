"""The platform's settings, plus the bare reference view of the redemption benchmark."""

from aptic.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Refused requests (409) are part of the load: do not log each of them.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.request": {"level": "ERROR"}}}  # noqa: F405
