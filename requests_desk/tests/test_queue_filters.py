"""The queue filters the dashboards link to (reported/closed days in Asia/Shanghai, inclusive;
nearly due) return exactly the rows they should, the same on the queue page, in the API and in
Request.objects.nearly_due; the overdue rate of the indicators."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from requests_desk.indicators import request_indicators
from requests_desk.models import Request, Stage
from requests_desk.tests.factories import RequestFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=SHANGHAI)
QUEUE = reverse("requests_desk:queue")


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def seen(client, world):
    """The codes the grid head's queue page and API list show for the given parameters (both
    must agree)."""
    client.force_login(world.users.grid_head)

    def codes(**params):
        page = client.get(QUEUE, {"stage": "", **params})
        assert page.status_code == 200
        api = client.get("/api/v1/requests/", {**params, "limit": 200})
        assert api.status_code == 200
        from_page = {row.code for row in page.context["page"].rows}
        assert from_page == {row["code"] for row in api.json()["results"]}
        return from_page

    return codes


def test_reported_days_are_local_and_inclusive(world, categories, seen, frozen):
    grid = world.grids["A1a"]
    make = lambda when: RequestFactory(grid=grid, created_at=when).code  # noqa: E731
    before = make(at(2026, 2, 28, 23, 59, 59))
    first = make(at(2026, 3, 1, 0, 0))  # 2026-02-28 16:00 UTC: a UTC day filter would miss it
    last = make(at(2026, 3, 31, 23, 59, 59))
    after = make(at(2026, 4, 1, 0, 0))
    assert seen(reported_from="2026-03-01", reported_to="2026-03-31") == {first, last}
    assert seen(reported_from="2026-03-31", reported_to="2026-03-31") == {last}
    assert seen(reported_to="2026-02-28") == {before}
    assert seen(reported_from="2026-04-01") == {after}


def test_closed_days_are_local_and_inclusive(world, categories, seen, frozen):
    grid = world.grids["A1a"]

    def make(when, stage=Stage.CLOSED):
        return RequestFactory(
            grid=grid,
            created_at=at(2026, 2, 1, 9, 0),
            stage=stage,
            closure_type=Request.ClosureType.NORMAL if when else "",
            closed_at=when,
        ).code

    make(at(2026, 3, 9, 23, 59))
    inside = make(at(2026, 3, 10, 0, 0))
    end = make(at(2026, 3, 12, 23, 59, 59))
    make(at(2026, 3, 13, 0, 0))
    make(None, stage=Stage.HANDLING)  # never closed: never in a closed-days list
    assert seen(closed_from="2026-03-10", closed_to="2026-03-12") == {inside, end}
    assert seen(closed_from="2026-03-10", closed_to="2026-03-12", stage="closed") == {inside, end}


def test_nearly_due_is_the_window_before_the_deadline(world, categories, seen, frozen, settings):
    settings.REDGRID_REQUESTS_DESK_NEARLY_DUE_HOURS = 4
    grid = world.grids["A1a"]

    def make(due, stage=Stage.HANDLING):
        return RequestFactory(
            grid=grid,
            stage=stage,
            due_at=due,
            closure_type="normal" if stage == Stage.CLOSED else "",
            dispatched_at=NOW - datetime.timedelta(days=1),
        ).code

    hour = datetime.timedelta(hours=1)
    now_due = make(NOW)  # due this instant: not yet overdue, nearly due
    soon = make(NOW + 3 * hour, stage=Stage.DISPATCHED)
    make(NOW + 4 * hour)  # the window's end is excluded
    make(NOW + 5 * hour)
    late = make(NOW - hour)
    make(NOW + hour, stage=Stage.FEEDBACK)  # the clock has stopped
    make(NOW + hour, stage=Stage.CLOSED)
    assert seen(nearly_due="on") == {now_due, soon}
    assert seen(overdue="on") == {late}
    assert set(Request.objects.nearly_due(NOW).values_list("code", flat=True)) == {now_due, soon}
    assert set(Request.objects.overdue(NOW).values_list("code", flat=True)) == {late}
    flags = {
        r.code: (r.flag_overdue, r.flag_nearly_due) for r in Request.objects.with_due_flags(NOW)
    }
    assert flags[late] == (True, False) and flags[soon] == (False, True)
    assert sum(n for _o, n in flags.values()) == 2 and sum(o for o, _n in flags.values()) == 1
    for row in Request.objects.all():
        assert row.is_nearly_due(NOW) == (row.code in {now_due, soon})
        assert row.is_overdue(NOW) == (row.code == late)


def test_queue_badges_follow_the_same_rule(client, world, categories, frozen):
    grid = world.grids["A1a"]
    late = RequestFactory(grid=grid, stage=Stage.HANDLING, due_at=NOW - datetime.timedelta(1))
    soon = RequestFactory(grid=grid, stage=Stage.HANDLING, due_at=NOW + datetime.timedelta(hours=1))
    client.force_login(world.users.grid_head)
    rows = {r.code: r for r in client.get(QUEUE).context["page"].rows}
    assert rows[late.code].flag_overdue and not rows[late.code].flag_nearly_due
    assert rows[soon.code].flag_nearly_due and not rows[soon.code].flag_overdue


def test_a_reversed_date_range_is_refused(client, world):
    client.force_login(world.users.grid_head)
    response = client.get(QUEUE, {"reported_from": "2026-03-02", "reported_to": "2026-03-01"})
    assert "结束日期早于开始日期" in response.content.decode()
    response = client.get(
        "/api/v1/requests/", {"closed_from": "2026-03-02", "closed_to": "2026-03-01"}
    )
    assert response.status_code == 400 and "closed_to" in response.json()
    response = client.get("/api/v1/requests/", {"reported_from": "3/1/2026"})
    assert response.status_code == 400 and "reported_from" in response.json()


def test_overdue_rate_is_overdue_unhandled_over_dispatched(world, categories, frozen):
    grid = world.grids["A1a"]
    day = datetime.timedelta(days=1)
    common = {"grid": grid, "created_at": NOW - 3 * day, "dispatched_at": NOW - 2 * day}
    RequestFactory(stage=Stage.HANDLING, due_at=NOW - day, **common)
    RequestFactory(stage=Stage.DISPATCHED, due_at=NOW + day, **common)
    RequestFactory(stage=Stage.FEEDBACK, due_at=NOW - day, handled_at=NOW - day, **common)
    RequestFactory(stage=Stage.HANDLING, due_at=NOW - day, **common)
    RequestFactory(grid=grid, created_at=NOW - 3 * day)  # not dispatched
    (row,) = request_indicators(start=NOW - 10 * day, end=NOW, group_by=(), now=NOW)
    assert row["dispatched"] == 4 and row["overdue_unhandled"] == 2
    assert row["overdue_rate"] == 0.5
    (empty,) = request_indicators(start=NOW - 30 * day, end=NOW - 20 * day, group_by=(), now=NOW)
    assert empty["overdue_rate"] is None


def test_sorting_by_due_time_keeps_cases_without_one_last(client, world, categories, frozen):
    """期限最近在前 with the 已立案 filter used to say "no requests match" while six existed: the
    sort dropped every case without a due time. Now they come after the others, on the page,
    across its pages and in the API."""
    grid = world.grids["A1a"]
    filed = [
        RequestFactory(grid=grid, stage=Stage.FILED, created_at=NOW - datetime.timedelta(hours=i))
        for i in range(6)
    ]
    later = RequestFactory(grid=grid, stage=Stage.HANDLING, due_at=NOW + datetime.timedelta(days=2))
    sooner = RequestFactory(
        grid=grid, stage=Stage.HANDLING, due_at=NOW + datetime.timedelta(hours=2)
    )
    client.force_login(world.users.grid_head)

    page = client.get(QUEUE, {"stage": "filed", "sort": "due"})
    assert [r.code for r in page.context["page"].rows] == [
        r.code for r in sorted(filed, key=lambda r: r.pk)
    ]
    assert "没有符合条件的诉求" not in page.content.decode()

    every = client.get(QUEUE, {"stage": "", "sort": "due"}).context["page"].rows
    assert [r.code for r in every[:2]] == [sooner.code, later.code]
    assert {r.code for r in every[2:]} == {r.code for r in filed}

    api = client.get("/api/v1/requests/", {"stage": "", "sort": "due", "limit": 50}).json()
    assert [r["code"] for r in api["results"][:2]] == [sooner.code, later.code]
    assert len(api["results"]) == 8


def test_due_sort_pages_through_the_cases_without_one(client, world, categories, frozen, settings):
    settings.REDGRID_REQUESTS_DESK_QUEUE_PAGE_SIZE = 3
    grid = world.grids["A1a"]
    dated = [
        RequestFactory(grid=grid, stage=Stage.HANDLING, due_at=NOW + datetime.timedelta(hours=i))
        for i in range(1, 5)
    ]
    undated = [RequestFactory(grid=grid, stage=Stage.FILED) for _ in range(4)]
    client.force_login(world.users.grid_head)
    seen_codes, url, params = [], QUEUE, {"stage": "", "sort": "due"}
    while url:
        response = client.get(url, params)
        seen_codes += [r.code for r in response.context["page"].rows]
        next_url = response.context["next_url"]
        url, params = (QUEUE + next_url, None) if next_url else (None, None)
    assert seen_codes == [r.code for r in dated] + [
        r.code for r in sorted(undated, key=lambda r: r.pk)
    ]
