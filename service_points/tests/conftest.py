import datetime

import pytest

from service_points.tests.factories import (
    CentreFactory,
    GridPositionFactory,
    MicroSiteFactory,
    RoomFactory,
)

ALL_WEEK = {d: [(datetime.time(8, 30), datetime.time(21, 0))] for d in range(7)}


@pytest.fixture
def positions(world):
    """A centre for community A1, grid positions in A1a and A1b, a micro-site in A1a, open daily
    08:30–21:00, with a discussion hall in the A1a position; and a centre in B1 (other street)."""
    from service_points.services import opening_hours_set

    p = type("Positions", (), {})()
    p.centre = CentreFactory(community=world.communities["A1"], name="A1社区党群服务中心")
    p.grid_a = GridPositionFactory(grid=world.grids["A1a"], name="A1a网格党群服务站")
    p.grid_b = GridPositionFactory(grid=world.grids["A1b"], name="A1b网格党群服务站")
    p.micro = MicroSiteFactory(grid=world.grids["A1a"], parent=p.grid_a, name="A1a集装箱微站点")
    p.other_centre = CentreFactory(community=world.communities["B1"], name="B1社区党群服务中心")
    for position in (p.centre, p.grid_a, p.grid_b, p.micro, p.other_centre):
        opening_hours_set(position=position, weekly=ALL_WEEK)
    p.hall = RoomFactory(position=p.grid_a, name="议事厅")
    p.other_hall = RoomFactory(position=p.other_centre, name="会议室", kind="meeting_room")
    return p


@pytest.fixture
def lookups(db):
    """The facility and function rows (seeded by migration 0002; re-made here because
    transactional tests flush tables)."""
    from service_points.models import Facility, Function

    for code, name in [
        ("book_bar", "书吧"),
        ("first_aid_kit", "急救箱"),
        ("discussion_hall", "议事厅"),
        ("rest_room", "休息室"),
    ]:
        Facility.objects.get_or_create(code=code, defaults={"name": name})
    for code, name in [("political", "政治功能"), ("service", "服务功能")]:
        Function.objects.get_or_create(code=code, defaults={"name": name})
    return Facility, Function
