"""Opening hours: when a service position is open.

The rule, in one place: a weekly interval on weekday W opens at `opens` on each date with that
weekday and closes at `closes` the same day, or the next day when `closes <= opens` (it crosses
midnight). A dated exception replaces the weekly intervals that *start* on its date: either closed
all day or one special interval (which may also cross midnight). An overnight interval that started
the day before is therefore not cut by a holiday closure on the following date.

`opening_intervals` turns the rule into concrete Asia/Shanghai intervals; `is_open_at` and the
booking check use it. `open_at_q` is the same rule as one SQL condition for list filtering (one
query, no per-row work); tests check both agree.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q

from core.periods import local, local_datetime


def local_interval(day: datetime.date, opens: datetime.time, closes: datetime.time):
    """[opens, closes) on `day` as aware moments; a `closes` at or before `opens` is the next
    day's (an interval that crosses midnight)."""
    end_day = day + datetime.timedelta(days=1) if closes <= opens else day
    return local_datetime(day, opens), local_datetime(end_day, closes)


def opening_intervals(
    hours: Iterable, exceptions: Iterable, start: datetime.date, end: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Concrete opening intervals that start on the dates start..end (inclusive), sorted.

    `hours`: objects with weekday/opens/closes; `exceptions`: objects with date/is_closed/opens/
    closes (e.g. a position's prefetched `opening_hours` and `opening_exceptions`).
    """
    by_weekday: dict[int, list] = {}
    for h in hours:
        by_weekday.setdefault(h.weekday, []).append(h)
    by_date = {e.date: e for e in exceptions if start <= e.date <= end}
    result = []
    day = start
    while day <= end:
        exception = by_date.get(day)
        if exception is not None:
            if not exception.is_closed:
                result.append(local_interval(day, exception.opens, exception.closes))
        else:
            for h in by_weekday.get(day.weekday(), ()):
                result.append(local_interval(day, h.opens, h.closes))
        day += datetime.timedelta(days=1)
    return sorted(result)


def is_open_at(hours: Iterable, exceptions: Iterable, at: datetime.datetime | None = None) -> bool:
    """Whether the position is open at `at` (default now), in Asia/Shanghai time."""
    at = local(at)
    today = at.date()
    intervals = opening_intervals(
        list(hours), list(exceptions), today - datetime.timedelta(days=1), today
    )
    return any(s <= at < e for s, e in intervals)


def covering_interval(
    hours: Iterable, exceptions: Iterable, starts_at: datetime.datetime, ends_at: datetime.datetime
):
    """The opening interval that contains all of [starts_at, ends_at), or None."""
    first = local(starts_at).date() - datetime.timedelta(days=1)
    last = local(ends_at).date()
    for s, e in opening_intervals(list(hours), list(exceptions), first, last):
        if s <= starts_at and ends_at <= e:
            return s, e
    return None


def _within(opens, closes, t) -> Q:
    """`t` lies in the part of [opens, closes) that falls on the interval's first day."""
    return Q(**{f"{opens}__lte": t}) & (
        Q(**{f"{closes}__gt": t}) | Q(**{f"{closes}__lte": F(opens)})
    )


def _spill(opens, closes, t) -> Q:
    """`t` lies in the after-midnight part of an interval that crosses midnight."""
    return Q(**{f"{closes}__lte": F(opens)}) & Q(**{f"{closes}__gt": t})


def open_at_q(at: datetime.datetime | None = None) -> Q:
    """A condition on ServicePosition: open at `at` (default now). The rule of `opening_intervals`."""
    from service_points.models import OpeningException, OpeningHours

    at = local(at)
    today = at.date()
    yesterday = today - datetime.timedelta(days=1)
    t = at.time().replace(microsecond=0)
    hours = OpeningHours.objects.filter(position=OuterRef("pk"))
    exceptions = OpeningException.objects.filter(position=OuterRef("pk"))
    special = exceptions.filter(is_closed=False)
    return (
        (
            Exists(hours.filter(Q(weekday=today.weekday()) & _within("opens", "closes", t)))
            & ~Exists(exceptions.filter(date=today))
        )
        | (
            Exists(hours.filter(Q(weekday=yesterday.weekday()) & _spill("opens", "closes", t)))
            & ~Exists(exceptions.filter(date=yesterday))
        )
        | Exists(special.filter(Q(date=today) & _within("opens", "closes", t)))
        | Exists(special.filter(Q(date=yesterday) & _spill("opens", "closes", t)))
    )
