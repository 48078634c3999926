"""The volunteers section of the monthly report (volunteers/report_sections.py) against a
hand-computed fixture: registration rate, activities held, certified service hours."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from core.report_registry import SECTIONS
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers.models import Activity, SignUp
from volunteers.tests.factories import ActivityFactory, RegistrationFactory

# The section's registered functions (core.report_registry.report_section_by_levels).
volunteers_section = SECTIONS["volunteers"].compute

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


def local(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def certified(activity, member, hours):
    return SignUp.objects.create(
        activity=activity,
        member=member,
        hours=Decimal(hours),
        certified_at=activity.ends_at,
        checked_in_at=activity.starts_at,
        checked_out_at=activity.ends_at,
    )


@pytest.fixture
def march(world):
    """Branch A1a with four members: m1 registered (confirmed 10 Jan 2026, valid six months),
    m2's registration expired on 1 March, m3 never registered, m4 not expected to register.
    Activities: a grid activity on 10 March (m1 2.5 h, m2 1.5 h certified), a community-wide one
    on 20 March (m1 3 h), a cancelled one in March and one in April (not counted)."""
    grid, community = world.grids["A1a"], world.communities["A1"]
    branch = PartyBranchFactory(grid=grid)
    m1, m2, m3 = (PartyMemberFactory(branch=branch) for _ in range(3))
    m4 = PartyMemberFactory(branch=branch, must_register=False)
    RegistrationFactory(member=m1, grid=grid, confirmed_on=datetime.date(2026, 1, 10))
    RegistrationFactory(member=m2, grid=grid, confirmed_on=datetime.date(2025, 9, 1))
    RegistrationFactory(member=m4, grid=grid, confirmed_on=datetime.date(2026, 1, 10))
    in_grid = ActivityFactory(
        community=community,
        grid=grid,
        starts_at=local(3, 10),
        ends_at=local(3, 10, 12),
        status=Activity.Status.CERTIFIED,
    )
    certified(in_grid, m1, "2.5")
    certified(in_grid, m2, "1.5")
    community_wide = ActivityFactory(
        community=community,
        starts_at=local(3, 20),
        ends_at=local(3, 20, 12),
        status=Activity.Status.CERTIFIED,
    )
    certified(community_wide, m1, "3.0")
    ActivityFactory(
        community=community,
        grid=grid,
        starts_at=local(3, 25),
        ends_at=local(3, 25, 12),
        status=Activity.Status.CANCELLED,
    )
    april = ActivityFactory(
        community=community,
        grid=grid,
        starts_at=local(4, 1, 8),
        ends_at=local(4, 1, 10),
        status=Activity.Status.CERTIFIED,
    )
    certified(april, m3, "2.0")
    return world


def test_registration_activities_and_hours_per_area(march, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        grids = volunteers_section(level="grid", start=MARCH[0], end=MARCH[1])
    assert grids[march.grids["A1a"].pk] == {
        "members_expected": 3,
        "members_registered": 1,
        "registration_rate": 1 / 3,
        "activities_held": 1,
        "volunteers_served": 2,
        "hours_served": 4.0,
    }
    expected_a1 = {
        "members_expected": 3,
        "members_registered": 1,
        "registration_rate": 1 / 3,
        "activities_held": 2,
        "volunteers_served": 2,
        "hours_served": 7.0,
    }
    for level, node in (
        ("community", march.communities["A1"]),
        ("street", march.streets["A"]),
        ("district", march.district),
    ):
        assert volunteers_section(level=level, start=MARCH[0], end=MARCH[1])[node.pk] == (
            expected_a1
        )
    assert SECTIONS["volunteers"].app_label == "volunteers"


def test_all_levels_at_once_give_what_each_level_gives_alone(march, django_assert_num_queries):
    volunteers_all_levels = SECTIONS["volunteers"].compute_all

    with django_assert_num_queries(3):
        every = volunteers_all_levels(start=MARCH[0], end=MARCH[1])
    for level in ("grid", "community", "street", "district"):
        assert every[level] == volunteers_section(level=level, start=MARCH[0], end=MARCH[1])
    assert every["community"][march.communities["A1"].pk]["hours_served"] == 7.0
    assert SECTIONS["volunteers"].compute_all is not None
