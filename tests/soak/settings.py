"""Settings of the soak runs: the benchmark deployment (production settings, bench.settings) with
a short delivery lease (a killed worker's claimed rows come back within seconds, not 5 minutes)
and an SMS backend that appends every send to a file, so that the tests can count deliveries."""

import os

os.environ.setdefault("BENCH_DB", "redgrid_soak")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/redgrid_soak")

from bench.settings import *  # noqa: E402,F403

REDGRID_NOTIFICATIONS_LEASE_SECONDS = 5
REDGRID_NOTIFICATIONS_RETRY_BASE_SECONDS = 2
REDGRID_SMS_BACKEND = "tests.soak.sink.FileSmsBackend"
REDGRID_SOAK_SINK = os.environ.get("REDGRID_SOAK_SINK", "/tmp/redgrid-soak-sms.log")
# Tight database timeouts: a request must fail fast while PostgreSQL is down, never hang.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3  # noqa: F405
