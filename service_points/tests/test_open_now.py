"""'Open now' in Asia/Shanghai time: overnight intervals and dated exceptions, in Python (detail
page, bookings) and in SQL (list filter), which must agree."""

import datetime

import pytest
import time_machine

from core.periods import time_zone
from service_points.hours import is_open_at
from service_points.models import OpeningException, ServicePosition
from service_points.selectors import positions_public
from service_points.services import opening_hours_set

TZ = time_zone()

T = datetime.time


def at(y, m, d, hh, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def night_site(positions):
    """Fri 2024-05-03 and Sat: 18:00–02:00 (overnight); Monday 09:00–12:00 and 14:00–17:30."""
    site = positions.micro
    opening_hours_set(
        position=site,
        weekly={4: [(T(18), T(2))], 5: [(T(18), T(2))], 0: [(T(9), T(12)), (T(14), T(17, 30))]},
    )
    return site


def _open(site, moment):
    in_python = is_open_at(site.opening_hours.all(), site.opening_exceptions.all(), moment)
    in_sql = positions_public(open_now=True, at=moment).filter(pk=site.pk).exists()
    assert in_python == in_sql, f"Python and SQL disagree at {moment}"
    return in_python


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2024, 5, 3, 17, 59), False),  # Friday before opening
        (at(2024, 5, 3, 18, 0), True),  # Friday evening
        (at(2024, 5, 3, 23, 59), True),
        (at(2024, 5, 4, 1, 30), True),  # Saturday small hours: Friday's interval continues
        (at(2024, 5, 4, 2, 0), False),  # closes at 02:00 sharp
        (at(2024, 5, 5, 1, 0), True),  # Sunday small hours: Saturday's interval
        (at(2024, 5, 6, 1, 0), False),  # Monday small hours: Sunday has no hours
        (at(2024, 5, 6, 11, 59), True),  # Monday morning interval
        (at(2024, 5, 6, 13, 0), False),  # lunch break
        (at(2024, 5, 6, 17, 29), True),
    ],
)
def test_open_now_follows_weekly_hours_across_midnight(night_site, moment, expected):
    assert _open(night_site, moment) is expected


def test_a_holiday_closure_closes_the_day_but_not_last_nights_interval(night_site):
    OpeningException.objects.create(
        position=night_site, date=datetime.date(2024, 5, 4), is_closed=True, note="劳动节"
    )
    assert _open(night_site, at(2024, 5, 4, 1, 0)) is True  # Friday night carries on
    assert _open(night_site, at(2024, 5, 4, 19, 0)) is False  # Saturday evening closed
    assert _open(night_site, at(2024, 5, 5, 1, 0)) is False  # so nothing spills into Sunday


def test_special_hours_replace_the_weekly_ones(night_site):
    OpeningException.objects.create(
        position=night_site,
        date=datetime.date(2024, 5, 6),
        is_closed=False,
        opens=T(20),
        closes=T(1),
        note="夜间服务",
    )
    assert _open(night_site, at(2024, 5, 6, 10, 0)) is False  # usual Monday morning replaced
    assert _open(night_site, at(2024, 5, 6, 22, 0)) is True
    assert _open(night_site, at(2024, 5, 7, 0, 30)) is True  # special interval crosses midnight


def test_open_now_uses_shanghai_time_whatever_the_clock(night_site):
    # 2024-05-03 10:30 UTC is 18:30 in Shanghai: open.
    with time_machine.travel(
        datetime.datetime(2024, 5, 3, 10, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert is_open_at(night_site.opening_hours.all(), night_site.opening_exceptions.all())
        assert night_site in positions_public(open_now=True)
    with time_machine.travel(datetime.datetime(2024, 5, 3, 3, 0, tzinfo=datetime.UTC), tick=False):
        assert night_site not in positions_public(open_now=True)
        # the others are open 08:30–21:00 every day: 11:00 in Shanghai
        assert set(positions_public(open_now=True)) == set(
            ServicePosition.objects.exclude(pk=night_site.pk)
        )


def test_the_open_now_list_runs_a_fixed_number_of_queries(
    night_site, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        rows = list(positions_public(open_now=True, at=at(2024, 5, 6, 10, 0)))
        seen = [
            (
                [f.name for f in row.facilities.all()],
                [h.opens for h in row.opening_hours.all()],
                row.is_open,
                row.community.street.name,
            )
            for row in rows
        ]
    assert len(seen) == 5 and all(is_open for _f, _h, is_open, _s in seen)
