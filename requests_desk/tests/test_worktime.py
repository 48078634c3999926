import datetime
from zoneinfo import ZoneInfo

import pytest

from requests_desk.worktime import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def cal():
    # 2025-10-01..08 off (National Day), 2025-10-11 (Saturday) a make-up working day.
    off = {datetime.date(2025, 10, d) for d in (1, 2, 3, 6, 7, 8)}
    return WorkCalendar(days_off=off, extra_workdays={datetime.date(2025, 10, 11)})


def test_hours_within_one_morning(cal):
    assert cal.add_working_hours(at(2025, 9, 15, 9), 2) == at(2025, 9, 15, 11)


def test_hours_skip_the_lunch_break(cal):
    # Monday 11:00 + 2 h: 1 h before lunch, 1 h after 14:00.
    assert cal.add_working_hours(at(2025, 9, 15, 11), 2) == at(2025, 9, 15, 15)


def test_reported_in_the_evening_starts_next_morning(cal):
    assert cal.add_working_hours(at(2025, 9, 15, 20), 4) == at(2025, 9, 16, 15)


def test_friday_afternoon_rolls_over_the_weekend(cal):
    # Friday 2025-09-19 17:00 + 4 h: 1 h Friday, 3 h Monday morning.
    assert cal.add_working_hours(at(2025, 9, 19, 17), 4) == at(2025, 9, 22, 12)


def test_saturday_report_waits_for_monday(cal):
    assert cal.add_working_hours(at(2025, 9, 20, 10), 2) == at(2025, 9, 22, 11)


def test_holidays_are_skipped_and_make_up_saturday_counts(cal):
    # Tuesday 2025-09-30 17:00 + 4 h: 1 h on the 30th; Oct 1–8 are off except the weekend
    # (4, 5 are Sat/Sun, also off) → continues Thursday Oct 9 09:00 for 3 h.
    assert cal.add_working_hours(at(2025, 9, 30, 17), 4) == at(2025, 10, 9, 12)
    # Friday Oct 10 17:00 + 2 h: 1 h Friday, 1 h on the make-up Saturday Oct 11.
    assert cal.add_working_hours(at(2025, 10, 10, 17), 2) == at(2025, 10, 11, 10)


def test_working_days_are_seven_hours_each(cal):
    assert cal.hours_per_day == 7
    assert cal.add_limit(at(2025, 9, 15, 10), 1, "days") == at(2025, 9, 16, 10)
    # 20 working days from Monday 2025-09-15 10:00 crosses the National Day holiday.
    due = cal.add_limit(at(2025, 9, 15, 10), 20, "days")
    assert due == at(2025, 10, 20, 10)


def test_working_hours_between(cal):
    assert cal.working_hours_between(at(2025, 9, 19, 17), at(2025, 9, 22, 12)) == 4
    assert cal.working_hours_between(at(2025, 9, 22, 12), at(2025, 9, 19, 17)) == 0


def test_calendar_loads_holidays_from_the_table(db):
    from requests_desk.models import Holiday

    Holiday.objects.update_or_create(
        date=datetime.date(2030, 5, 6), defaults={"kind": Holiday.Kind.OFF, "name": "测试"}
    )
    Holiday.objects.update_or_create(
        date=datetime.date(2030, 5, 11), defaults={"kind": Holiday.Kind.WORKDAY, "name": "调休"}
    )
    cal = WorkCalendar.load(datetime.date(2030, 5, 1))
    assert not cal.is_working_day(datetime.date(2030, 5, 6))  # a Monday off
    assert cal.is_working_day(datetime.date(2030, 5, 11))  # a Saturday at work
