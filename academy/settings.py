"""Settings for the Low-carbon Procurement Academy.

Configured only through environment variables. Without any, the project runs on
the embedded default: SQLite and a file-system Celery broker under ``var/`` and
e-mail printed to the console, so a first run needs no server at all.
"""

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the embedded default writes (database, broker, uploads) lives here.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

# A development key is only accepted while DEBUG is on; production must bring
# its own, long and random (Django's check --deploy asks for at least 50 chars).
INSECURE_DEV_KEY = "django-insecure-development-key-only-used-when-debug-is-on"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: export SECRET_KEY to a long random string."
        )
    SECRET_KEY = INSECURE_DEV_KEY
elif not DEBUG and (SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG off: use at least 50 random characters."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address people reach the site at. Links in e-mails and calendar files are read
# outside any request, so they are built on it; in production it must be given.
SITE_URL = env.str("SITE_URL", default="")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DEBUG is off: the address people reach the site at, "
            "such as https://akatemia.example.fi (links in e-mails and calendar files use it)."
        )
    SITE_URL = "http://localhost:8000"
_site = urlsplit(SITE_URL)
if (
    _site.scheme not in ("http", "https")
    or not _site.hostname
    or _site.path not in ("", "/")
    or _site.query
    or _site.fragment
):
    raise ImproperlyConfigured(
        f"SITE_URL must be an address such as https://akatemia.example.fi, without a path: "
        f"{SITE_URL!r}"
    )
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "academy",
    "notifications",
    "applications",
    "assignments",
    "workshops",
    "plans",
    "programme",
    # Loads each app's rules.py: who may see and do what (academy/rules.py).
    "rules.apps.AutodiscoverRulesConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "import_export",
    "bootstrap",
]

MIDDLEWARE = [
    # /healthz for load balancers, before the host check and the TLS redirect.
    "academy.health.HealthzMiddleware",
    # Every log line names its request (academy/logs.py).
    "academy.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "academy.middleware.HardeningMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.middleware.StaffSessionMiddleware",
    "academy.audit.AuditMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

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
                "academy.context_processors.site",
                "academy.context_processors.teams",
            ],
            # Available in every template, e-mail templates written by staff included.
            "builtins": ["django.templatetags.i18n", "academy.templatetags.academy_tags"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server, the worker and Beat share the file: wait for each other's
    # writes instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# allauth keeps its rate-limit counters in the cache: with more than one web
# process, point CACHE_URL at Redis (redis://127.0.0.1:6379/2) so they share it.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    # Where the Redis cache's calls go while Redis is down or hanging (academy/cache.py).
    "fallback": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "academy_cache_fallback",
        # Never cull: culling would drop other people's rate limits and used codes.
        # Expired rows are deleted daily (academy.cache.purge_expired).
        "OPTIONS": {"MAX_ENTRIES": 10**9},
    },
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "academy.cache.ResilientRedisCache"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "academy.User"
AUTHENTICATION_BACKENDS = [
    # Object permissions (academy/rules.py and each app's rules.py), then Django's own.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_REDIRECT_URL = "programme:programme"
LOGIN_URL = "account_login"

# django-allauth: the e-mail address is the login, it must be verified, and
# a one-time code sent by e-mail may stand in for the password.
ACCOUNT_ADAPTER = "programme.accounts.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# A code typed on the page that asked for it keeps the person in the same tab and on
# their way (e.g. to the application form), where a link would start a new one.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For allauth may
# trust for the client's address; without it every client shares the proxy's
# address and one person's failed sign-ins would lock everyone out.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that they are visibly on.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}

# Staff: a second factor before any page (academy.middleware), and shorter sessions.
STAFF_SESSION_IDLE = dt.timedelta(minutes=env.int("STAFF_SESSION_IDLE_MINUTES", default=30))
STAFF_SESSION_LIFETIME = dt.timedelta(hours=env.int("STAFF_SESSION_LIFETIME_HOURS", default=10))

# How long what belongs to no cohort is kept (academy.retention): the audit log, and
# the texts of e-mails sent outside any cohort (sign-in codes, account mails).
AUDIT_LOG_KEEP_DAYS = env.int("AUDIT_LOG_KEEP_DAYS", default=730)
MAIL_TEXTS_KEEP_DAYS = env.int("MAIL_TEXTS_KEEP_DAYS", default=30)
# Who processes personal data on the controller's behalf, as the privacy notice names
# them: "Hosting: Example Cloud Oy, Helsinki; E-mail: Example Mail Oy, Espoo".
DATA_PROCESSORS = [
    entry.strip() for entry in env.str("DATA_PROCESSORS", default="").split(";") if entry.strip()
]
# An account unused this long is erased (academy.personal_data.erase), ACCOUNT_WARNING_DAYS
# after its owner was told by e-mail; signing in meanwhile keeps it. Staff accounts
# are left to the coordinators.
ACCOUNT_INACTIVE_DAYS = env.int("ACCOUNT_INACTIVE_DAYS", default=3 * 365)
ACCOUNT_WARNING_DAYS = env.int("ACCOUNT_WARNING_DAYS", default=30)
# ... and purchase-ledger files, once their import is in use (its totals stay).
LEDGER_FILES_KEEP_DAYS = env.int("LEDGER_FILES_KEEP_DAYS", default=30)

# allauth.mfa: TOTP with recovery codes, and WebAuthn security keys and passkeys.
# The TOTP secret is stored encrypted (programme.accounts.MFAAdapter).
MFA_ADAPTER = "programme.accounts.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Vähähiilisten hankintojen akatemia"
# A code from the previous or next 30 seconds is taken too (a phone's clock, a slow form).
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Signed-in sessions are listed (allauth.usersessions) so that a person can end the others.
# They are recorded when a person signs in, not touched on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Exports leave cells that could break a spreadsheet (control characters) out;
# formula-like cells are neutralised by the resources themselves.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Exporting rows asks for the permission to view them (without it, staff status was enough).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["academy.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it; WhiteNoise reads it.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Private uploads (pre-assignments, spend data) live here, outside STATIC_ROOT,
# and are only ever served through views that check access.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES["private"] = {"BACKEND": "academy.storage.LocalPrivateStorage"}
# ... or in an S3 bucket that several hosts share (any S3-compatible service): the bucket
# stays private, files are streamed through the same views, and credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as boto3 reads them.
PRIVATE_STORAGE_BUCKET = env.str("PRIVATE_STORAGE_BUCKET", default="")
if PRIVATE_STORAGE_BUCKET:
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "endpoint_url": env.str("PRIVATE_STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PRIVATE_STORAGE_REGION", default="") or None,
            "location": env.str("PRIVATE_STORAGE_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# E-mail: printed to the console unless EMAIL_URL names an SMTP server
# (smtp://user:password@host:587 or smtp+tls://...).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A mail server that stops answering must not hold a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Where people reach the programme when no cohort names its own contact address.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="akatemia@example.fi")
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Vähähiilisten hankintojen akatemia <akatemia@example.fi>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. The embedded default is Kombu's file-system transport, which needs
# no server; production points CELERY_BROKER_URL at Redis.
# An empty variable counts as unset.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or (
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith("redis")
    else f"file://{VAR_DIR / 'celery' / 'results'}"
)
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Kombu's file-system transport and Celery's file result backend expect their folders to exist.
_celery_folders = []
if CELERY_BROKER_URL.startswith("filesystem"):
    _celery_folders += [VAR_DIR / "celery" / "broker", VAR_DIR / "celery" / "control"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_folders[0]),
        "data_folder_out": str(_celery_folders[0]),
        "control_folder": str(_celery_folders[1]),
        "store_processed": False,
    }
if CELERY_RESULT_BACKEND.startswith("file://"):
    _celery_folders.append(Path(CELERY_RESULT_BACKEND.removeprefix("file://")))
for _folder in _celery_folders:
    _folder.mkdir(parents=True, exist_ok=True)
# A broker that stops answering must not hold a request: publishing gives up after
# these many seconds, the rows stay queued, and the sweeps send them later.
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=3.0)
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
# No task may run longer than this: a hung connection ends, and its row shows as uncertain.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=900)
# Reading one purchase ledger may take this long and this much memory above what the
# worker process already holds; past either, the import fails with a message.
LEDGER_TIME_LIMIT_SECONDS = env.int(
    "LEDGER_TIME_LIMIT_SECONDS", default=max(CELERY_TASK_TIME_LIMIT - 60, 60)
)
LEDGER_MEMORY_LIMIT_MB = env.int("LEDGER_MEMORY_LIMIT_MB", default=1024)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat records each run at once (not every three minutes), so the status page sees it.
CELERY_BEAT_SYNC_EVERY = 1

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=true so
# that Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment to the browsers' preload lists that the
    # operator makes for the whole domain: opt in with SECURE_HSTS_PRELOAD.
    "security.W021",
]

# Content Security Policy: everything from this origin, no inline scripts or
# styles, nothing from third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# One JSON object a line in production (LOG_FORMAT=json), readable text with DEBUG;
# both carry the request id and leave out e-mail addresses and secrets (academy/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "academy.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "academy.logs.JsonFormatter"},
        "text": {
            "()": "academy.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# The worker logs through the same handler instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors reported to Sentry when SENTRY_DSN is set, without personal data (academy/errors.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from academy.errors import start as start_error_reporting

    start_error_reporting(SENTRY_DSN, env.str("SENTRY_ENVIRONMENT", default="production"))
