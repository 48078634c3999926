"""Sections computing every level in one call (`compute_all`, grids.levels.grouped_by_level):
the same snapshots as level by level, on PostgreSQL (GROUPING SETS) and on the per-level fallback
that SQLite uses."""

import dataclasses
import datetime
import zoneinfo

import pytest
from django.db.models import Count, Q, Sum

import grids.levels
from core.hierarchy import AREA_LEVELS
from core.report_registry import SECTIONS, Metric, report_section, report_section_all_levels
from grids.levels import grouped_by_level
from grids.models import GridAssignment, KeyPlace
from reports.models import ReportRun
from reports.services import report_run_execute, reports_generate, total_steps
from reports.tests.conftest import MARCH

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def march_activity(places):
    """Patrols, check-ins, findings and visits in March in A1a and A1b: the A1b worker checks in
    at A1a's 光明花园 too (a place counted once for community A1)."""
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from care.tests.conftest import _ensure_care_tags
    from care.tests.factories import (
        HouseholdFactory,
        PairingFactory,
        ResidentTagFactory,
        VisitFactory,
    )
    from patrols.models import CheckIn, Finding, Patrol

    w = places
    _ensure_care_tags()
    garden = KeyPlace.objects.get(name="光明花园")
    b_worker = UserFactory(username="worker_a1b", role=Role.GRID_WORKER, node=w.grids["A1b"])
    for worker, day in ((w.users.grid_worker, 2), (w.users.grid_worker, 9), (b_worker, 3)):
        at = datetime.datetime(2026, 3, day, 9, tzinfo=SHANGHAI)
        patrol = Patrol.objects.create(
            grid_id=worker.grid_id, worker=worker, started_at=at, ended_at=at
        )
        CheckIn.objects.create(
            patrol=patrol, key_place=garden, at=at, position=garden.location, distance_m=3
        )
        Finding.objects.create(
            patrol=patrol, grid_id=worker.grid_id, kind="rubbish", description="垃圾", created_at=at
        )
    for grid_key, worker, visits in (("A1a", w.users.grid_worker, 2), ("A1b", b_worker, 0)):
        household = HouseholdFactory(grid=w.grids[grid_key])
        ResidentTagFactory(
            resident__household=household, resident__phone="", resident__id_number=""
        )
        PairingFactory(household=household, worker=worker)
        for day in range(visits):
            VisitFactory(
                household=household, visitor=worker, visited_on=datetime.date(2026, 3, day + 1)
            )
    return w


def _numbers(period=MARCH):
    run = ReportRun.objects.create(period=period)
    return {(r.level, r.node_code): r.numbers for r in reports_generate(period=period, run=run)}


def _each_level_alone(model, levels, aggregates):
    """`grouped_by_level` of all of `model`'s rows asked one level at a time."""
    return {
        level: grouped_by_level(model.objects.all(), model, (level,), **aggregates)[level]
        for level in levels
    }


def test_grouping_sets_give_what_each_level_gives_alone(places, django_assert_num_queries):
    staff = GridAssignment.objects.filter(role__in=["grid_head", "grid_worker"])
    aggregates = {"n": Count("id"), "people": Count("user", distinct=True)}
    with django_assert_num_queries(1):
        together = grouped_by_level(staff, GridAssignment, **aggregates)
    with django_assert_num_queries(4):
        alone = {
            level: grouped_by_level(staff, GridAssignment, (level,), **aggregates)[level]
            for level in AREA_LEVELS
        }
    assert together == alone
    assert together["community"][places.communities["A1"].pk]["people"] == 3
    assert set(together) == set(AREA_LEVELS)


def test_reports_are_identical_with_and_without_compute_all(march_activity, in_april, monkeypatch):
    with_all = _numbers()
    assert {name for name, s in SECTIONS.items() if s.compute_all} >= {
        "area",
        "requests",
        "patrols",
        "care",
        "service_positions",
        "volunteers",
        "party_branches",
    }
    a1 = with_all[("community", march_activity.communities["A1"].code)]
    assert (a1["patrols"]["patrols"], a1["patrols"]["places_checked"]) == (3, 1)
    assert (a1["care"]["visits"], a1["care"]["households_due"]) == (2, 2)
    with monkeypatch.context() as patched:  # every section level by level
        for name, section in list(SECTIONS.items()):
            patched.setitem(SECTIONS, name, dataclasses.replace(section, compute_all=None))
        assert _numbers() == with_all
    # compute_all on a database without GROUPING SETS (SQLite): one query per level
    monkeypatch.setattr(grids.levels, "supports_grouping_sets", lambda using: False)
    assert _numbers() == with_all


def test_compute_all_replaces_the_per_level_calls(world, in_april):
    calls = []

    @report_section("test.all", "测试", order=99, metrics=[Metric("n", "数")])
    def per_level(*, level, start, end):
        raise AssertionError("compute_all is registered: compute must not be called")

    @report_section_all_levels("test.all")
    def all_levels(*, start, end):
        calls.append((start, end))
        return {
            "grid": {world.grids["A1a"].pk: {"n": 2}},
            "district": {world.district.pk: {"n": 2}},
        }

    try:
        steps = total_steps()
        run = ReportRun.objects.create(period=MARCH)
        report_run_execute(run_id=run.pk)
    finally:
        SECTIONS.pop("test.all")
    run.refresh_from_db()
    assert calls == [(datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))]
    assert (run.status, run.total_steps, run.done_steps) == ("done", steps, steps)
    numbers = {(r.level, r.node_id): r.numbers["test.all"] for r in run.reports.all()}
    assert numbers[("grid", world.grids["A1a"].pk)] == {"n": 2}
    assert numbers[("grid", world.grids["A1b"].pk)] == {"n": 0}  # missing areas get 0
    assert numbers[("community", world.communities["A1"].pk)] == {"n": 0}  # missing level too
    assert numbers[("district", world.district.pk)] == {"n": 2}


def test_compute_all_needs_its_section_registered_first():
    with pytest.raises(LookupError, match="not registered"):
        report_section_all_levels("no.such.section")(lambda *, start, end: {})


def test_a_chained_model_is_grouped_by_one_rollup(march_activity, django_assert_num_queries):
    """CheckIn reaches each level through the one below (patrol → grid → community → street →
    district): one ROLLUP, which gives what each level gives alone, distinct places included;
    Request keeps a column per level and is grouped by GROUPING SETS."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from patrols.models import CheckIn
    from requests_desk.models import Request

    assert grids.levels._chained(CheckIn, AREA_LEVELS)
    assert grids.levels._chained(CheckIn, ("grid", "district"))
    assert not grids.levels._chained(Request, AREA_LEVELS)
    aggregates = {"n": Count("id"), "places": Count("key_place", distinct=True)}
    with CaptureQueriesContext(connection) as captured:
        together = grouped_by_level(CheckIn.objects.all(), CheckIn, **aggregates)
    assert len(captured) == 1 and "GROUP BY ROLLUP (1, 2, 3, 4)" in captured[0]["sql"]
    alone = _each_level_alone(CheckIn, AREA_LEVELS, aggregates)
    assert together == alone
    w = march_activity
    assert together["community"][w.communities["A1"].pk] == {"n": 3, "places": 1}
    assert together["grid"][w.grids["A1b"].pk] == {"n": 1, "places": 1}
    assert len(together["district"]) == 1  # the grand total is not an area
    # Levels asked bottom-up and a level left out: the same groups.
    some = grouped_by_level(CheckIn.objects.all(), CheckIn, ("grid", "street"), **aggregates)
    assert some == {"grid": alone["grid"], "street": alone["street"]}
    with CaptureQueriesContext(connection) as captured:
        grouped_by_level(Request.objects.all(), Request, n=Count("id"))
    assert "GROUPING SETS" in captured[0]["sql"]


def test_counts_are_counted_per_lowest_area_first(march_activity):
    """Counts of a chained model are counted per lowest area, then rolled up over the areas
    (one query, `FROM (SELECT …) x`): plain and filtered counts, distinct counts with and
    without a filter, a count of distinct values only, NULLs (a finding without a key place),
    and levels asked without the grid — each the same as the level alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from patrols.models import CheckIn, Finding

    garden = KeyPlace.objects.get(name="光明花园")
    Finding.objects.filter(grid=march_activity.grids["A1b"]).update(key_place=garden)
    cases = [
        (CheckIn, {"n": Count("id"), "places": Count("key_place", distinct=True)}),
        (CheckIn, {"near": Count("key_place", filter=Q(distance_m__lt=5), distinct=True)}),
        (
            Finding,
            {
                "n": Count("id"),
                "rubbish": Count("id", filter=Q(kind="rubbish")),
                "at_places": Count("key_place"),
                "places": Count("key_place", distinct=True),
                "hazard_places": Count("key_place", filter=Q(kind="hazard"), distinct=True),
            },
        ),
    ]
    for model, aggregates in cases:
        for levels in (AREA_LEVELS, ("community", "district")):
            with CaptureQueriesContext(connection) as captured:
                together = grouped_by_level(model.objects.all(), model, levels, **aggregates)
            assert len(captured) == 1 and ") x INNER JOIN (" in captured[0]["sql"]
            assert together == _each_level_alone(model, levels, aggregates)
    w = march_activity
    findings = grouped_by_level(Finding.objects.all(), Finding, **cases[2][1])
    assert findings["community"][w.communities["A1"].pk] == {
        "n": 3,
        "rubbish": 3,
        "at_places": 1,
        "places": 1,
        "hazard_places": 0,
    }
    assert findings["grid"][w.grids["A1a"].pk]["places"] == 0  # NULL is no place
    near = grouped_by_level(CheckIn.objects.all(), CheckIn, **cases[1][1])
    assert near["district"][w.district.pk] == {"near": 1}
    # Not a count: rolled up over the rows themselves, with the same answer.
    with CaptureQueriesContext(connection) as captured:
        summed = grouped_by_level(CheckIn.objects.all(), CheckIn, metres=Sum("distance_m"))
    assert ") x INNER JOIN (" not in captured[0]["sql"]
    assert summed["community"][w.communities["A1"].pk] == {"metres": 9.0}
