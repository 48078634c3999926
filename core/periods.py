"""Periods: the district's time zone, local days and months, and rows that are in force for a time.

**The time zone.** The district's time zone is `settings.TIME_ZONE` (Asia/Shanghai), the one
source: `time_zone()` here, and Django's `timezone.localdate()` / `localtime()` (the project never
activates another zone). Days and months run local time: a request made at 23:30 on 31 May local
time belongs to May, although it is 31 May 15:30 UTC.

**Days and months.** A day starts at its local midnight (`local_midnight`). A month is the
half-open range [first day, first day of the next month) (`month_range`, `Month`); as aware
moments, [local midnight of the first day, local midnight of the next month's first day).

**In force.** A row bounded by dates is in force on day `on` when `start <= on < end`: the start
is inclusive, the end exclusive (the first day the row is no longer in force), and no end means
open-ended. Hierarchy versions (`valid_from`/`valid_to`: redrawing a grid closes the old row on
the day the new one starts) and pairings (`end_date`: the day the pairing ended) store that end.
Terms of office and grid staff assignments store the *last day* people type in a form ("term
ends 31 December"); their querysets say `end_is_last_day = True`, so their end is the day after
that date and the same rule holds. `InForceQuerySet.in_force(on)` is the one implementation.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Self, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Sequence

_M = TypeVar("_M", bound=models.Model)


# --- The time zone and local days ----------------------------------------------------------------
def time_zone() -> ZoneInfo:
    """The district's time zone (settings.TIME_ZONE, Asia/Shanghai)."""
    return ZoneInfo(settings.TIME_ZONE)


def local(at: datetime.datetime | None = None) -> datetime.datetime:
    """`at` (default: now) as a local time in the district's time zone."""
    return timezone.localtime(at or timezone.now(), time_zone())


def local_datetime(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The aware moment of local time `at` on `day`."""
    return datetime.datetime.combine(day, at, tzinfo=time_zone())


def local_midnight(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`: where the district's days begin."""
    return local_datetime(day, datetime.time.min)


def local_start(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A period bound as an aware moment: a date is local midnight at its start; an aware
    datetime is kept as given; a naive one is read as local time."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=time_zone())
    return local_midnight(value)


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The local day of an aware datetime (a date as given)."""
    if isinstance(value, datetime.datetime):
        return local(value).date()
    return value


# --- Months --------------------------------------------------------------------------------------
def month_start(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first day of the month of a date (or of an aware datetime's local date)."""
    return local_date(day).replace(day=1)


def next_month(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first day of the month after the month of `day`."""
    return add_months(month_start(day), 1)


def previous_month(day: datetime.date | None = None) -> datetime.date:
    """The first day of the month before the month of `day` (default: today)."""
    return add_months(month_start(day or timezone.localdate()), -1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months later (earlier when negative), clamped to the month's last
    day (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - every month has 28 days


def month_range(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day of the month, first day of the next month)."""
    return month_start(day), next_month(day)


def is_whole_months(start: datetime.date, end: datetime.date) -> bool:
    """Whether [start, end) is one or more whole months."""
    return start.day == 1 and end.day == 1 and end > start


def parse_month(text: str) -> datetime.date:
    """The first day of the month "YYYY-MM" (or of the month of a date "YYYY-MM-DD"); ValueError
    for anything else, and for years outside 2000–2999."""
    parts = text.strip().split("-")
    if len(parts) not in (2, 3):
        raise ValueError(text)
    year, month = int(parts[0]), int(parts[1])
    if len(parts) == 3:
        datetime.date(year, month, int(parts[2]))  # a real day, or ValueError
    if not 2000 <= year <= 2999:
        raise ValueError(text)
    return datetime.date(year, month, 1)


@dataclass(frozen=True)
class Month:
    """One calendar month: [start, end) as dates (`end` is the next month's first day)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, day: datetime.date) -> "Month":
        return cls(*month_range(day))

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def previous(self) -> "Month":
        return Month.of(previous_month(self.start))

    def aware_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[local midnight of the first day, local midnight of the next month's first day)."""
        return local_midnight(self.start), local_midnight(self.end)


def month_of(day: datetime.date) -> Month:
    return Month.of(day)


def months_back(day: datetime.date, count: int) -> list[Month]:
    """The `count` months ending with the month of `day`, oldest first."""
    first = add_months(month_start(day), 1 - count)
    return [Month.of(add_months(first, i)) for i in range(count)]


# --- Rows in force for a time --------------------------------------------------------------------
def in_force_q(
    on: datetime.date,
    *,
    start: str = "start_date",
    end: str = "end_date",
    end_is_last_day: bool = False,
    prefix: str = "",
) -> Q:
    """The rule of the module docstring as a condition: `start <= on < end` (no end: open-ended).
    `prefix` reaches the fields through a relation ("pairings__")."""
    before_end = f"{prefix}{end}__gte" if end_is_last_day else f"{prefix}{end}__gt"
    return Q(**{f"{prefix}{start}__lte": on}) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{before_end: on})
    )


def in_force_during_q(
    first: datetime.date,
    until: datetime.date | None,
    *,
    start: str = "start_date",
    end: str = "end_date",
    end_is_last_day: bool = False,
    prefix: str = "",
) -> Q:
    """In force on at least one day of [first, until) (`until` None: open-ended)."""
    after_first = f"{prefix}{end}__gte" if end_is_last_day else f"{prefix}{end}__gt"
    condition = Q(**{f"{prefix}{end}__isnull": True}) | Q(**{after_first: first})
    if until is not None:
        condition &= Q(**{f"{prefix}{start}__lt": until})
    return condition


class InForceQuerySet(models.QuerySet[_M]):
    """Rows in force on a day (the module's rule). Subclasses name their fields."""

    start_field: ClassVar[str] = "start_date"
    end_field: ClassVar[str] = "end_date"
    # True where the stored end is the last day in force (terms, assignments).
    end_is_last_day: ClassVar[bool] = False

    def in_force(self, on: datetime.date | None = None) -> Self:
        """The rows in force on `on` (default: today, local time)."""
        return self.filter(self.in_force_q(on or timezone.localdate()))

    def in_force_during(self, first: datetime.date, until: datetime.date | None) -> Self:
        """The rows in force on at least one day of [first, until)."""
        return self.filter(
            in_force_during_q(
                first,
                until,
                start=self.start_field,
                end=self.end_field,
                end_is_last_day=self.end_is_last_day,
            )
        )

    @classmethod
    def in_force_q(cls, on: datetime.date, prefix: str = "") -> Q:
        """This model's condition, for `Count(filter=...)` or a lookup through `prefix`."""
        return in_force_q(
            on,
            start=cls.start_field,
            end=cls.end_field,
            end_is_last_day=cls.end_is_last_day,
            prefix=prefix,
        )


__all__: "Sequence[str]" = [
    "InForceQuerySet",
    "Month",
    "add_months",
    "in_force_during_q",
    "in_force_q",
    "is_whole_months",
    "local",
    "local_date",
    "local_datetime",
    "local_midnight",
    "local_start",
    "month_of",
    "month_range",
    "month_start",
    "months_back",
    "next_month",
    "parse_month",
    "previous_month",
    "time_zone",
]
