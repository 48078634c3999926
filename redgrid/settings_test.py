"""Test settings: the production module, tuned for speed only (fast hasher, in-memory mail)."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("REDGRID_FIELD_KEYS", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE=")
os.environ.setdefault("REDGRID_HTTPS", "0")
# No connect timeout in tests: psycopg measures it with the clock that time-machine freezes.
os.environ.setdefault("DB_CONNECT_TIMEOUT", "0")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/redgrid")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")

from redgrid.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# WhiteNoise looks a static file up when it is asked for, not by listing every app's static files
# (and STATIC_ROOT's) each time a middleware chain is built: every test client builds one, and the
# listing cost 40-120 ms of each (a tenth of the suite). Production lists them once per process.
WHITENOISE_AUTOREFRESH = True
CACHES["default"]["KEY_PREFIX"] = f"redgrid-test-{os.getpid()}"  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Not behind PgBouncer, which refuses startup options (tests/reliability/test_pgbouncer.py's
# clients): the suite itself connects directly, as its flushes need this.
if IS_POSTGIS and not DB_POOLER:  # noqa: F405
    # Lets the test runner TRUNCATE the append-only audit log between browser tests (only that;
    # row updates and deletes stay refused). See privacy/migrations/0003.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c redgrid.audit_maintenance=on").strip()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing root

# Parallel test workers (pytest-xdist) each get their own Redis database for the cache: tests clear
# the cache between them, and a FLUSHDB from one worker must not wipe another worker's rate-limit
# or lock-out counters mid-test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(CACHES["default"]["LOCATION"])  # noqa: F405
    _base_db = int(_url.path.strip("/") or 0)
    _db = (_base_db - int(_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405
