from decimal import Decimal

import pytest
from django.test import override_settings

from volunteers.hours import hours_for_minutes, next_star_hours, points_for_hours, star_level


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, "0"),
        (10, "0"),
        (15, "0"),
        (16, "0.5"),
        (30, "0.5"),
        (45, "0.5"),
        (46, "1"),
        (60, "1"),
        (75, "1"),
        (76, "1.5"),
        (105, "1.5"),
        (106, "2"),
        (180, "3"),
        (-5, "0"),
    ],
)
def test_hours_are_rounded_per_started_hour(minutes, hours):
    assert hours_for_minutes(minutes) == Decimal(hours)


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        (0, 0),
        (99.5, 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (600, 3),
        (999.5, 3),
        (1000, 4),
        (1500, 5),
        (4000, 5),
    ],
)
def test_star_levels_follow_the_guangdong_thresholds(hours, stars):
    assert star_level(Decimal(str(hours))) == stars


def test_next_star_and_points():
    assert next_star_hours(Decimal("120")) == 300
    assert next_star_hours(Decimal("1500")) is None
    assert points_for_hours(Decimal("2.5")) == Decimal("25.0")
    with override_settings(REDGRID_VOLUNTEERS_POINTS_PER_HOUR=4):
        assert points_for_hours(Decimal("2.5")) == Decimal("10.0")
