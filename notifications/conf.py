"""Settings of the notifications app, with their defaults (override in redgrid/settings.py or the
environment-driven settings module of a deployment)."""

import datetime

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def batch_size() -> int:
    """Rows one delivery round claims at once."""
    return _get("REDGRID_NOTIFY_BATCH_SIZE", 50)


def lease_seconds() -> int:
    """How long a claimed row stays reserved for the worker that claimed it. A worker killed
    mid-batch leaves its claimed-but-unsent rows; another worker takes them after this delay."""
    return _get("REDGRID_NOTIFY_LEASE_SECONDS", 300)


def max_attempts() -> int:
    """After this many failed sends a row is marked failed (visible in the admin for a retry)."""
    return _get("REDGRID_NOTIFY_MAX_ATTEMPTS", 6)


def retry_base_seconds() -> int:
    """Backoff: attempt n waits base × 4^(n-1) seconds (60 s, 4 min, 16 min, 64 min, …)."""
    return _get("REDGRID_NOTIFY_RETRY_BASE_SECONDS", 60)


def delivery_time_budget() -> float:
    """One delivery task stops claiming new batches after this many seconds (the next beat tick
    continues), so a large backlog never holds a worker for long."""
    return _get("REDGRID_NOTIFY_TIME_BUDGET", 50.0)


def reminder_chunk_size() -> int:
    """Due reminders are read and written in chunks of this size (never all in memory)."""
    return _get("REDGRID_REMINDER_CHUNK_SIZE", 2000)


def default_quiet_hours() -> tuple[datetime.time, datetime.time]:
    start, end = _get("REDGRID_QUIET_HOURS", ("22:00", "08:00"))
    return datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)


def sms_backend_path() -> str:
    return _get("REDGRID_SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
