"""The application's settings, with what only the test suite changes (plain HTTP, fast hashing, temp files)."""

import os
import tempfile
import uuid
from pathlib import Path

from aptic.settings import *  # noqa: F403
from aptic.settings import CACHES, REDIS_URL, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test clock is pinned (tests/conftest.py) while Chromium keeps the real one: cookies with a date of
# expiry computed on the test clock would already be expired for the browser, so they last as long as it.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_AGE = None
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CHEQUE_CODE_PEPPER = "test-pepper-not-secret-but-long-enough-0123456789"

# A worker started by a fault test (tests/faults/) shares the test's files.
PRIVATE_FILES_ROOT = Path(os.environ.get("APTIC_TEST_FILES") or tempfile.mkdtemp(prefix="aptic-test-files-"))
VAR_DIR = Path(tempfile.mkdtemp(prefix="aptic-test-var-"))  # the demo writes its cheque codes here
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_FILES_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run inline unless a test starts a real worker; each test gets its own cache key prefix
# (tests/conftest.py), so parallel test processes can share one Redis.
CELERY_TASK_ALWAYS_EAGER = True
if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}

LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# No tile server: the directory's maps show their markers on a plain background.
MAP_TILES_URL = ""

# Static files straight from the app folders (no collectstatic before the tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Where a fault test pauses the worker it starts (aptic/faults.py): "point#n", and the file that says it is there.
APTIC_PAUSE_AT = os.environ.get("APTIC_PAUSE_AT", "")
APTIC_PAUSE_FILE = os.environ.get("APTIC_PAUSE_FILE", "")
