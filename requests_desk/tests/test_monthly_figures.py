"""The per-(area, month) request summary stays exact: every kind of write keeps it equal to a
rebuild from the requests and to the raw indicators, concurrent writers neither lose counts nor
deadlock, and the readers get the same rows as request_indicators."""

import datetime
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.utils import timezone

from requests_desk import flow
from requests_desk.indicators import monthly_request_indicators, request_indicators
from requests_desk.models import MonthlyRequestFigures, Request, Stage
from requests_desk.monthly import COUNTERS, bucket_of, monthly_figures_rebuild
from requests_desk.services import request_create, request_reroute

UTC = datetime.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
# "Now" in these tests: 20 May 2026, 12:00 in Shanghai.
NOW = datetime.datetime(2026, 5, 20, 4, tzinfo=UTC)
MONTHS = (datetime.date(2026, 3, 1), datetime.date(2026, 5, 1))


@pytest.fixture(autouse=True)
def _one_person_may_verify(settings):
    """These tests count figures; one person takes each case through every step. Separation of
    duties (on by default) has its own tests (requests_desk/tests/test_separation_of_duties.py)."""
    settings.REDGRID_REQUESTS_DESK_SEPARATE_VERIFICATION = False


def at(month, day, hour=10):
    """A moment in 2026, local (Shanghai) time."""
    return datetime.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def summary() -> dict:
    """The summary's rows that count something: {(bucket, month): {counter: value}}."""
    rows = {}
    for row in MonthlyRequestFigures.objects.values("bucket", "month", *COUNTERS):
        counts = {c: row[c] for c in COUNTERS}
        if any(counts.values()):
            rows[(row["bucket"], row["month"])] = counts
    return rows


def rebuilt() -> dict:
    """What monthly_figures_rebuild makes of the requests now (rolled back afterwards, so the
    incrementally kept rows stay under test)."""
    savepoint = transaction.savepoint()
    monthly_figures_rebuild()
    rows = summary()
    transaction.savepoint_rollback(savepoint)
    return rows


def assert_exact():
    """The incrementally kept summary equals the rebuild, and its indicators equal the raw
    request_indicators of the same months, for every grouping."""
    assert summary() == rebuilt()
    start, end = MONTHS[0], datetime.date(2026, 6, 1)
    for group_by in [("grid", "month"), ("street",), ("community", "month"), ("month",), ()]:
        raw = request_indicators(start=start, end=end, group_by=group_by)
        monthly = monthly_request_indicators(
            first_month=MONTHS[0], last_month=MONTHS[1], group_by=group_by
        )
        # The summary also has rows of groups where older requests were merely closed.
        monthly = [r for r in monthly if r["reports"] or not group_by]
        assert len(monthly) == len(raw), group_by
        for expected, got in zip(raw, monthly, strict=True):
            if "month" in expected:
                expected = {**expected, "month": timezone.localtime(expected["month"]).date()}
            assert {k: got[k] for k in expected} == expected, group_by


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def make(world, categories):
    def make_one(when, grid="A1a", code="E0103", **kwargs):
        g = world.grids[grid]
        if "community" not in kwargs:
            kwargs.setdefault("location", (g.boundary.centroid.x, g.boundary.centroid.y))
        return request_create(
            source=kwargs.pop("source", Request.Source.GRID_PATROL),
            category=categories[code],
            description=kwargs.pop("description", "小区门口有暴露垃圾，没人清理"),
            now=when,
            **kwargs,
        )

    return make_one


def rate(item, scores, *, now):
    """The resident's rating: speed, result, service and feedback quality."""
    keys = ("speed", "result", "service", "feedback_quality")
    flow.transition(
        case=item, action="rate", by=None, now=now, **dict(zip(keys, scores, strict=True))
    )


def act(item, action, when, by, **params):
    flow.transition(case=item, action=action, by=by, now=when, **params)
    item.refresh_from_db()
    return item


def handle(item, when, by, *, target=None, hours=1):
    """accept → file → dispatch (to `target`, else the community) → start → feedback after
    `hours` → verify."""
    act(item, "accept", when, by)
    act(item, "file", when, by)
    act(item, "dispatch", when, by, target=target or item.community)
    act(item, "start", when, by)
    act(item, "feedback", when + datetime.timedelta(hours=hours), by, note="已清理完毕")
    return act(item, "verify", when + datetime.timedelta(hours=hours), by)


def test_every_kind_of_write_keeps_the_summary_exact(world, make, frozen):
    admin_user, worker = world.users.district_admin, world.users.grid_worker

    # Created in April, handled by the grid worker within the limit, closed, rated satisfied.
    on_time = handle(make(at(4, 3)), at(4, 3), admin_user, target=worker)
    assert_exact()
    act(on_time, "close", at(4, 3, 15), admin_user)
    assert on_time.closure_type == Request.ClosureType.NORMAL
    rate(on_time, (5, 5, 4, 4), now=NOW)
    assert_exact()

    # Created in April, handled two weeks late, closed on 1 May (local; still April in UTC):
    # an overdue closure counted in April's cohort and in May's closures.
    late = handle(make(at(4, 6)), at(4, 6), admin_user, hours=24 * 14)
    act(late, "close", at(5, 1, 1), admin_user)
    assert late.closure_type == Request.ClosureType.OVERDUE
    may = MonthlyRequestFigures.objects.get(bucket=bucket_of(*_place(late)), month=MONTHS[1])
    assert may.closed_in_month == 1 and may.reports == 0
    assert_exact()
    # Unsatisfied: redone — dispatched again, no longer closed.
    rate(late, (2, 2, 2, 1), now=NOW)
    late.refresh_from_db()
    assert late.stage == Stage.DISPATCHED
    assert_exact()

    # Rework, then closed.
    reworked = handle(make(at(4, 8)), at(4, 8), admin_user)
    act(reworked, "rework", at(4, 9), admin_user, note="没有清理干净")
    act(reworked, "feedback", at(4, 9, 12), admin_user, note="重新清理")
    act(reworked, "verify", at(4, 9, 12), admin_user)
    act(reworked, "close", at(4, 9, 14), admin_user)
    assert_exact()

    # Extension requested and approved; another requested and refused.
    extended = make(at(5, 4))
    for action in ("accept", "file"):
        act(extended, action, at(5, 4), admin_user)
    act(extended, "dispatch", at(5, 4), admin_user, target=extended.community)
    act(extended, "request_extension", at(5, 4, 11), admin_user, working_days=2, note="需要协调")
    act(extended, "approve_extension", at(5, 4, 12), admin_user)
    act(extended, "request_extension", at(5, 4, 13), admin_user, working_days=3, note="还需协调")
    act(extended, "reject_extension", at(5, 4, 14), admin_user)
    assert extended.extension_count == 1
    assert_exact()

    # Merged into the extended one; cancelled; carried over and resumed.
    merged = make(at(5, 5), description="同一处暴露垃圾又有人报")
    act(merged, "merge", at(5, 5, 11), admin_user, into=extended.code)
    cancelled = make(at(5, 6), description="重复上报的暴露垃圾")
    act(cancelled, "cancel", at(5, 6, 11), admin_user, reason="重复上报")
    carried = make(at(5, 7), grid="A2b")
    for action in ("accept", "file"):
        act(carried, action, at(5, 7), admin_user)
    act(carried, "dispatch", at(5, 7), admin_user, target=carried.community)
    act(carried, "carry_over", at(5, 7, 11), admin_user, note="需要统筹解决")
    act(carried, "resume", at(5, 8), admin_user)
    assert_exact()

    # A hotline request placed in its community only, then routed to a grid (and rated after
    # closing in another street's grid, to move a rating with it).
    hotline = make(
        at(5, 9), community=world.communities["A1"], source=Request.Source.HOTLINE, location=None
    )
    assert hotline.grid_id is None
    assert_exact()
    request_reroute(case=hotline, grid=world.grids["A1b"])
    assert hotline.grid_id == world.grids["A1b"].pk
    assert_exact()
    elsewhere = handle(make(at(4, 12), grid="B2b"), at(4, 12), admin_user)
    act(elsewhere, "close", at(4, 12, 16), admin_user)
    rate(elsewhere, (4, 4, 4, 3), now=NOW)
    request_reroute(case=elsewhere, grid=world.grids["B1a"])
    assert_exact()

    # Overdue now (dispatched on 18 May, a 4-working-hour limit): counted live.
    overdue = make(at(5, 18))
    for action in ("accept", "file"):
        act(overdue, action, at(5, 18), admin_user)
    act(overdue, "dispatch", at(5, 18), admin_user, target=worker)
    assert overdue.is_overdue(NOW)
    assert_exact()

    # An edit in the admin (the counters are editable there) and deletes.
    model_admin = admin.site._registry[Request]
    edited = Request.objects.get(pk=extended.pk)
    edited.rework_count, edited.extension_count = 2, 0
    model_admin.save_model(None, edited, None, True)
    assert_exact()
    model_admin.delete_model(None, Request.objects.get(pk=cancelled.pk))
    model_admin.delete_queryset(None, Request.objects.filter(pk__in=[on_time.pk, elsewhere.pk]))
    assert_exact()
    assert not Request.objects.filter(pk__in=[on_time.pk, cancelled.pk, elsewhere.pk]).exists()


def _place(case):
    return case.street_id, case.community_id, case.grid_id


def test_summary_rows_carry_the_counts_of_their_cohort(world, make, frozen):
    admin_user = world.users.district_admin
    item = handle(make(at(4, 3)), at(4, 3), admin_user, target=world.users.grid_worker)
    act(item, "close", at(4, 3, 15), admin_user)
    rate(item, (5, 4, 4, 4), now=NOW)
    make(at(4, 20))
    row = MonthlyRequestFigures.objects.get(
        bucket=bucket_of(*_place(item)), month=datetime.date(2026, 4, 1)
    )
    assert (row.reports, row.accepted, row.filed, row.dispatched, row.handled) == (2, 1, 1, 1, 1)
    assert (row.handled_on_time, row.closed, row.closed_on_time, row.self_handled) == (1, 1, 1, 1)
    assert (row.rated, row.satisfied, row.satisfaction_sum) == (1, 1, Decimal("4.25"))
    assert row.handling_count == 1 and row.handling_microseconds == 3600 * 10**6
    assert row.closed_in_month == 1
    (total,) = monthly_request_indicators(first_month=MONTHS[0], last_month=MONTHS[1], group_by=())
    assert total["avg_handling_hours"] == 1.0 and total["satisfaction_score"] == 4.25
    assert total["closure_rate"] == 1.0 and total["overdue_unhandled"] == 0


def test_monthly_indicators_are_two_queries_and_scoped(
    world, make, frozen, django_assert_num_queries
):
    make(at(5, 2))
    make(at(5, 3), grid="B2b")
    with django_assert_num_queries(2):
        rows = monthly_request_indicators(
            first_month=MONTHS[0],
            last_month=MONTHS[1],
            user=world.users.street_staff,
            group_by=("street", "month"),
        )
    assert [(r["street__name"], r["month"], r["reports"]) for r in rows] == [
        ("A街道", MONTHS[1], 1)
    ]
    rows = monthly_request_indicators(
        first_month=MONTHS[0], last_month=MONTHS[1], user=world.users.grid_head, group_by=()
    )
    assert rows[0]["reports"] == 1
    rows = monthly_request_indicators(
        first_month=MONTHS[0], last_month=MONTHS[0], group_by=("grid",)
    )
    assert rows == []


def test_rebuild_of_some_months_leaves_the_others(world, make, frozen):
    april, may = make(at(4, 3)), make(at(5, 3))
    MonthlyRequestFigures.objects.update(reports=99)
    assert monthly_figures_rebuild(months=[datetime.date(2026, 5, 17)]) == 1
    counts = dict(MonthlyRequestFigures.objects.values_list("month", "reports"))
    assert counts == {datetime.date(2026, 4, 1): 99, datetime.date(2026, 5, 1): 1}
    assert monthly_figures_rebuild() == 2
    assert summary() == rebuilt()
    assert {april.pk, may.pk} == set(Request.objects.values_list("pk", flat=True))


def test_rebuild_command_and_nightly_schedule(world, make, frozen):
    import importlib
    import io

    from django.apps import apps
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from redgrid.celery import app
    from requests_desk.tasks import monthly_figures_rebuild as task

    make(at(5, 3))
    MonthlyRequestFigures.objects.all().delete()
    out = io.StringIO()
    call_command("monthly_figures_rebuild", "2026-05", stdout=out)
    assert "1 rows" in out.getvalue()
    assert task(months=["2026-04"]) == 0 and task() == 1
    migration = importlib.import_module("requests_desk.migrations.0003_monthly_figures")
    migration.seed(apps, None)
    migration.seed(apps, None)  # idempotent
    (scheduled,) = PeriodicTask.objects.filter(task=migration.REBUILD_TASK)
    assert scheduled.enabled and str(scheduled.crontab.timezone) == "Asia/Shanghai"
    app.loader.import_default_modules()
    assert migration.REBUILD_TASK in app.tasks


def test_summary_months_are_local(world, make, frozen):
    # 30 April 17:00 UTC is 1 May 01:00 in Shanghai.
    item = make(datetime.datetime(2026, 4, 30, 17, tzinfo=UTC))
    (row,) = MonthlyRequestFigures.objects.filter(bucket=bucket_of(*_place(item)))
    assert row.month == datetime.date(2026, 5, 1)
    assert summary() == rebuilt()


# --- Concurrency ------------------------------------------------------------------------------------
def _in_threads(jobs):
    """Run the callables at the same moment, each in its own thread and connection; return the
    exceptions raised."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer is stuck"
    return errors


# serialized_rollback: the seeded categories come back for the tests after these on this worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_in_one_grid_give_exact_counts(transactional_db, world, make):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent writers")
    admin_user = world.users.district_admin
    now = timezone.now()
    # Requests to close and to move while others are being submitted in the same grid.
    to_close = [
        handle(make(now, description=f"待结案的问题{i}"), now, admin_user) for i in range(4)
    ]
    in_a1a = [make(now, description=f"要改派的问题{i}") for i in range(3)]
    in_a1b = [make(now, grid="A1b", description=f"要改派的问题B{i}") for i in range(3)]
    jobs = [lambda i=i: make(timezone.now(), description=f"并发上报的问题{i}") for i in range(8)]
    jobs += [lambda r=r: flow.transition(case=r, action="close", by=admin_user) for r in to_close]
    # Opposite moves between two grids: each touches both buckets.
    jobs += [lambda r=r: request_reroute(case=r, grid=world.grids["A1b"]) for r in in_a1a]
    jobs += [lambda r=r: request_reroute(case=r, grid=world.grids["A1a"]) for r in in_a1b]
    errors = _in_threads(jobs)
    assert errors == []
    month = timezone.localdate().replace(day=1)
    a1a = MonthlyRequestFigures.objects.get(bucket=bucket_of(*_place(to_close[0])), month=month)
    assert a1a.reports == 4 + 3 + 8 and a1a.closed == 4
    assert Request.objects.filter(grid=world.grids["A1a"]).count() == a1a.reports
    with transaction.atomic():
        assert summary() == rebuilt()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opposite_moves_between_two_grids_do_not_deadlock(transactional_db, world, make):
    """Two writers each touching the same two buckets in opposite directions take the rows in
    the same order: made to queue behind a third transaction holding the first row, neither
    can hold one row while waiting for the other."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent writers")
    import time

    now = timezone.now()
    one, two = make(now), make(now, grid="A1b", description="另一网格的暴露垃圾")
    month = timezone.localdate().replace(day=1)
    first = min(bucket_of(*_place(one)), bucket_of(*_place(two)))
    held, release = threading.Event(), threading.Event()

    def hold_first_row():
        with transaction.atomic():
            list(
                MonthlyRequestFigures.objects.select_for_update().filter(bucket=first, month=month)
            )
            held.set()
            release.wait(timeout=30)

    def release_soon():
        assert held.wait(timeout=30)
        time.sleep(0.5)  # both movers are waiting now
        release.set()

    errors = _in_threads(
        [
            hold_first_row,
            release_soon,
            lambda: held.wait(30) and request_reroute(case=one, grid=world.grids["A1b"]),
            lambda: held.wait(30) and request_reroute(case=two, grid=world.grids["A1a"]),
        ]
    )
    assert errors == []
    with transaction.atomic():
        assert summary() == rebuilt()


def test_report_section_reads_the_summary_like_the_raw_indicators(world, make, frozen):
    from requests_desk.report_sections import KEYS, requests_section

    admin_user = world.users.district_admin
    # Reported in March, closed in April: only in April's closures, not in April's report.
    march = handle(make(at(3, 25)), at(3, 25), admin_user)
    act(march, "close", at(4, 2), admin_user)
    closed = handle(make(at(4, 3), grid="A2b"), at(4, 3), admin_user)
    act(closed, "close", at(4, 4), admin_user)
    rate(closed, (4, 4, 5, 5), now=NOW)
    make(at(4, 5), grid="B1a")
    make(at(4, 6), community=world.communities["A1"], location=None, source="hotline")
    start, end = datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)
    for level in ("grid", "community", "street"):
        expected = {
            row[f"{level}_id"]: {key: row[key] for key in KEYS}
            for row in request_indicators(start=start, end=end, group_by=(level,))
            if row[f"{level}_id"] is not None
        }
        assert requests_section(level=level, start=start, end=end) == expected, level
    (total,) = request_indicators(start=start, end=end, group_by=())
    district = requests_section(level="district", start=start, end=end)
    assert district == {world.district.pk: {key: total[key] for key in KEYS}}
    # A period that is not whole months is computed from the requests.
    partial = requests_section(level="street", start=start, end=datetime.date(2026, 4, 4))
    assert sum(values["reports"] for values in partial.values()) == 1


def test_report_section_all_levels_at_once_equals_level_by_level(
    world, make, frozen, django_assert_num_queries
):
    from core.hierarchy import AREA_LEVELS
    from requests_desk.report_sections import requests_all_levels, requests_section

    admin_user = world.users.district_admin
    march = handle(make(at(3, 25)), at(3, 25), admin_user)
    act(march, "close", at(4, 2), admin_user)  # closed in April, reported in March
    closed = handle(make(at(4, 3), grid="A2b"), at(4, 3), admin_user)
    act(closed, "close", at(4, 4), admin_user)
    rate(closed, (4, 4, 5, 5), now=NOW)
    make(at(4, 5), grid="B1a")
    make(at(4, 6), community=world.communities["A1"], location=None, source="hotline")
    for start, end in (
        (datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 4, 1)),  # nothing: the district's zeros
    ):
        # The summary's sums and the overdue count (GROUPING SETS), and the districts in force.
        with django_assert_num_queries(3):
            together = requests_all_levels(start=start, end=end)
        alone = {
            level: requests_section(level=level, start=start, end=end) for level in AREA_LEVELS
        }
        assert together == alone, start
    assert together["district"][world.district.pk]["reports"] == 0
    assert together["district"][world.district.pk]["closure_rate"] is None
    assert together["grid"] == {}
