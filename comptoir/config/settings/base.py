"""Settings shared by every environment. The environment is read through config.env only."""

import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from comptoir.config.env import (demo_scale, env_bool, env_int, env_list, env_prefixed, env_str, public_url,
                                 served_host, served_port, var_dir)

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = var_dir()


def _secret_key_kept_in_var() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or _secret_key_kept_in_var()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "comptoir.core",
    "comptoir.timeline",
    "comptoir.accounts",
    "comptoir.activities",
    "comptoir.customers",
    "comptoir.leads",
    "comptoir.sales",
    "comptoir.catalog",
    "comptoir.quotes",
    "comptoir.desk",
    "comptoir.imports",
    "comptoir.messaging",
    "comptoir.walkins",
    "comptoir.analytics",
    "comptoir.attachments",
    "comptoir.demo",
    "comptoir.bench",
    "comptoir.home",
]

MIDDLEWARE = [
    # First: one log line per request with its whole duration and the status sent.
    "comptoir.core.middleware.RequestLogMiddleware",
    # Under /api/v1/, what Django answers by itself (unknown path, 405, unreadable body, 500) in the API's JSON.
    "comptoir.core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language over the browser's (needs request.user, overrides LocaleMiddleware).
    "comptoir.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "comptoir.config.urls"
WSGI_APPLICATION = "comptoir.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.messaging.context_processors.inbox",
                "comptoir.core.context_processors.worker_status",
            ],
        },
    },
]

# DESIGN (Architecture): SQLite (WAL) in var/ by default, PostgreSQL when DATABASE_URL is set.
SQLITE_PATH = VAR_DIR / "comptoir.sqlite3"
# PostgreSQL connections come from Django's psycopg pool, one per process and database: a request takes one
# and gives it back at its end, so a threaded server (runserver, a test's live server) holds at most
# COMPTOIR_DB_POOL_MAX however many threads it runs (a connection kept per thread ran PostgreSQL out of
# connections), and each of gunicorn's sync workers (`comptoir serve`) uses one at a time. The pool keeps
# COMPTOIR_DB_POOL_MIN open between requests; a request that waits COMPTOIR_DB_POOL_TIMEOUT seconds for one
# answers 503. COMPTOIR_DB_POOL_MAX=0 turns the pool off (behind PgBouncer): each request then opens its own
# connection, kept DATABASE_CONN_MAX_AGE seconds (0: closed at the end of the request).
DB_POOL_MAX = env_int("COMPTOIR_DB_POOL_MAX", 10)
DB_POOL_MIN = env_int("COMPTOIR_DB_POOL_MIN", 1)
DB_POOL_TIMEOUT = env_int("COMPTOIR_DB_POOL_TIMEOUT", 20)
if DB_POOL_MAX < 0 or DB_POOL_MIN < 0 or (DB_POOL_MAX and DB_POOL_MIN > DB_POOL_MAX) or DB_POOL_TIMEOUT <= 0:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("COMPTOIR_DB_POOL_MIN must be between 0 and COMPTOIR_DB_POOL_MAX (0: no pool), "
                               "and COMPTOIR_DB_POOL_TIMEOUT a number of seconds above 0")


def _server_database(url: str) -> dict:
    database = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0), conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX:
        database["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both at once
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": DB_POOL_MIN, "max_size": DB_POOL_MAX, "timeout": DB_POOL_TIMEOUT}
    return database


DATABASES = {"default": _server_database(env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Reports (conversion, planning, email ratio) read from a replica when one is named; writes and
# everything else stay on the primary. It has its own pool, of the same size.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = {**_server_database(env_str("DATABASE_REPLICA_URL", "")), "TEST": {"MIRROR": "default"}}
COMPTOIR_REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-ca"
LANGUAGES = [
    ("fr-ca", _("Français")),
    ("en", _("English")),
    ("pl", _("Polski")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["comptoir.formats"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every worker process of one machine, unlike the local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# What `comptoir worker` enqueues by itself: (the task's dotted path, every N minutes), in this order, at
# start and then on the minutes N divides. Delivering due messages: retries, throttled bulk sends, messages
# a dead worker left. Reminders: each user's morning email, sent once a day however many workers run.
COMPTOIR_PERIODIC_TASKS = [
    ("comptoir.messaging.tasks.deliver_due_task", 1),
    ("comptoir.activities.tasks.reminders_task", 5),
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "") or "comptoir@localhost"
# Without DEFAULT_FROM_EMAIL, customer emails leave from the dealer's own address (settings), not localhost.
COMPTOIR_FROM_EMAIL_GIVEN = bool(env_str("DEFAULT_FROM_EMAIL", ""))
# Email provider: `smtp` (EMAIL_BACKEND and the EMAIL_* settings above), or one django-anymail sends through,
# with its keys from ANYMAIL_<SETTING> variables (ANYMAIL_POSTMARK_SERVER_TOKEN, ANYMAIL_MAILGUN_API_KEY…; a
# value starting with { or [, and true / false, are JSON). Their signed webhooks (messaging.providers) need
# COMPTOIR_ANYMAIL_WEBHOOK_SECRET, « user:password » the provider sends as HTTP basic auth; unset, they are refused.
COMPTOIR_EMAIL_PROVIDERS = {
    "amazon_ses": "anymail.backends.amazon_ses.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    "mailersend": "anymail.backends.mailersend.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "mailjet": "anymail.backends.mailjet.EmailBackend",
    "mailtrap": "anymail.backends.mailtrap.EmailBackend",
    "mandrill": "anymail.backends.mandrill.EmailBackend",
    "postal": "anymail.backends.postal.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "resend": "anymail.backends.resend.EmailBackend",
    "scaleway": "anymail.backends.scaleway.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "sparkpost": "anymail.backends.sparkpost.EmailBackend",
    "unisender_go": "anymail.backends.unisender_go.EmailBackend",
}
COMPTOIR_EMAIL_PROVIDER = (env_str("COMPTOIR_EMAIL_PROVIDER", "smtp") or "smtp").strip().lower()
if COMPTOIR_EMAIL_PROVIDER != "smtp":
    if COMPTOIR_EMAIL_PROVIDER not in COMPTOIR_EMAIL_PROVIDERS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"COMPTOIR_EMAIL_PROVIDER must be smtp or one of {', '.join(COMPTOIR_EMAIL_PROVIDERS)}"
                                   f", not {COMPTOIR_EMAIL_PROVIDER!r}")
    EMAIL_BACKEND = COMPTOIR_EMAIL_PROVIDERS[COMPTOIR_EMAIL_PROVIDER]
ANYMAIL = {
    name: json.loads(value) if value.lstrip()[:1] in ("{", "[") or value in ("true", "false") else value
    for name, value in env_prefixed("ANYMAIL_").items()
}
ANYMAIL["WEBHOOK_SECRET"] = env_str("COMPTOIR_ANYMAIL_WEBHOOK_SECRET", "")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# What each role may do besides status changes (those are in the site settings' matrix,
# editable by an admin). core.permissions is the only reader.
COMPTOIR_ROLE_CAPABILITIES = {
    "salesperson": ["work_own"],
    "sales_manager": ["work_own", "see_team", "see_all_customers", "assign", "change_sale_date", "set_objectives",
                      "undo_merge", "manage_pipelines", "see_gross"],
    "reception": ["create_customers", "see_all_customers", "assign"],
    "admin": ["*"],  # every capability core.permissions knows
}
# DESIGN (customers): a manager can undo a merge for 30 days; after that it is part of the record.
COMPTOIR_MERGE_UNDO_DAYS = env_int("COMPTOIR_MERGE_UNDO_DAYS", 30)
COMPTOIR_TOKEN_THROTTLE = env_str("COMPTOIR_TOKEN_THROTTLE", "20/m")
COMPTOIR_WEB_FORM_THROTTLE = env_str("COMPTOIR_WEB_FORM_THROTTLE", "10/m")
COMPTOIR_SETTINGS_CACHE_SECONDS = 60

# One line per request (comptoir.requests, core.middleware) at INFO; libraries' progress chatter below WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own line for each 4xx (django.request) and runserver's for each request (django.server) say
        # again what comptoir.requests says; server errors still come, with their traceback.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        # WeasyPrint's « Step 1 - Fetching and parsing HTML » … « Step 7 » for every PDF, fontTools' subsetting.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # GNU Mailman's bounce detectors log every detector they try, for every mail read.
        "flufl.bounce": {"level": "WARNING"},
        # The connection pool logs every connection handed out and given back.
        "psycopg.pool": {"level": "WARNING"},
        # boto3's « Found credentials in environment variables » on every client it makes.
        "botocore": {"level": "WARNING"},
        "boto3": {"level": "WARNING"},
    },
}

# Imports: rows per committed batch (a killed worker loses at most one), and the largest file taken.
COMPTOIR_IMPORT_BATCH_ROWS = env_int("COMPTOIR_IMPORT_BATCH_ROWS", 5000)
# Issue 25: customers' duplicates found by joining each batch's keys to the indexes (False: the row-by-row
# lookups), and on PostgreSQL the next batch read and checked while the database writes this one.
COMPTOIR_IMPORT_SET_BASED = env_bool("COMPTOIR_IMPORT_SET_BASED", True)
COMPTOIR_IMPORT_OVERLAP = env_bool("COMPTOIR_IMPORT_OVERLAP", True)
COMPTOIR_IMPORT_MAX_MB = env_int("COMPTOIR_IMPORT_MAX_MB", 200)
COMPTOIR_IMPORT_DIR = VAR_DIR / "imports"
# The address customers reach Comptoir at: the links in emails (quotes, tracking pixels, unsubscribing)
# start with it. Unset, it is the address served: `comptoir serve --host H --port P` gives http://H:P to its
# web server and worker, a lone `comptoir worker` reads HOST and PORT (config.env.public_url). Its host is
# then allowed too (unless ALLOWED_HOSTS is set), so those links open.
COMPTOIR_PUBLIC_URL = public_url()
# Whether COMPTOIR_PUBLIC_URL was given: when not, `comptoir serve` gives its children the address it serves.
COMPTOIR_PUBLIC_URL_GIVEN = env_str("COMPTOIR_PUBLIC_URL") is not None
if not env_str("ALLOWED_HOSTS"):
    _public_host = urlsplit(COMPTOIR_PUBLIC_URL).hostname or ""
    _public_host = f"[{_public_host}]" if ":" in _public_host else _public_host
    if _public_host and _public_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS = [*ALLOWED_HOSTS, _public_host]

# `comptoir serve`: the address it listens on unless --host/--port say otherwise (`make run` passes HOST and
# PORT), gunicorn's web workers unless --workers does (WEB_CONCURRENCY, as platforms set it; else 2 × cores
# + 1), and the addresses of the proxies whose X-Forwarded-* headers gunicorn trusts (comma-separated, * for any).
COMPTOIR_HOST = served_host()
COMPTOIR_PORT = served_port()
COMPTOIR_WEB_WORKERS = env_int("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1)
COMPTOIR_FORWARDED_ALLOW_IPS = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# `comptoir demo`'s size unless --scale says otherwise: DEMO_SCALE, read when the demo loads.
COMPTOIR_DEMO_SCALE = demo_scale

# Messaging: at most this many emails (and as many texts) leave per minute, across every worker; a
# failed send is retried after 1, 2, 4... times the delay, up to the attempts; provider webhooks sign
# their body with the secret; replies go to COMPTOIR_EMAIL_REPLY_TO (a mailbox `comptoir fetch-mail`
# reads, COMPTOIR_IMAP_URL) or, when unset, to the salesperson's own address.
COMPTOIR_MESSAGES_PER_MINUTE = env_int("COMPTOIR_MESSAGES_PER_MINUTE", 60)
COMPTOIR_MESSAGE_MAX_ATTEMPTS = env_int("COMPTOIR_MESSAGE_MAX_ATTEMPTS", 5)
COMPTOIR_MESSAGE_RETRY_SECONDS = env_int("COMPTOIR_MESSAGE_RETRY_SECONDS", 60)
COMPTOIR_EMAIL_WEBHOOK_SECRET = env_str("COMPTOIR_EMAIL_WEBHOOK_SECRET", "")
COMPTOIR_EMAIL_REPLY_TO = env_str("COMPTOIR_EMAIL_REPLY_TO", "")
COMPTOIR_IMAP_URL = env_str("COMPTOIR_IMAP_URL", "")
COMPTOIR_SMS_BACKEND = env_str("COMPTOIR_SMS_BACKEND", "comptoir.messaging.sms.LoggingBackend")
COMPTOIR_SMS_FROM = env_str("COMPTOIR_SMS_FROM", "")

# Attachments on customers and opportunities: the largest file, the kinds taken (each checked by its content,
# not its name: comptoir/attachments/kinds.py), and how many days a link sent to a customer works.
COMPTOIR_ATTACHMENT_MAX_BYTES = env_int("COMPTOIR_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
COMPTOIR_ATTACHMENT_TYPES = env_list("COMPTOIR_ATTACHMENT_TYPES", [
    "pdf", "jpeg", "png", "webp", "heic", "gif", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt", "csv"])
COMPTOIR_ATTACHMENT_LINK_DAYS = env_int("COMPTOIR_ATTACHMENT_LINK_DAYS", 7)
# Uploaded files (attachments, user photos) go to var/media, or to an S3-compatible bucket when one is named
# (django-storages; the keys may also come from boto3's own chain: AWS_* variables, an instance role).
COMPTOIR_S3_BUCKET = env_str("COMPTOIR_S3_BUCKET", "")
if COMPTOIR_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": COMPTOIR_S3_BUCKET,
            "endpoint_url": env_str("COMPTOIR_S3_ENDPOINT_URL"),
            "region_name": env_str("COMPTOIR_S3_REGION"),
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            # Private objects, reached only through Comptoir (which checks who asks) or a signed URL.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
