"""One env-driven settings module. With nothing set it runs on SQLite, in-memory layers and a console
mailer; DATABASE_URL / REDIS_URL switch it to Postgres and Redis (see README, Configuration). Test-only
values live in tests/settings.py (pytest's DJANGO_SETTINGS_MODULE), never here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
_DEV_SECRET_KEY = "dev-insecure-markaz-secret-key-change-me-0123456789abcdef"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    # production never signs sessions and tokens with a key from the repository or a short one
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG=false needs DJANGO_SECRET_KEY: a random value of 50+ characters")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"])
CORS_URLS_REGEX = r"^/(api|healthz|readyz)/?.*$"
# a browser may send Idempotency-Key and read whether an answer was replayed (core/idempotency.py)
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key")
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed"]

INSTALLED_APPS = [
    "daphne",
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "ninja",  # serves the Swagger assets locally: the docs render without internet
    "channels",
    "django_q",
    "core",
    "realtime",
    "modules.center",  # the center's settings: below every module
    "modules.accounts",
    "modules.audit",
    "modules.courses",
    "modules.lessons",
    "modules.attendance",
    "modules.resources",
    "modules.homework",
    "modules.payments",
    "modules.gamification",
    "modules.notifications",
    "modules.crm",
    "modules.payroll",
    "modules.backoffice",  # the admin dashboard: a read model over every module, imported by none
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.ApiJsonErrorsMiddleware",
    "core.middleware.RefuseNulInPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # cookie, then Accept-Language (core/i18n.py)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.i18n.UserLanguageMiddleware",  # the signed-in user's `language` when no cookie chose one
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "modules.audit.middleware.AuditContextMiddleware",  # write requests open an audit context
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["modules.accounts.backends.EmailOrPhoneBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
IS_POSTGRES = "postgresql" in _db["ENGINE"]
if IS_POSTGRES:
    _db["ENGINE"] = "core.postgres"  # Django's backend with psycopg's C timestamp loader (core/postgres/)
# The worker (qcluster) must keep connections open and must not use psycopg's pool: with the pool its
# forked workers stall, and with CONN_MAX_AGE=0 the ORM broker reconnects for every task (see
# docs/deployment.md, Traps). Web processes (gunicorn workers, daphne) opt into the pool with
# DB_POOL=true: one pool per process, at most DB_POOL_MAX connections, which is what bounds a process
# (gunicorn's threads are sized to it). core/checks.py refuses a layout whose processes × pool
# cannot fit the server's max_connections (docs/deployment-processes.md).
DB_POOL_MAX = env.int("DB_POOL_MAX", default=env.int("WEB_THREADS", default=8))
# The few hot statements that prepare on Postgres (core/postgres/prepared.py); false behind a pooler
# in transaction mode that cannot keep prepared statements.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
if IS_POSTGRES and env.bool("DB_POOL", default=False):
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DB_POOL_MAX),
        "max_size": DB_POOL_MAX,
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),  # seconds a request waits for a connection
    }
else:
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
# The process layout the connection budget is checked against (core/checks.py): gunicorn reads
# WEB_CONCURRENCY itself; WS_PROCESSES daphnes; the qcluster holds Q_WORKERS + 3 connections.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=2)
WS_PROCESSES = env.int("WS_PROCESSES", default=1)
DB_MAX_CONNECTIONS = env.int("DB_MAX_CONNECTIONS", default=0)  # 0 = ask the server
if _db["ENGINE"].endswith("sqlite3"):
    _db.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    _db["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, channels, throttling ------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # one connection pool per process for cache, throttles and tickets (core/redis_pool.py)
            "BACKEND": "core.redis_pool.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="markaz"),
            "OPTIONS": {
                "max_connections": env.int("REDIS_POOL_MAX", default=50),
                "timeout": env.int("REDIS_POOL_TIMEOUT", default=5),
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer never drops group messages at a capacity and its group_send stays flat
            # with group size; max_connections is raised past redis-py's burst limit (docs/deployment.md, Traps).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 1000}],
                # Redis pub/sub ignores the database number: without a per-database prefix two
                # deployments (or test runs) on redis://h/1 and redis://h/2 would hear each other.
                "prefix": env.str(
                    "CHANNELS_PREFIX", default=f"markaz{urlparse(REDIS_URL).path.strip('/') or 0}."
                ),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Trusted reverse proxies in front of daphne (core/net.py). 0 = none: X-Forwarded-For is ignored and
# the TCP peer is the client. Set it to the number of proxies that append to X-Forwarded-For.
NINJA_NUM_PROXIES = env.int("NINJA_NUM_PROXIES", default=0)
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100
THROTTLE_RATES = {
    "login_ip": env.str("THROTTLE_LOGIN_IP", default="30/min"),
    "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="10/min"),
    "register": env.str("THROTTLE_REGISTER", default="10/hour"),
    "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
    # reset mails one account may be sent, whoever asks and however the login is spelled
    "password_reset_account": env.str("THROTTLE_PASSWORD_RESET_ACCOUNT", default="3/hour"),
    "user": env.str("THROTTLE_USER", default="600/min"),
}

# --- tasks ----------------------------------------------------------------------------------------
Q_CLUSTER = {
    "name": "markaz",
    "orm": "default",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 120,
    "retry": 180,  # larger than timeout, or django-q2 re-runs long tasks
    "max_attempts": 3,
    "queue_limit": 100,
    "bulk": 10,
    "poll": 0.2,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "sync": env.bool("Q_SYNC", default=False),  # true runs tasks in the caller (tests/settings.py)
}

# --- auth -----------------------------------------------------------------------------------------
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default=SECRET_KEY)
JWT_ACCESS_TTL = timedelta(seconds=env.int("JWT_ACCESS_TTL", default=900))
JWT_REFRESH_TTL = timedelta(seconds=env.int("JWT_REFRESH_TTL", default=30 * 24 * 3600))
# Two tabs refreshing at once: within this window the just-rotated refresh token gets the same new
# pair instead of revoking the session (0 turns the grace off; docs/frontend-auth.md).
JWT_REFRESH_REUSE_GRACE = timedelta(seconds=env.int("JWT_REFRESH_REUSE_GRACE_SECONDS", default=30))
PASSWORD_RESET_TTL = timedelta(hours=env.int("PASSWORD_RESET_TTL_HOURS", default=2))
EMAIL_VERIFICATION_TTL = timedelta(days=3)
FRONTEND_URL = env.str("FRONTEND_URL", default="http://localhost:3000")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n, time -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language named in itself (the switcher's labels). Uzbek is Latin script (docs/i18n.md).
LANGUAGES = [("uz", "O‘zbekcha"), ("ru", "Русский"), ("en", "English")]
# The project's catalog (locale/<lang>/), then the gaps of Unfold's and Django's (locale/vendor/<lang>/);
# the first to translate a string wins, the installed apps' own catalogs come after both.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tashkent")
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Finders keep the admin and API docs working under daphne even before collectstatic has run.
WHITENOISE_USE_FINDERS = True
STORAGE_S3_BUCKET = env.str("STORAGE_S3_BUCKET", default="")
# Links to private files for <img>/<audio>/<a> live this long, rounded up to a minute (core/signed_files.py)
SIGNED_FILE_TTL = timedelta(seconds=env.int("SIGNED_FILE_TTL_SECONDS", default=300))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env.str("STORAGE_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("STORAGE_S3_ACCESS_KEY", default=None),
            "secret_key": env.str("STORAGE_S3_SECRET_KEY", default=None),
            "region_name": env.str("STORAGE_S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,  # downloads are short-lived signed URLs, never public
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
# Body caps, enforced in front of Django by core/bodylimit.py (413 before the body is read): non-file
# bodies DATA_UPLOAD_MAX_MEMORY_SIZE; multipart uploads REQUEST_MAX_UPLOAD_MB (keep it at or above the
# system settings' max_upload_mb). Files above FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REQUEST_MAX_UPLOAD_BYTES = env.int("REQUEST_MAX_UPLOAD_MB", default=64) * 1024 * 1024

# --- email ----------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Markaz <no-reply@markaz.uz>")

# --- providers (unset credentials = provider disabled, never a crash) -------------------------------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
TRANSCRIPTION_MODEL = env.str("TRANSCRIPTION_MODEL", default="whisper-1")
PAYME_MERCHANT_ID = env.str("PAYME_MERCHANT_ID", default="")
PAYME_KEY = env.str("PAYME_KEY", default="")
PAYME_CHECKOUT_URL = env.str("PAYME_CHECKOUT_URL", default="https://checkout.paycom.uz")
# Payme fiscal receipt defaults (per course: payments' CourseFiscalProfile); no IKPU = no `detail`
PAYME_IKPU_CODE = env.str("PAYME_IKPU_CODE", default="")
PAYME_PACKAGE_CODE = env.str("PAYME_PACKAGE_CODE", default="")
PAYME_VAT_PERCENT = env.int("PAYME_VAT_PERCENT", default=0)
CLICK_SERVICE_ID = env.str("CLICK_SERVICE_ID", default="")
CLICK_MERCHANT_ID = env.str("CLICK_MERCHANT_ID", default="")
CLICK_MERCHANT_USER_ID = env.str("CLICK_MERCHANT_USER_ID", default="")
CLICK_SECRET_KEY = env.str("CLICK_SECRET_KEY", default="")
CLICK_CHECKOUT_URL = env.str("CLICK_CHECKOUT_URL", default="https://my.click.uz/services/pay")
UZUM_SERVICE_ID = env.str("UZUM_SERVICE_ID", default="")
UZUM_LOGIN = env.str("UZUM_LOGIN", default="")
UZUM_PASSWORD = env.str("UZUM_PASSWORD", default="")
UZUM_CHECKOUT_URL = env.str("UZUM_CHECKOUT_URL", default="https://www.uzumbank.uz/open-service")
ESKIZ_EMAIL = env.str("ESKIZ_EMAIL", default="")
ESKIZ_PASSWORD = env.str("ESKIZ_PASSWORD", default="")
ESKIZ_BASE_URL = env.str("ESKIZ_BASE_URL", default="https://notify.eskiz.uz/api")
ESKIZ_FROM = env.str("ESKIZ_FROM", default="4546")
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
# notifications: Eskiz delivery reports (our public URL of /api/v1/notifications/sms/callback; unset =
# no reports), delivery attempts before a message is given up, Telegram's overall send rate.
ESKIZ_CALLBACK_URL = env.str("ESKIZ_CALLBACK_URL", default="")
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
TELEGRAM_MAX_PER_SECOND = env.int("TELEGRAM_MAX_PER_SECOND", default=30)

# --- security (production values come from env; `check --deploy` is clean with them) ----------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # nothing here is meant to be framed (the admin uses no iframes)

# --- logging --------------------------------------------------------------------------------------
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_JSON else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- admin ----------------------------------------------------------------------------------------
UNFOLD = {
    "SITE_TITLE": "Markaz",
    "SITE_HEADER": "Markaz",
    "SITE_SUBHEADER": _("Education center"),
    "SITE_SYMBOL": "school",
    "DASHBOARD_CALLBACK": "modules.backoffice.admin.dashboard_callback",
    "SHOW_HISTORY": True,
    "SHOW_LANGUAGES": True,  # the switcher posts to /i18n/setlang/ (core/urls.py)
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "core.admin_nav.environment_badge",
    "LOGIN": {"form": "core.admin_login.AdminLoginForm"},  # email or phone, as the API's login
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        # grouped by area, each entry shown only to users its ModelAdmin lets view it
        "navigation": "core.admin_nav.sidebar_navigation",
    },
}
