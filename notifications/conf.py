"""Settings of the notifications app (REDGRID_NOTIFICATIONS_*; how settings work:
core/appsettings.py). The SMS gateway is a deployment setting, REDGRID_SMS_BACKEND, in
redgrid/settings.py."""

from core.appsettings import AppSettings, Setting, clock_range, positive


class NotificationsSettings(AppSettings):
    prefix = "REDGRID_NOTIFICATIONS_"

    BATCH_SIZE = Setting(50, "Outbox rows one delivery round claims at once.", check=positive)
    # A worker killed mid-batch leaves its claimed-but-unsent rows; another worker takes them
    # after this delay.
    LEASE_SECONDS = Setting(
        300,
        "How long a claimed outbox row stays reserved for the worker that claimed it, in seconds.",
        check=positive,
    )
    MAX_ATTEMPTS = Setting(
        6,
        "Failed sends after which an outbox row is marked failed (the admin can retry it).",
        check=positive,
    )
    RETRY_BASE_SECONDS = Setting(
        60,
        "Backoff: attempt n waits this × 4^(n-1) seconds (60 s, 4 min, 16 min, 64 min, …).",
        check=positive,
    )
    # The next beat tick continues, so a large backlog never holds a worker for long.
    TIME_BUDGET = Setting(
        50.0,
        "Seconds after which one delivery task stops claiming new batches.",
        check=positive,
    )
    REMINDER_CHUNK_SIZE = Setting(
        2000,
        "Due reminders are read and written in chunks of this size (never all in memory).",
        check=positive,
    )
    QUIET_HOURS = Setting(
        ("22:00", "08:00"),
        "Default quiet hours (local time) of a user who has not chosen their own; non-urgent "
        "e-mail and SMS wait until they end.",
        check=clock_range,
    )


conf = NotificationsSettings()
