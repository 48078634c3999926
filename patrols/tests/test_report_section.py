"""The patrols section of the monthly report (patrols/report_sections.py) against a
hand-computed fixture: patrols, check-ins, findings by kind and by how they ended."""

import datetime
import zoneinfo

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.report_registry import SECTIONS
from grids.tests.factories import KeyPlaceFactory
from patrols.models import CheckIn, Finding, Patrol
from requests_desk.tests.factories import RequestFactory

# The section's registered functions (core.report_registry.report_section_by_levels).
patrols_section = SECTIONS["patrols"].compute

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


def local(month, day, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def patrol(worker, started, ended=None):
    return Patrol.objects.create(
        grid_id=worker.grid_id,
        worker=worker,
        started_at=started,
        ended_at=ended or started + datetime.timedelta(minutes=20),
    )


def check_in(p, place, at):
    return CheckIn.objects.create(
        patrol=p, key_place=place, at=at, position=place.location, distance_m=5
    )


def finding(p, kind, outcome, at, **extra):
    return Finding.objects.create(
        patrol=p,
        grid_id=p.grid_id,
        kind=kind,
        description="巡查发现",
        outcome=outcome,
        created_at=at,
        **extra,
    )


@pytest.fixture
def march_patrols(world):
    """A1a's worker: a patrol on 28 Feb 23:30 (February, local time), on 2 March (check-ins at
    both places, three findings) and on 31 March 23:30 (check-in at 光明花园). B1a's worker: one
    patrol on 15 March, no check-in."""
    worker = world.users.grid_worker
    garden, park = (
        KeyPlaceFactory(grid=world.grids["A1a"], name=n) for n in ("光明花园", "科技园")
    )
    february = patrol(worker, local(2, 28, 23, 30))
    check_in(february, garden, local(2, 28, 23, 40))
    finding(february, "rubbish", "open", local(2, 28, 23, 45))
    second = patrol(worker, local(3, 2, 9))
    check_in(second, garden, local(3, 2, 9, 5))
    check_in(second, park, local(3, 2, 9, 15))
    finding(second, "rubbish", "self_handled", local(3, 2, 9, 6), handled_note="当场清理")
    finding(
        second,
        "hazard",
        "reported",
        local(3, 2, 9, 16),
        request=RequestFactory(grid=world.grids["A1a"]),
    )
    finding(second, "fire_risk", "open", local(3, 2, 9, 17))
    last = patrol(worker, local(3, 31, 23, 30))
    check_in(last, garden, local(3, 31, 23, 35))
    b_worker = UserFactory(username="worker_b1a", role=Role.GRID_WORKER, node=world.grids["B1a"])
    patrol(b_worker, local(3, 15, 14))
    return world


def test_patrols_check_ins_and_findings_per_area(march_patrols, django_assert_max_num_queries):
    world = march_patrols
    a1a = {
        "patrols": 2,
        "check_ins": 3,
        "places_checked": 2,
        "findings": 3,
        "findings_self_handled": 1,
        "findings_reported": 1,
        "findings_open": 1,
        "findings_hazard": 1,
        "findings_illegal_structure": 0,
        "findings_rubbish": 1,
        "findings_fire_risk": 1,
        "findings_other": 0,
    }
    with django_assert_max_num_queries(3):
        grids = patrols_section(level="grid", start=MARCH[0], end=MARCH[1])
    assert grids[world.grids["A1a"].pk] == a1a
    assert grids[world.grids["B1a"].pk] == {"patrols": 1}  # the report fills the rest with 0
    streets = patrols_section(level="street", start=MARCH[0], end=MARCH[1])
    assert streets[world.streets["A"].pk] == a1a
    district = patrols_section(level="district", start=MARCH[0], end=MARCH[1])
    assert district[world.district.pk]["patrols"] == 3
    assert district[world.district.pk]["findings"] == 3
    assert [m.key for m in SECTIONS["patrols"].metrics][:3] == [
        "patrols",
        "check_ins",
        "places_checked",
    ]


def _per_level(start, end):
    return {
        level: patrols_section(level=level, start=start, end=end)
        for level in ("grid", "community", "street", "district")
    }


def test_all_levels_in_one_call_equal_each_level_computed_alone(
    march_patrols, django_assert_num_queries
):
    """A1b's worker checks in at A1a's 光明花园: community A1 counts that place once (distinct
    places are counted per area by the database, not added up from the grids)."""
    world = march_patrols
    garden = world.grids["A1a"].key_places.get(name="光明花园")
    b_worker = UserFactory(username="worker_a1b", role=Role.GRID_WORKER, node=world.grids["A1b"])
    check_in(patrol(b_worker, local(3, 20, 10)), garden, local(3, 20, 10, 5))
    with django_assert_num_queries(3):  # one GROUPING SETS query per table
        all_levels = SECTIONS["patrols"].compute_all(start=MARCH[0], end=MARCH[1])
    assert all_levels == _per_level(*MARCH)
    assert all_levels["grid"][world.grids["A1b"].pk]["places_checked"] == 1
    assert all_levels["community"][world.communities["A1"].pk]["places_checked"] == 2
    assert all_levels["district"][world.district.pk]["check_ins"] == 4


def test_all_levels_fall_back_to_one_query_per_level_without_grouping_sets(
    march_patrols, monkeypatch, django_assert_num_queries
):
    """SQLite (the embedded default) has no GROUPING SETS: the same figures, level by level."""
    import grids.levels

    expected = SECTIONS["patrols"].compute_all(start=MARCH[0], end=MARCH[1])
    monkeypatch.setattr(grids.levels, "supports_grouping_sets", lambda using: False)
    with django_assert_num_queries(3 * 4):
        assert SECTIONS["patrols"].compute_all(start=MARCH[0], end=MARCH[1]) == expected
