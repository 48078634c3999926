"""Quiet hours: non-urgent e-mail and SMS wait until the recipient's quiet hours end.

Times are local (the district's time zone, core.periods). A window may cross midnight
(22:00–08:00, the default) or not (12:00–14:00)."""

import datetime

from core import periods
from notifications.conf import conf


def default_quiet_hours() -> tuple[datetime.time, datetime.time]:
    """The quiet hours of a user who has not chosen their own (REDGRID_NOTIFICATIONS_QUIET_HOURS)."""
    start, end = conf.QUIET_HOURS
    return datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)


def quiet_until(
    now: datetime.datetime,
    start: datetime.time,
    end: datetime.time,
) -> datetime.datetime | None:
    """The aware datetime when the quiet window containing `now` ends, or None if `now` is
    outside the window (or the window is empty)."""
    if start == end:
        return None
    local = periods.local(now)
    tz = local.tzinfo
    t = local.time()
    today = local.date()
    if start < end:
        inside = start <= t < end
        end_day = today
    else:  # crosses midnight
        inside = t >= start or t < end
        end_day = today + datetime.timedelta(days=1) if t >= start else today
    if not inside:
        return None
    return datetime.datetime.combine(end_day, end).replace(tzinfo=tz)


def quiet_until_for(now, preference) -> datetime.datetime | None:
    """Quiet-hours end for a user's preference object (None: the defaults apply)."""
    if preference is None:
        start, end = default_quiet_hours()
        return quiet_until(now, start, end)
    if not preference.quiet_hours_enabled:
        return None
    return quiet_until(now, preference.quiet_start, preference.quiet_end)
