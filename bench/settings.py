"""Settings of the benchmark deployment: production settings (redgrid.settings, DEBUG off, secrets
from the environment) plus the bench app (baseline views and table) and a URLconf that adds the
two baseline views. Only used by bench/run.py, bench/generate.py and the soak tests.

The only behaviour changes, both because every load generator request comes from 127.0.0.1:
the per-address submission limit is lifted (real residents come from many addresses; the
per-phone limit and the duplicate check stay on), and "testserver" is an allowed host for the
in-process query counting.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("REDGRID_HTTPS", "0")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/redgrid_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/9")

from redgrid.settings import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
# One load client from one address: the per-address limits would measure 429s, not pages.
REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (10**9, 3600)
REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS = (10**9, 600)
REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS_MISSES = (10**9, 600)
CACHES["default"]["KEY_PREFIX"] = "redgrid-bench"  # noqa: F405
LOGGING["root"]["level"] = os.environ.get("REDGRID_LOG_LEVEL", "WARNING")  # noqa: F405
