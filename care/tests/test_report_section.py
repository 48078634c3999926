"""The care section of the monthly report (care/report_sections.py) against a hand-computed
fixture: visits done against households due, per grid, community, street and district."""

import datetime

import pytest

from care.models import Visit
from care.tests.factories import (
    HouseholdFactory,
    PairingFactory,
    ResidentFactory,
    ResidentTagFactory,
    VisitFactory,
)
from core.report_registry import SECTIONS

# The section's registered functions (core.report_registry.report_section_by_levels).
care_section = SECTIONS["care"].compute

pytestmark = pytest.mark.django_db
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


@pytest.fixture
def march_visits(care):
    """Every household has one resident living alone (a visit every 30 days).

    * A1a paired: last visited 10 Feb, so due 12 March; visited 11 and 25 March → due, visited.
    * A1a unpaired: visited by the grid head on 20 March; not paired, so never "due".
    * A1b other (paired): last visited 25 Feb, due 27 March, not visited → due, not visited.
    * A1b new household registered 15 March, paired: due 14 April → not due; a follow-up visit
      on 20 March.
    """
    users = care.users
    paired, unpaired, other = (care.households[k] for k in ("paired", "unpaired", "other"))
    for household, visitor, day, kind in (
        (paired, users.grid_worker, datetime.date(2026, 2, 10), Visit.Kind.ROUTINE),
        (paired, users.grid_worker, datetime.date(2026, 3, 11), Visit.Kind.ROUTINE),
        (paired, users.party_member, datetime.date(2026, 3, 25), Visit.Kind.ROUTINE),
        (unpaired, users.grid_head, datetime.date(2026, 3, 20), Visit.Kind.ROUTINE),
        (other, users.worker_b, datetime.date(2026, 2, 25), Visit.Kind.ROUTINE),
    ):
        VisitFactory(household=household, visitor=visitor, visited_on=day, kind=kind)
    new = HouseholdFactory(grid=care.world.grids["A1b"], registered_on=datetime.date(2026, 3, 15))
    ResidentTagFactory(resident=ResidentFactory(household=new, phone="", id_number=""))
    PairingFactory(household=new, worker=users.worker_b, start_date=datetime.date(2026, 3, 15))
    VisitFactory(
        household=new,
        visitor=users.worker_b,
        visited_on=datetime.date(2026, 3, 20),
        kind=Visit.Kind.FOLLOW_UP,
    )
    return care


def test_visits_done_against_households_due_per_area(march_visits, django_assert_max_num_queries):
    world = march_visits.world
    with django_assert_max_num_queries(2):
        grids = care_section(level="grid", start=MARCH[0], end=MARCH[1])
    assert grids[world.grids["A1a"].pk] == {
        "visits": 3,
        "follow_up_visits": 0,
        "households_due": 1,
        "households_due_visited": 1,
        "due_visited_rate": 1.0,
    }
    assert grids[world.grids["A1b"].pk] == {
        "visits": 1,
        "follow_up_visits": 1,
        "households_due": 1,
        "households_due_visited": 0,
        "due_visited_rate": 0.0,
    }
    expected_a1 = {
        "visits": 4,
        "follow_up_visits": 1,
        "households_due": 2,
        "households_due_visited": 1,
        "due_visited_rate": 0.5,
    }
    for level, node in (
        ("community", world.communities["A1"]),
        ("street", world.streets["A"]),
        ("district", world.district),
    ):
        assert care_section(level=level, start=MARCH[0], end=MARCH[1])[node.pk] == expected_a1
    assert world.streets["B"].pk not in care_section(level="street", start=MARCH[0], end=MARCH[1])


def test_a_month_reads_the_same_after_later_visits(march_visits):
    before = care_section(level="community", start=MARCH[0], end=MARCH[1])
    VisitFactory(
        household=march_visits.households["other"],
        visitor=march_visits.users.worker_b,
        visited_on=datetime.date(2026, 4, 2),
    )
    assert care_section(level="community", start=MARCH[0], end=MARCH[1]) == before
    assert SECTIONS["care"].app_label == "care"


def test_all_levels_in_one_call_equal_each_level_computed_alone(
    march_visits, django_assert_num_queries
):
    world = march_visits.world
    with django_assert_num_queries(2):  # one GROUPING SETS query for visits, one for households
        all_levels = SECTIONS["care"].compute_all(start=MARCH[0], end=MARCH[1])
    assert all_levels == {
        level: care_section(level=level, start=MARCH[0], end=MARCH[1])
        for level in ("grid", "community", "street", "district")
    }
    # The rate of an area is its own visited / due, not an average of its grids' rates.
    assert all_levels["community"][world.communities["A1"].pk]["due_visited_rate"] == 0.5
    assert set(all_levels["street"]) == {world.streets["A"].pk}


def test_all_levels_fall_back_to_one_query_per_level_without_grouping_sets(
    march_visits, monkeypatch, django_assert_num_queries
):
    """SQLite (the embedded default) has no GROUPING SETS: the same figures, level by level."""
    import grids.levels

    expected = SECTIONS["care"].compute_all(start=MARCH[0], end=MARCH[1])
    monkeypatch.setattr(grids.levels, "supports_grouping_sets", lambda using: False)
    with django_assert_num_queries(2 * 4):
        assert SECTIONS["care"].compute_all(start=MARCH[0], end=MARCH[1]) == expected
