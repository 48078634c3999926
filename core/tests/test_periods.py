"""core.periods: the district's days and months, and the one in-force rule."""

import datetime

import pytest
from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st

from core import periods

UTC = datetime.UTC


def test_the_district_time_zone_is_the_settings_one(settings):
    assert periods.time_zone().key == settings.TIME_ZONE == "Asia/Shanghai"


def test_a_local_day_starts_at_local_midnight_which_is_utc_16_00_the_day_before():
    midnight = periods.local_midnight(datetime.date(2024, 6, 1))
    assert midnight == datetime.datetime(2024, 5, 31, 16, 0, tzinfo=UTC)
    assert periods.local_start(datetime.date(2024, 6, 1)) == midnight
    assert periods.local_start(datetime.datetime(2024, 6, 1)) == midnight  # naive: local time
    aware = datetime.datetime(2024, 6, 1, 3, tzinfo=UTC)
    assert periods.local_start(aware) is aware


def test_a_moment_late_on_the_last_utc_day_of_may_is_in_june_locally():
    moment = datetime.datetime(2024, 5, 31, 16, 30, tzinfo=UTC)  # 1 June 00:30 in Shenzhen
    assert periods.month_start(moment) == datetime.date(2024, 6, 1)
    assert periods.local_date(moment) == datetime.date(2024, 6, 1)


def test_months_are_half_open_and_cross_the_year():
    assert periods.month_range(datetime.date(2024, 12, 31)) == (
        datetime.date(2024, 12, 1),
        datetime.date(2025, 1, 1),
    )
    assert periods.previous_month(datetime.date(2025, 1, 15)) == datetime.date(2024, 12, 1)
    assert periods.next_month(datetime.date(2024, 1, 31)) == datetime.date(2024, 2, 1)
    month = periods.month_of(datetime.date(2024, 2, 10))
    assert month.last_day == datetime.date(2024, 2, 29)
    assert month.previous() == periods.Month.of(datetime.date(2024, 1, 1))
    assert month.aware_bounds() == (
        periods.local_midnight(datetime.date(2024, 2, 1)),
        periods.local_midnight(datetime.date(2024, 3, 1)),
    )
    assert [m.start.month for m in periods.months_back(datetime.date(2024, 2, 10), 4)] == [
        11,
        12,
        1,
        2,
    ]


def test_add_months_keeps_the_day_or_clamps_it_to_the_month_end():
    assert periods.add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert periods.add_months(datetime.date(2023, 1, 31), 1) == datetime.date(2023, 2, 28)
    assert periods.add_months(datetime.date(2024, 8, 31), -6) == datetime.date(2024, 2, 29)
    assert periods.add_months(datetime.date(2024, 5, 15), -17) == datetime.date(2022, 12, 15)


@given(st.dates(datetime.date(2001, 1, 1), datetime.date(2998, 12, 31)), st.integers(-30, 30))
def test_add_months_lands_in_the_right_month(day, months):
    moved = periods.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved == periods.next_month(moved) - datetime.timedelta(days=1)


@given(st.dates(datetime.date(2001, 1, 1), datetime.date(2998, 12, 31)))
def test_every_day_lies_in_its_month_range(day):
    start, end = periods.month_range(day)
    assert start <= day < end and start.day == end.day == 1
    assert periods.is_whole_months(start, end)


@pytest.mark.parametrize(
    ("text", "month"),
    [("2026-05", datetime.date(2026, 5, 1)), (" 2026-5 ", datetime.date(2026, 5, 1))],
)
def test_parse_month_reads_year_and_month(text, month):
    assert periods.parse_month(text) == month


@pytest.mark.parametrize("text", ["", "2026", "2026-13", "1999-05", "3000-01", "May 2026", "x-y"])
def test_parse_month_refuses_anything_else(text):
    with pytest.raises(ValueError):
        periods.parse_month(text)


def test_in_force_is_start_inclusive_end_exclusive():
    q = periods.in_force_q(datetime.date(2024, 6, 1))
    assert str(q) == str(
        Q(start_date__lte=datetime.date(2024, 6, 1))
        & (Q(end_date__isnull=True) | Q(end_date__gt=datetime.date(2024, 6, 1)))
    )


@pytest.mark.django_db
def test_a_pairing_ended_on_a_day_is_not_in_force_that_day_an_assignment_is(world):
    """Pairings store the day they ended (exclusive end); assignments and terms store their last
    day (end_is_last_day): the same rule, start <= on < end."""
    from care.models import Pairing
    from care.tests.factories import HouseholdFactory, PairingFactory
    from grids.models import GridAssignment

    day = datetime.date(2025, 3, 10)
    pairing = PairingFactory(
        household=HouseholdFactory(grid=world.grids["A1a"]),
        worker=world.users.grid_worker,
        start_date=datetime.date(2025, 1, 1),
        end_date=day,
        end_reason="moved away",
    )
    assert pairing in Pairing.objects.in_force(day - datetime.timedelta(days=1))
    assert pairing not in Pairing.objects.in_force(day)
    assert pairing in Pairing.objects.in_force_during(day - datetime.timedelta(days=1), day)
    assert pairing not in Pairing.objects.in_force_during(day, None)

    assignment = GridAssignment.objects.get(user=world.users.grid_worker)
    GridAssignment.objects.filter(pk=assignment.pk).update(end_date=day)
    assert assignment in GridAssignment.objects.in_force(day)
    assert assignment not in GridAssignment.objects.in_force(day + datetime.timedelta(days=1))
    assert assignment in GridAssignment.objects.in_force_during(day, None)
    assert assignment not in GridAssignment.objects.in_force_during(
        day + datetime.timedelta(days=1), None
    )
    assert assignment not in GridAssignment.objects.in_force(datetime.date(2019, 12, 31))
