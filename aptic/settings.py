"""Settings of the APTIC platform, all read from the environment in this one file.

Without any variable set, the platform runs in its *embedded* mode: a SQLite file under ``var/``,
Celery tasks run inline, e-mails printed on the console. ``DATABASE_URL`` and ``REDIS_URL`` switch it
to PostgreSQL and Redis (cache, rate limits, Celery broker). See README.md for the full list.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("APTIC_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The default key is only good for a laptop: `check --deploy` refuses it (django-insecure- prefix).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-aptic-embedded-mode-only-never-in-production")
# Keyed hash of cheque secret codes (DESIGN §4). Changing it makes every printed code unusable.
CHEQUE_CODE_PEPPER = env.str("CHEQUE_CODE_PEPPER", default="insecure-embedded-pepper")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the platform, printed in QR codes and e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "aptic",
    "accounts",
    "ledger",
    "territories",
    "referentiel",
    "qualification",
    "cheques",
    "settlement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "aptic.middleware.ApiInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aptic.ratelimit.RateLimitedMiddleware",
    "accounts.middleware.AccessMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.history.actor.HistoryActorMiddleware",
]

ROOT_URLCONF = "aptic.urls"
WSGI_APPLICATION = "aptic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.access",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'aptic.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # One writer at a time, taken at BEGIN: no "database is locked" surprise in the middle of a service.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# --- Redis: cache, rate limits, Celery -----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Embedded mode: no broker, every task runs inline once the transaction that queued it commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A task sent while Redis restarts waits for it (about 90 s at most: to reconnect, then to publish) instead of
# being lost: Celery's defaults give up after a few seconds, and the work the task would have done (printing an
# issued order, e-mailing a payout's documents) would wait for someone to notice (tests/faults/).
CELERY_BROKER_CONNECTION_TIMEOUT = 90
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 20, "interval_start": 0.5, "interval_step": 1, "interval_max": 5}
CELERY_TIMEZONE = "Europe/Paris"
# Background work in resumable chunks: cheques issued per database transaction, cheques per carnet PDF file.
ISSUANCE_CHUNK_CHEQUES = env.int("ISSUANCE_CHUNK_CHEQUES", default=20_000)
PRINT_CHUNK_CHEQUES = env.int("PRINT_CHUNK_CHEQUES", default=400)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "aptic.tasks.heartbeat", "schedule": crontab(minute="*/5")},
    "expire-qualifications": {
        "task": "qualification.tasks.expire_qualifications",
        "schedule": crontab(hour=0, minute=20),
    },
    "remind-renewals": {"task": "qualification.tasks.remind_renewals", "schedule": crontab(hour=8, minute=0)},
    # The 1st of each month, early in the morning (Europe/Paris): pay the month that just ended.
    "settle-previous-month": {
        "task": "settlement.tasks.settle_previous_month_task",
        "schedule": crontab(day_of_month=1, hour=5, minute=0),
    },
    "cheques-expire": {"task": "cheques.tasks.cheques_expire_task", "schedule": crontab(hour=0, minute=30)},
    "beneficiary-profiles-purge": {
        "task": "cheques.tasks.beneficiary_profiles_purge_task",
        "schedule": crontab(hour=0, minute=40),
    },
}

# --- People ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "public-home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[#APTIC] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed logins are limited per (account, address) and per address by the adapter (accounts/throttles.py), not
# by allauth's per-account limit, which let a stranger lock the owner out. Wrong second-factor codes are limited
# by the platform's forms (accounts/mfa_forms.py), with the same counters as the IBAN change.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "#APTIC"
# A code of the 30 seconds before or after is accepted too (a phone's clock drifts; a code typed as it rolls
# over); each code works once, and wrong ones are rate-limited.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "accounts.mfa_forms.ReauthenticateForm",
    "activate_totp": "accounts.mfa_forms.ActivateTOTPForm",
}

# --- E-mail ---------------------------------------------------------------------------------------
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="#APTIC <ne-pas-repondre@aptic.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and generated files (PDFs, supporting documents, SEPA files) are private: never served as
# static files, only through views that check who is asking.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "files")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_FILES_ROOT}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Public directory ---------------------------------------------------------------------------
# Tiles of the directory's maps ({z}/{x}/{y}); empty: the markers on a plain background, no tile server.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env.str("MAP_TILES_ATTRIBUTION", default="© OpenStreetMap")

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_keys.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "aptic.schema.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "aptic.parsers.JSONParser",
        "aptic.parsers.FormParser",
        "aptic.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "aptic.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
SPECTACULAR_SETTINGS = {
    "TITLE": "API #APTIC",
    "DESCRIPTION": _(
        "API de la plateforme #APTIC : référentiel, lieux qualifiés, commandes, carnets, validations, "
        "contrepaiements. Authentification par clé d'API d'organisation (en-tête « Authorization: Api-Key … »)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security (production values are the defaults; DEBUG relaxes them for a laptop) --------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies in front (comma-separated addresses or CIDRs): only from them is X-Forwarded-For believed, to
# find the client's address that rate limits count (aptic.ratelimit.client_ip). Empty: the peer is the client.
# A bad value stops the start here rather than at the first request.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(cidr.strip(), strict=False)) for cidr in env.list("TRUSTED_PROXIES", default=[])
]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from the platform's own static files, no
# inline code, no eval; images may also be data: URIs (the TOTP QR code, Swagger UI's icons) and map tiles.
_tiles = urlsplit(MAP_TILES_URL.replace("{s}", "*"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # Inline tasks (embedded mode) would log every success; a real worker logs them itself.
        "celery.app.trace": {"level": "WARNING" if not REDIS_URL else "INFO"},
    },
}

# --- The cooperative: the seller on quotes and invoices, the debtor on SEPA files -----------------
APTIC_COOPERATIVE = {
    "name": env.str("APTIC_NAME", default="SCIC SA #APTIC"),
    "legal_form": env.str("APTIC_LEGAL_FORM", default="SCIC SA à conseil d'administration"),
    # A SCIC SA à capital variable says so, and its registry (RCS city; the RCS number is the SIREN).
    "capital": env.str("APTIC_CAPITAL", default="à capital variable"),
    "rcs_city": env.str("APTIC_RCS_CITY", default="Bordeaux"),
    "siren": env.str("APTIC_SIREN", default="900000001"),
    "vat_number": env.str("APTIC_VAT_NUMBER", default="FR68900000001"),
    "address": env.str("APTIC_ADDRESS", default="1 rue de la Coopération, 33000 Bordeaux"),
    "email": env.str("APTIC_EMAIL", default="contact@aptic.invalid"),
    "phone": env.str("APTIC_PHONE", default="05 00 00 00 00"),
    "publication_director": env.str("APTIC_PUBLICATION_DIRECTOR", default="Camille Dupont (démo)"),
    # Who answers requests about personal data (rights of access, erasure…).
    "privacy_email": env.str("APTIC_PRIVACY_EMAIL", default="donnees-personnelles@aptic.invalid"),
    "iban": env.str("APTIC_IBAN", default="FR7630006000011234567890189"),
    "bic": env.str("APTIC_BIC", default="AGRIFRPP"),
}

# Who hosts the platform (mentions légales, LCEN art. 6).
APTIC_HOSTING = {
    "name": env.str("APTIC_HOSTING_NAME", default="Hébergeur (démo)"),
    "address": env.str("APTIC_HOSTING_ADDRESS", default="1 rue des Serveurs, 59000 Lille"),
    "phone": env.str("APTIC_HOSTING_PHONE", default="03 00 00 00 00"),
}

# --- Personal data --------------------------------------------------------------------------------
# The anonymous profiles distributeurs note at hand-out are deleted this many years after it (beat, nightly);
# the "données personnelles" page states it.
BENEFICIARY_PROFILE_RETENTION_YEARS = env.int("BENEFICIARY_PROFILE_RETENTION_YEARS", default=3)
