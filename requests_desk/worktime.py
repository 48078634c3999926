"""Time-limit arithmetic in working time — the only place that computes a deadline.

A working day is a weekday in conf.WORKING_WEEKDAYS that the holiday calendar does not mark as a
day off, or any day it marks as a make-up working day (调休). Working time is the periods of
conf.WORKING_PERIODS on working days, in the district's time zone (core.periods.time_zone). "N
working days" is N × the length of a working day in working hours, so a case dispatched on
Monday at 10:00 with one working day is due on Tuesday at 10:00; dispatched outside working time,
the clock starts at the next period.

The calendar covers time up to the end of its last official year (HolidayCalendarYear). Past that
end, days off are unknown and weekdays count as working days: `WorkCalendar.covers` tells whether a
deadline lies inside the calendar, and the request keeps `due_calendar_missing` so the queue says
"calendar missing" instead of showing a computed time as if it were certain.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.periods import time_zone
from requests_desk.conf import conf


@dataclass
class WorkCalendar:
    days_off: set = field(default_factory=set)
    extra_workdays: set = field(default_factory=set)
    periods: tuple = None
    weekdays: tuple = None
    tz: ZoneInfo = None
    # The last day the holiday calendar covers (None: no official year loaded).
    covered_until: datetime.date | None = None

    def __post_init__(self):
        self.periods = self.periods or tuple(conf.WORKING_PERIODS)
        self.weekdays = self.weekdays if self.weekdays is not None else tuple(conf.WORKING_WEEKDAYS)
        self.tz = self.tz or time_zone()

    @classmethod
    def load(cls, start: datetime.date | None = None, days: int = 400) -> "WorkCalendar":
        """The calendar from the Holiday table (one query) for `days` days from `start`."""
        from requests_desk.models import Holiday, holiday_calendar_covered_until

        qs = Holiday.objects.all()
        if start is not None:
            qs = qs.filter(
                date__gte=start - datetime.timedelta(days=1),
                date__lte=start + datetime.timedelta(days=days),
            )
        off, work = set(), set()
        for date, kind in qs.values_list("date", "kind"):
            (off if kind == Holiday.Kind.OFF else work).add(date)
        return cls(
            days_off=off, extra_workdays=work, covered_until=holiday_calendar_covered_until()
        )

    def covers(self, moment: datetime.datetime) -> bool:
        """Whether `moment` falls on a day the holiday calendar covers."""
        return self.covered_until is not None and (
            moment.astimezone(self.tz).date() <= self.covered_until
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.days_off:
            return False
        return day.weekday() in self.weekdays

    @property
    def hours_per_day(self) -> float:
        return sum((_seconds(end) - _seconds(start)) for start, end in self.periods) / 3600

    def _intervals(self, day: datetime.date):
        for start, end in self.periods:
            yield (
                datetime.datetime.combine(day, start, tzinfo=self.tz),
                datetime.datetime.combine(day, end, tzinfo=self.tz),
            )

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment `hours` of working time after `start` (an aware datetime)."""
        if hours < 0:
            raise ValueError("hours must not be negative")
        remaining = datetime.timedelta(hours=hours)
        cursor = start.astimezone(self.tz)
        day = cursor.date()
        for _ in range(3700):  # ten years of days: a calendar with no working day is an error
            if self.is_working_day(day):
                for period_start, period_end in self._intervals(day):
                    if cursor >= period_end:
                        continue
                    begin = max(cursor, period_start)
                    available = period_end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    cursor = period_end
            day += datetime.timedelta(days=1)
            cursor = datetime.datetime.combine(day, datetime.time(0), tzinfo=self.tz)
        raise ValueError("no working time in the calendar")

    def add_limit(self, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
        if unit == "days":
            return self.add_working_hours(start, amount * self.hours_per_day)
        return self.add_working_hours(start, amount)

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working hours elapsed from `start` to `end` (0 if end ≤ start)."""
        if end <= start:
            return 0.0
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total = datetime.timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for period_start, period_end in self._intervals(day):
                    begin, finish = max(start, period_start), min(end, period_end)
                    if finish > begin:
                        total += finish - begin
            day += datetime.timedelta(days=1)
        return total.total_seconds() / 3600


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def due_at(start: datetime.datetime, category, calendar: WorkCalendar | None = None):
    """The deadline for a case of sub-class `category` whose clock starts at `start`."""
    if not category.limit_amount:
        return None
    calendar = calendar or WorkCalendar.load(start.astimezone(time_zone()).date())
    return calendar.add_limit(start, category.limit_amount, category.limit_unit)
