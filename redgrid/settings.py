"""RedGrid settings, read from environment variables (see docs/configuration.md).

The same module serves every deployment. Without DATABASE_URL the site runs on an embedded SpatiaLite
file and an embedded (filesystem) Celery broker, which is what `make run` uses; production and the
test suite point DATABASE_URL at PostGIS and CELERY_BROKER_URL / REDIS_URL at Redis.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from redgrid.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REDGRID_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key" if DEBUG else None)
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    # Django's form templates, found through TEMPLATES so that templates/django/forms/ can replace
    # one of them (FORM_RENDERER below).
    "django.forms",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_celery_beat",
    "django_celery_results",
    "django_htmx",
    # RedGrid apps, base first: each depends only on the ones above it.
    "core",
    "privacy",
    "grids",
    "accounts",
    "notifications",
    "service_points",
    "party_branches",
    "volunteers",
    "requests_desk",
    "care",
    "patrols",
    "reports",
    "dashboards",
    # The demo data set and its load_demo command: last, since it uses every app and none uses it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses bodies over REDGRID_UPLOAD_MAX_BYTES before anything reads them (413).
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "redgrid.middleware.ContentSecurityPolicyMiddleware",
    "redgrid.middleware.RejectNulBytesMiddleware",
    "redgrid.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "redgrid.locale_middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout and second factor (after messages: it leaves one when it signs someone out).
    "accounts.middleware.SignInPolicyMiddleware",
    "accounts.middleware.AuditActorMiddleware",
    # Answers to a signed-in person or an API token are never stored by a browser or proxy.
    "core.middleware.PrivateAnswersNotStoredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Django's cookie-then-session message storage, building its cookie signer only when used.
MESSAGE_STORAGE = "core.messages.MessageStorage"

ROOT_URLCONF = "redgrid.urls"
# Widgets render through TEMPLATES: templates/django/forms/widgets/select_option.html shows an empty
# choice as 请选择 ("Please choose") instead of Django's "---------" in every select (admin too).
# core.forms_renderer: the same, with inputs, radio/checkbox options and selects built in Python
# (byte-identical HTML, one template render per widget instead of one per option; issue 17).
FORM_RENDERER = "core.forms_renderer.FastTemplatesSetting"
WSGI_APPLICATION = "redgrid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "redgrid.context_processors.site",
                "notifications.context_processors.inbox",
            ],
            # base.html's site header, kept per language and what it shows (redgrid/layout.py).
            "libraries": {"layout": "redgrid.layout"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"spatialite:///{VAR_DIR / 'redgrid.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] not in (
    "django.contrib.gis.db.backends.postgis",
    "django.contrib.gis.db.backends.spatialite",
):
    raise ImproperlyConfigured("DATABASE_URL must use the postgis:// or spatialite:// scheme.")
IS_POSTGIS = DATABASES["default"]["ENGINE"].endswith("postgis")
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 3)
if IS_POSTGIS and DB_CONNECT_TIMEOUT > 0:
    # Fail fast while PostgreSQL restarts: requests answer 503 within seconds instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
# What stands between the site and PostgreSQL (docs/deployment.md): nothing (""), or PgBouncer in
# "session" or "transaction" pool mode, each checked against Debian's PgBouncer
# (tests/reliability/test_pgbouncer.py). PgBouncer refuses a connection that carries startup options
# ("unsupported startup parameter: options"), so behind it the site does not send its JIT setting
# below: the database holds it (ALTER DATABASE … SET jit = off; `check --database default` warns,
# core.W001). In transaction mode a connection's next statement may run on another server
# connection: a server-side cursor (QuerySet.iterator: the reminders, the CSV export) loses its
# portal, and a prepared statement is not found unless PgBouncer >= 1.21 tracks it
# (max_prepared_statements). So server-side cursors are off there, and the hot reads' prepared
# statements too unless DB_PREPARE_HOT_QUERIES=1 (PgBouncer >= 1.21 with max_prepared_statements).
DB_POOLER = env_choice("DB_POOLER", "", ("", "session", "transaction"))
if IS_POSTGIS and DB_POOLER == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Server-side parameter binding: psycopg sends the parameters apart from the SQL text, so a query
# run DB_PREPARE_THRESHOLD times on one connection becomes a prepared statement and PostgreSQL stops
# re-planning it (the status page's join plans in ~4 ms and runs in ~0.4 ms; issue 17). Behind a
# pooler in transaction mode this needs PgBouncer >= 1.21 with max_prepared_statements set
# (docs/deployment.md). Off by default: Django's PostGIS backend caches the geometry type's OID
# per process and server-side binding sends it, so a re-created PostGIS extension (a restore, a
# test that migrates it away and back) fails every spatial write with "cache lookup failed for
# type" until the process restarts (seen in the full test suite; docs/benchmarks.md, issue 17).
DB_SERVER_SIDE_BINDING = env_bool("DB_SERVER_SIDE_BINDING", False)
if IS_POSTGIS and DB_SERVER_SIDE_BINDING:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 2)
    )
# PostgreSQL's JIT compiles a query once its estimated cost passes jit_above_cost: for the Open311
# list (a LIMIT over a long window, estimated high, run in 20 ms) compiling took 60 ms of its 80
# (docs/benchmarks.md, issue 17). Every query here is short; off unless DB_JIT=1.
DB_JIT = env_bool("DB_JIT", False)
if IS_POSTGIS and not DB_JIT and not DB_POOLER:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
# The few hot reads that name their columns and take plain values (core.prepared: the status
# page's change mark and data, the signed-in user's read in accounts.session_user) are prepared on
# their connection whatever the setting above says. Off by default behind a pooler in transaction
# mode, which tracks protocol-level prepared statements only from PgBouncer 1.21 on, when told to
# (docs/deployment.md).
DB_PREPARE_HOT_QUERIES = env_bool("DB_PREPARE_HOT_QUERIES", DB_POOLER != "transaction")
if not IS_POSTGIS:
    # SQLite: wait for the writer lock instead of failing at once when web, worker and beat overlap.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
SPATIALITE_LIBRARY_PATH = env_str("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.RolePermissionBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:start"
LOGOUT_REDIRECT_URL = "home"
# Every password (staff and members alike) is at least REDGRID_PASSWORD_MIN_LENGTH characters and
# not one of the 20,000 common passwords Django ships; validators run on every form that sets one.
REDGRID_PASSWORD_MIN_LENGTH = env_int("REDGRID_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": REDGRID_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_FAILURE_LIMIT = env_int("REDGRID_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("REDGRID_LOGIN_LOCKOUT_SECONDS", 900)
# Staff sessions (every role that sees staff pages) end after this many seconds without a request;
# members' sessions only after REDGRID_SESSION_SECONDS. 0 turns the idle timeout off.
REDGRID_STAFF_IDLE_SECONDS = env_int("REDGRID_STAFF_IDLE_SECONDS", 1800)
# TOTP (django-otp): the issuer shown in the authenticator app next to the login name.
OTP_TOTP_ISSUER = env_str("REDGRID_OTP_ISSUER", "RedGrid")
# Audit log (django-auditlog) of accounts and rights: foreign keys shown by name, not id.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# --- i18n: Simplified Chinese first ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private: never served under MEDIA_URL (no route has it), only through core.files.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("REDGRID_MEDIA_ROOT", str(VAR_DIR / "media")))
# Behind nginx (deploy/nginx.conf): the file view authorises, nginx sends the bytes.
REDGRID_FILES_X_ACCEL = env_bool("REDGRID_FILES_X_ACCEL", False)
STORAGES = {
    # FileSystemStorage that removes a half-written file when the disk is full (redgrid/storage.py).
    "default": {"BACKEND": "redgrid.storage.CleanFileSystemStorage"},
    # Production and `make run`: hashed file names (collectstatic writes a manifest) and
    # compressed copies; WhiteNoise serves hashed files with a far-future Cache-Control
    # ("immutable", ten years), so a browser fetches a changed file under its new name only.
    # redgrid.storage.StaticFilesStorage is WhiteNoise's, remembering each name's URL.
    "staticfiles": {
        "BACKEND": "redgrid.storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The largest request body (core.middleware answers 413 before reading a larger one); nginx's
# client_max_body_size must be the same.
REDGRID_UPLOAD_MAX_BYTES = env_int("REDGRID_UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REDGRID_UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Cache: Redis when configured, otherwise a file cache shared by the local processes ----------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDGRID_CACHE_PREFIX", "redgrid"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, a folder every local process shares (no server).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {"visibility_timeout": 3600}
)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that kicks delivery must not wait long for a broker that is down: the outbox keeps
# the message and the periodic task sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- E-mail and SMS -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "redgrid@localhost")
REDGRID_SMS_BACKEND = env_str("REDGRID_SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
# The cloud gateways (notifications/sms_cloud.py): Alibaba Cloud AccessKey or Tencent Cloud
# SecretId/SecretKey, the approved signature and template, Tencent's SmsSdkAppId and region.
REDGRID_SMS_ACCESS_KEY_ID = env_str("REDGRID_SMS_ACCESS_KEY_ID", "")
REDGRID_SMS_ACCESS_KEY_SECRET = env_str("REDGRID_SMS_ACCESS_KEY_SECRET", "")
REDGRID_SMS_SIGN_NAME = env_str("REDGRID_SMS_SIGN_NAME", "")
REDGRID_SMS_TEMPLATE = env_str("REDGRID_SMS_TEMPLATE", "")
REDGRID_SMS_TEMPLATE_PARAM = env_str("REDGRID_SMS_TEMPLATE_PARAM", "content")
REDGRID_SMS_APP_ID = env_str("REDGRID_SMS_APP_ID", "")
REDGRID_SMS_REGION = env_str("REDGRID_SMS_REGION", "ap-guangzhou")
REDGRID_SMS_ENDPOINT = env_str("REDGRID_SMS_ENDPOINT", "")
REDGRID_SMS_TIMEOUT = env_int("REDGRID_SMS_TIMEOUT", 10)
# The site's public address, for links in messages that leave it (a resident's SMS and e-mail
# notices): scheme and host, no trailing slash.
SITE_URL = env_str("REDGRID_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("REDGRID_SITE_URL must start with http:// or https://.")

# --- Sensitive personal data (PIPL) ---------------------------------------------------------------
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation: docs/configuration.md).
REDGRID_FIELD_KEYS = env_list(
    "REDGRID_FIELD_KEYS",
    ["cmVkZ3JpZC1kZXZlbG9wbWVudC1rZXktbm90LXByb2Q="] if DEBUG else [],
)
if not REDGRID_FIELD_KEYS:
    raise ImproperlyConfigured("REDGRID_FIELD_KEYS is required when DEBUG is off.")
# Key of the keyed digests that find duplicates of encrypted values. Empty: derived from the oldest
# field key. It must never change while data exists: set it explicitly in production.
REDGRID_BLIND_INDEX_KEY = env_str("REDGRID_BLIND_INDEX_KEY", "")

# --- Maps -----------------------------------------------------------------------------------------
# A tile URL template (Tianditu, AMap or OpenStreetMap style). Empty: grids draw on a blank map,
# which is what the offline demo and the tests use.
REDGRID_TILE_URL = env_str("REDGRID_TILE_URL", "")
REDGRID_TILE_ATTRIBUTION = env_str("REDGRID_TILE_ATTRIBUTION", "")
# "wgs84" or "gcj02": the datum of the configured tile layer. Data is stored in WGS-84 and shifted
# for display when the tiles are GCJ-02 (AMap, Tencent).
REDGRID_TILE_DATUM = env_str("REDGRID_TILE_DATUM", "wgs84")
if REDGRID_TILE_DATUM not in ("wgs84", "gcj02"):
    raise ImproperlyConfigured("REDGRID_TILE_DATUM must be wgs84 or gcj02.")
# Where maps open comes from the district's boundary (grids.selectors.map_view), not from here.
LEAFLET_CONFIG = {
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [(_("Map"), REDGRID_TILE_URL, {"attribution": REDGRID_TILE_ATTRIBUTION})]
    if REDGRID_TILE_URL
    else [],
    "RESET_VIEW": False,
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes "not logged in" a 401, and a 403 means
    # "logged in, not allowed" (redgrid/openapi.py documents both).
    # The token class first: its WWW-Authenticate header makes an unauthenticated call a 401
    # (not a 403), which is what clients and the OpenAPI document expect.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal API tokens (django-rest-knox: stored hashed, each with an expiry), made and
        # revoked by their owner on /accounts/tokens/.
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Documents the error answers (400/403/404/503) of every operation, see redgrid/openapi.py.
    "DEFAULT_SCHEMA_CLASS": "redgrid.openapi.ApiAutoSchema",
    # ?limit= (1–200, default 50) and ?offset=, strict and bounded (core/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    # A service's ValidationError answers 400 {field: [messages]} (core.errors).
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
}
REST_KNOX = {
    # How long a personal API token lives; its owner makes a new one before then.
    "TOKEN_TTL": datetime.timedelta(days=env_int("REDGRID_API_TOKEN_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RedGrid API",
    "DESCRIPTION": "Grid-based community governance: grids, Party branches, volunteers, "
    "service positions, residents' requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI is served from this site (no CDN): drf-spectacular-sidecar ships its files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security -------------------------------------------------------------------------------------
# HTTPS is on unless turned off explicitly (the local `make run` demo serves plain HTTP on loopback).
REDGRID_HTTPS = env_bool("REDGRID_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = REDGRID_HTTPS
SESSION_COOKIE_SECURE = REDGRID_HTTPS
CSRF_COOKIE_SECURE = REDGRID_HTTPS
SECURE_HSTS_SECONDS = env_int("REDGRID_HSTS_SECONDS", 31536000 if REDGRID_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = REDGRID_HTTPS
SECURE_HSTS_PRELOAD = REDGRID_HTTPS
REDGRID_BEHIND_PROXY = env_bool("REDGRID_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if REDGRID_BEHIND_PROXY else None
# How many trusted reverse proxies append to X-Forwarded-For in front of the site: the client
# address of every rate limit is the entry that many places from the right
# (core.ratelimit.client_address); 0 = REMOTE_ADDR.
REDGRID_PROXY_HOPS = env_int("REDGRID_PROXY_HOPS", 1 if REDGRID_BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Over HTTPS the cookies carry the "__Host-" prefix (OWASP ASVS 3.4.4): the browser then accepts
# them only from this host, with Secure and Path=/, so a sibling subdomain cannot plant or
# overwrite them.
if REDGRID_HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_AGE = env_int("REDGRID_SESSION_SECONDS", 8 * 3600)
# Django's database sessions, read with one fixed statement instead of the ORM (issue 17).
SESSION_ENGINE = "accounts.sessions"
X_FRAME_OPTIONS = "DENY"

# --- Logging: never log personal data (the privacy app's filter masks phone and ID numbers) -------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "privacy.log_filters.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("REDGRID_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Domain settings (defaults; the per-object rules live in tables) ------------------------------
# Tolerance for shared edges between neighbouring boundaries, in square degrees (about 1 m²).
REDGRID_BOUNDARY_TOLERANCE = 1e-10
# Reports: a TrueType font with Chinese glyphs for the PDFs (Debian's fonts-wqy-microhei), and the
# code version recorded in every snapshot (empty: `git describe` of the checkout).
REDGRID_PDF_FONT = env_str("REDGRID_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
REDGRID_VERSION = env_str("REDGRID_VERSION", "")
# Public pages (status page, Open311, the public map) name a unit and role ("光明社区第一网格
# 网格员"), not the staff member, unless the district opts in.
REDGRID_PUBLIC_STAFF_NAMES = env_bool("REDGRID_PUBLIC_STAFF_NAMES", False)
# Debian 12 ships GDAL 3.6, which cannot block file and network access from spatial references.
# RedGrid parses boundaries with GEOS and never hands user-supplied references to GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
