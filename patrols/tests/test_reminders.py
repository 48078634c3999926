"""Patrol reminders (patrols/reminders.py): key places not checked in at within their frequency
remind the grid's workers, then the grid head after the stated delay; once per due time."""

import datetime
import zoneinfo

import pytest

from grids.tests.factories import KeyPlaceFactory
from notifications.models import Notification
from notifications.services import reminders_run
from patrols import services
from patrols.models import PatrolPlan

pytestmark = pytest.mark.django_db
KINDS = ["patrols.place_not_visited", "patrols.place_not_visited_grid_head"]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=SHANGHAI)


def sent(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel="inbox").values_list(
            "recipient__username", "subject"
        )
    )


def patrol_check_in(world, place, when):
    worker = world.users.grid_worker
    patrol = services.patrol_start(worker=worker, now=when)
    location = place.location
    services.check_in(
        patrol=patrol, key_place=place, lon=location.x, lat=location.y, by=worker, now=when
    )
    services.patrol_end(patrol=patrol, by=worker, now=when + datetime.timedelta(minutes=30))


@pytest.fixture
def plans(world):
    """A1a: 光明花园 (weekly, checked in on 1 March 10:00, so due 8 March 10:00) and 科技园
    (weekly, never checked in); an inactive plan in A1a; 工地 in A1b, where no worker is
    assigned."""
    places = {
        name: KeyPlaceFactory(grid=world.grids[grid], name=name)
        for grid, name in (
            ("A1a", "光明花园"),
            ("A1a", "科技园"),
            ("A1a", "旧仓库"),
            ("A1b", "工地"),
        )
    }
    for name, place in places.items():
        PatrolPlan.objects.create(
            grid=place.grid, key_place=place, frequency_days=7, active=name != "旧仓库"
        )
    patrol_check_in(world, places["光明花园"], at(1))
    return places


def test_places_not_patrolled_in_their_frequency_remind_the_grid_workers(world, plans):
    reminders_run(kinds=KINDS, now=at(5))
    assert sent("patrols.place_not_visited") == [("worker_a1a", "巡查提醒：科技园")]
    reminders_run(kinds=KINDS, now=at(8, 11))
    assert sent("patrols.place_not_visited") == [
        ("worker_a1a", "巡查提醒：光明花园"),
        ("worker_a1a", "巡查提醒：科技园"),
    ]
    assert reminders_run(kinds=KINDS, now=at(9)) == dict.fromkeys(KINDS, 0)


def test_still_not_patrolled_after_three_days_escalates_to_the_grid_head(world, plans):
    reminders_run(kinds=KINDS, now=at(11, 9))  # 2 days 23 hours after it fell due
    assert sent("patrols.place_not_visited_grid_head") == []
    reminders_run(kinds=KINDS, now=at(11, 10))
    (escalation,) = Notification.objects.filter(
        kind="patrols.place_not_visited_grid_head", channel="inbox"
    )
    assert escalation.recipient == world.users.grid_head and escalation.urgent
    assert "光明花园" in escalation.subject  # never-visited 科技园 is not escalated


def test_a_check_in_sets_a_new_due_time(world, plans):
    reminders_run(kinds=["patrols.place_not_visited"], now=at(9))
    patrol_check_in(world, plans["光明花园"], at(9, 15))
    assert reminders_run(kinds=KINDS, now=at(15)) == dict.fromkeys(KINDS, 0)
    reminders_run(kinds=KINDS, now=at(16, 16))  # due again 16 March 15:00
    assert [s for _u, s in sent("patrols.place_not_visited")].count("巡查提醒：光明花园") == 2
