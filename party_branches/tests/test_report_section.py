"""The branch meetings section of the monthly report (party_branches/report_sections.py)
against a hand-computed fixture: meetings held and the attendance rate of branch members."""

import datetime

import pytest

from core.hierarchy import AREA_LEVELS
from core.report_registry import SECTIONS
from party_branches.selectors import meetings_held
from party_branches.services import meeting_record
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory

# The section's registered functions (core.report_registry.report_section_by_levels).
party_branches_section = SECTIONS["party_branches"].compute
party_branches_all_levels = SECTIONS["party_branches"].compute_all

pytestmark = pytest.mark.django_db
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


@pytest.fixture
def march(world, branch):
    """Branch A1a (two members): a branch meeting on 10 March (m1 present, m2 absent, one
    guest), a council meeting on 20 March (both present), one on 2 April. Branch A1b: no meeting.
    Branch B1a founded on 5 April (after the month)."""
    m1, m2 = PartyMemberFactory(branch=branch), PartyMemberFactory(branch=branch)
    for day, kind, present in (
        (datetime.date(2026, 3, 10), "branch", [m1.pk]),
        (datetime.date(2026, 3, 20), "council", [m1.pk, m2.pk]),
        (datetime.date(2026, 4, 2), "branch", [m1.pk]),
    ):
        meeting_record(
            branch=branch,
            kind=kind,
            held_on=day,
            agenda="学习",
            guests=[("王某", "物业")],
            present_member_ids=present,
        )
    PartyBranchFactory(grid=world.grids["A1b"])
    PartyBranchFactory(grid=world.grids["B1a"], founded_on=datetime.date(2026, 4, 5))
    return world


def test_meetings_held_and_attendance_per_area(march, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        grids = party_branches_section(level="grid", start=MARCH[0], end=MARCH[1])
    assert grids[march.grids["A1a"].pk] == {
        "branches": 1,
        "branches_met": 1,
        "meetings": 2,
        "branch_meetings": 1,
        "council_meetings": 1,
        "attendance_rate": 0.75,
    }
    assert grids[march.grids["A1b"].pk] == {"branches": 1, "attendance_rate": None}
    assert march.grids["B1a"].pk not in grids
    community = party_branches_section(level="community", start=MARCH[0], end=MARCH[1])
    assert community[march.communities["A1"].pk] == {
        "branches": 2,
        "branches_met": 1,
        "meetings": 2,
        "branch_meetings": 1,
        "council_meetings": 1,
        "attendance_rate": 0.75,
    }
    district = party_branches_section(level="district", start=MARCH[0], end=MARCH[1])
    assert district[march.district.pk]["branches"] == 2


def test_agrees_with_the_apps_own_meetings_held(march):
    """Same definitions as party_branches.selectors.meetings_held (one area at a time, rate %)."""
    one = meetings_held(
        level="street",
        node_id=march.streets["A"].pk,
        start=MARCH[0],
        end=MARCH[1] - datetime.timedelta(days=1),
    )
    row = party_branches_section(level="street", start=MARCH[0], end=MARCH[1])[
        march.streets["A"].pk
    ]
    assert (row["meetings"], row["branch_meetings"], row["council_meetings"]) == (
        one["total"],
        one["branch"],
        one["council"],
    )
    assert round(row["attendance_rate"] * 100, 1) == one["attendance_rate"]
    assert SECTIONS["party_branches"].app_label == "party_branches"


def test_all_levels_at_once_equal_each_level_alone(march, django_assert_num_queries):
    with django_assert_num_queries(2):
        together = party_branches_all_levels(start=MARCH[0], end=MARCH[1])
    alone = {
        level: party_branches_section(level=level, start=MARCH[0], end=MARCH[1])
        for level in AREA_LEVELS
    }
    assert together == alone
    assert together["street"][march.streets["A"].pk]["attendance_rate"] == 0.75
