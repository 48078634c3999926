"""Generating monthly reports: hand-computed figures at every level, set-based queries,
immutable versioned snapshots, deterministic numbers."""

import pytest
from django.db import DatabaseError, transaction

from core.report_registry import SECTIONS, Metric, report_section
from reports.models import Report, ReportRun
from reports.services import report_run_execute, report_run_start, reports_generate
from reports.tests.conftest import FEBRUARY, MARCH

pytestmark = pytest.mark.django_db


def _generate(period=MARCH):
    run = ReportRun.objects.create(period=period)
    return run, {(r.level, r.node_code): r for r in reports_generate(period=period, run=run)}


def test_area_figures_match_hand_computed_fixture(places, in_april):
    w = places
    _run, reports = _generate()
    assert len(reports) == 1 + 2 + 4 + 8
    district = reports[("district", w.district.code)].numbers["area"]
    assert district == {
        "population": 64000,
        "households": 24000,
        "grids": 8,
        "key_places": 3,
        "grid_staff": 3,
    }
    street_a = reports[("street", w.streets["A"].code)].numbers["area"]
    assert street_a == {
        "population": 32000,
        "households": 12000,
        "grids": 4,
        "key_places": 2,
        "grid_staff": 3,
    }
    a1 = reports[("community", w.communities["A1"].code)].numbers["area"]
    assert (a1["grids"], a1["key_places"], a1["grid_staff"]) == (2, 2, 3)
    a1a = reports[("grid", w.grids["A1a"].code)].numbers["area"]
    assert (a1a["population"], a1a["key_places"], a1a["grid_staff"]) == (8000, 2, 2)
    b2b = reports[("grid", w.grids["B2b"].code)].numbers["area"]
    assert (b2b["key_places"], b2b["grid_staff"]) == (1, 0)  # missing areas get 0


def test_report_knows_its_area_and_ancestors(places, in_april):
    w = places
    _run, reports = _generate()
    grid_report = reports[("grid", w.grids["A1a"].code)]
    assert (
        grid_report.district_id,
        grid_report.street_id,
        grid_report.community_id,
        grid_report.grid_id,
    ) == (w.district.pk, w.streets["A"].pk, w.communities["A1"].pk, w.grids["A1a"].pk)
    street_report = reports[("street", w.streets["B"].code)]
    assert street_report.community_id is None and street_report.grid_id is None
    assert grid_report.code_version


def test_generation_is_set_based(places, in_april, django_assert_max_num_queries):
    """15 areas or 140: the same number of queries (a few per section and level)."""
    run = ReportRun.objects.create(period=MARCH)
    n_sections = len(SECTIONS)
    with django_assert_max_num_queries(4 * (n_sections * 4 + 2) + 8):
        reports_generate(period=MARCH, run=run)


def test_regenerating_adds_a_version_with_identical_numbers_and_keeps_the_old(places, in_april):
    _run1, first = _generate()
    _run2, second = _generate()
    key = ("grid", places.grids["A1a"].code)
    assert (first[key].version, second[key].version) == (1, 2)
    assert first[key].numbers == second[key].numbers
    assert Report.objects.filter(level="grid", node_code=key[1]).count() == 2
    old = Report.objects.get(pk=first[key].pk)
    assert old.numbers == first[key].numbers and old.generated_at == first[key].generated_at


def test_each_area_gets_its_own_next_version_of_its_month(places, in_april, monkeypatch):
    """A grid founded after two runs starts at version 1 while the others reach 3; another
    month's versions do not count. The index probes (PostgreSQL) and the grouping (elsewhere)
    read the same latest versions."""
    from django.db import connection

    from grids.tests.factories import AreaGridFactory
    from reports import services

    for _ in range(4):  # February's versions (1-4) must not move March's
        _generate(FEBRUARY)
    _generate()
    _generate()
    new_grid = AreaGridFactory(community=places.communities["A1"], code="A1NEW")
    _run, third = _generate()
    assert third[("grid", "A1NEW")].version == 1
    assert third[("grid", places.grids["A1a"].code)].version == 3
    assert third[("district", places.district.code)].version == 3
    keys = [(level, code) for level, code in third] + [("grid", "NO-SUCH-AREA")]
    probed = services._latest_versions(period=MARCH, keys=keys)
    assert probed[("grid", new_grid.code)] == 1 and ("grid", "NO-SUCH-AREA") not in probed
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert services._latest_versions(period=MARCH, keys=keys) == probed


def test_a_report_cannot_be_changed_in_the_database(places, in_april):
    _run, reports = _generate()
    report = next(iter(reports.values()))
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(numbers={"area": {"population": 1}})
    report.refresh_from_db()
    assert report.numbers["area"]["population"] != 1


def test_rates_and_hours_are_stored_rounded(world, in_april):
    @report_section(
        "test.rates",
        "测试",
        order=99,
        metrics=[Metric("share", "比例", unit="rate"), Metric("hours", "时长", unit="hours")],
    )
    def rates(*, level, start, end):
        if level != "grid":
            return {}
        return {world.grids["A1a"].pk: {"share": 1 / 3, "hours": 2.123456}}

    try:
        _run, reports = _generate()
    finally:
        SECTIONS.pop("test.rates")
    assert reports[("grid", world.grids["A1a"].code)].numbers["test.rates"] == {
        "share": 0.3333,
        "hours": 2.1235,
    }
    assert reports[("grid", world.grids["A1b"].code)].numbers["test.rates"] == {
        "share": 0.0,
        "hours": 0.0,
    }


def test_a_run_is_idempotent_and_records_progress(places, in_april):
    run = ReportRun.objects.create(period=MARCH, total_steps=1)
    report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.percent == 100 and run.reports_created == 15
    report_run_execute(run_id=run.pk)  # redelivered task (acks_late): nothing new
    assert Report.objects.count() == 15


def test_only_past_months_can_be_generated(world, in_april):
    import datetime

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        report_run_start(period=datetime.date(2026, 4, 1))
    run = report_run_start(period=FEBRUARY)
    assert run.period == FEBRUARY


def test_monthly_schedule_is_seeded():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # Transactional tests elsewhere flush the tables a data migration filled: run it again
    # (it is idempotent) and check what it writes.
    migration = importlib.import_module("reports.migrations.0002_immutable_reports_and_schedule")
    migration.seed_schedule(apps, None)
    migration.seed_schedule(apps, None)
    assert PeriodicTask.objects.filter(task="reports.tasks.generate_previous_month").count() == 1
    task = PeriodicTask.objects.get(task="reports.tasks.generate_previous_month")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "2", "1")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_beat_task_generates_last_month(places, in_april, django_capture_on_commit_callbacks):
    from reports.tasks import generate_previous_month

    with django_capture_on_commit_callbacks(execute=True):
        generate_previous_month.delay()
    assert set(Report.objects.values_list("period", flat=True)) == {MARCH}


def test_the_reports_returned_are_the_rows_written(places, in_april):
    """The reports are written with COPY on PostgreSQL, their keys drawn first: what the
    service returns is exactly what a read finds, in the read's order, and the table's own
    sequence goes on after them."""
    run, _ = _generate()
    returned = reports_generate(period=MARCH, run=run)
    stored = list(Report.objects.filter(run=run, version=2))
    assert [r.pk for r in returned] == [r.pk for r in stored]
    fields = [f.attname for f in Report._meta.concrete_fields]
    for mine, theirs in zip(returned, stored, strict=True):
        assert {f: getattr(mine, f) for f in fields} == {f: getattr(theirs, f) for f in fields}
        assert not mine._state.adding
    later = Report.objects.create(
        **{f: getattr(stored[0], f) for f in fields if f != "id"} | {"version": 3}
    )
    assert later.pk > max(r.pk for r in returned)


def test_names_with_tabs_backslashes_and_quotes_are_written_as_they_are(places, in_april):
    """COPY's text format has its own escapes: an area's name and the figures reach the table
    unchanged whatever characters they hold."""
    grid = places.grids["A1a"]
    odd = 'A1a\t"网格"\\N\n\\.'
    type(grid).objects.filter(pk=grid.pk).update(name=odd)
    _run, reports = _generate()
    stored = Report.objects.get(pk=reports[("grid", grid.code)].pk)
    assert stored.node_name == odd
    assert stored.numbers == reports[("grid", grid.code)].numbers
