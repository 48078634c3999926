"""The pages read the requests desk's monthly summary: with requests written only through the
desk's services (no rebuild), the overview's grid values and trend equal the desk's raw
indicators, and the month figures equal the queue lists they link to."""

import datetime

import pytest

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def submitted(world, categories):
    """Requests in street A written through the services: some reported in April and closed in
    May (1 May 01:00 in Shanghai), some reported and closed in May, one redone after an
    unsatisfied rating, one overdue now, one in street B."""
    import time_machine

    from requests_desk import flow
    from requests_desk.models import Request
    from requests_desk.services import request_create

    admin = world.users.district_admin

    def make(grid, when):
        g = world.grids[grid]
        return request_create(
            source=Request.Source.GRID_PATROL,
            category=categories["E0103"],
            description="小区门口有暴露垃圾，没人清理",
            location=(g.boundary.centroid.x, g.boundary.centroid.y),
            now=when,
        )

    def rate(item, scores, *, now):
        keys = ("speed", "result", "service", "feedback_quality")
        flow.transition(
            case=item, action="rate", by=None, now=now, **dict(zip(keys, scores, strict=True))
        )

    def act(item, action, when, **params):
        flow.transition(case=item, action=action, by=admin, now=when, **params)
        item.refresh_from_db()

    def handled(item, when):
        act(item, "accept", when)
        act(item, "file", when)
        if item.grid_id == world.grids["A1a"].pk:
            act(item, "dispatch", when, target=world.users.grid_worker)
        else:
            act(item, "dispatch", when, target=item.community)
        act(item, "start", when)
        act(item, "feedback", when + datetime.timedelta(hours=1), note="已清理")
        act(item, "verify", when + datetime.timedelta(hours=1))

    april = datetime.datetime(2026, 4, 20, 2, tzinfo=UTC)
    may = datetime.datetime(2026, 5, 6, 2, tzinfo=UTC)
    for grid in ("A1a", "A1a", "A2b"):
        item = make(grid, april)
        handled(item, april)
        act(item, "close", datetime.datetime(2026, 4, 30, 17, tzinfo=UTC))
    for grid in ("A1a", "A1b", "B1a"):
        item = make(grid, may)
        handled(item, may)
        act(item, "close", may + datetime.timedelta(hours=3))
        rate(item, (5, 4, 5, 4), now=may)
    redone = make("A1a", may)
    handled(redone, may)
    act(redone, "close", may + datetime.timedelta(hours=2))
    rate(redone, (1, 2, 1, 2), now=may)
    late = make("A1a", datetime.datetime(2026, 5, 14, 2, tzinfo=UTC))
    act(late, "accept", late.created_at)
    act(late, "file", late.created_at)
    act(late, "dispatch", late.created_at, target=late.community)
    make("A2a", datetime.datetime(2026, 5, 15, 1, tzinfo=UTC))
    with time_machine.travel(datetime.datetime(2026, 5, 15, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def _one_person_may_verify(settings):
    """These tests count figures; one person takes each case through every step. Separation of
    duties (on by default) has its own tests (requests_desk/tests/test_separation_of_duties.py)."""
    settings.REDGRID_REQUESTS_DESK_SEPARATE_VERIFICATION = False


def test_overview_equals_the_raw_indicators(world, submitted, client_as):
    from dashboards.indicators import _request_values
    from requests_desk.indicators import request_indicators

    response = client_as(world.users.street_staff).get("/overview/")
    start, end = datetime.date(2025, 6, 1), datetime.date(2026, 6, 1)
    raw = {
        row["grid_id"]: _request_values(row)
        for row in request_indicators(
            start=start, end=end, user=world.users.street_staff, group_by=("grid",)
        )
    }
    shown = {
        row["id"]: {v["key"]: v["value"] for v in row["values"]}
        for row in response.context["ranking"]
    }
    assert raw  # street A has requests
    for grid_id, values in raw.items():
        for key in ("overdue_rate", "on_time_closure_rate", "satisfaction"):
            assert shown[grid_id][key] == values[key], (grid_id, key)
    trend = {row["month"]: row for row in response.context["trend"]}
    raw_months = request_indicators(
        start=start, end=end, user=world.users.street_staff, group_by=("month",)
    )
    for row in raw_months:
        expected = _request_values(row)
        expected.pop("requests_per_1000")
        assert {k: trend[row["month"].strftime("%Y-%m")][k] for k in expected} == expected
    assert trend["2026-05"]["received"] == 5 and trend["2026-04"]["received"] == 3


@pytest.mark.parametrize("username", ["grid_head", "street_staff", "district_admin"])
def test_month_figures_equal_the_queue_they_link_to(world, submitted, client_as, username):
    client = client_as(getattr(world.users, username))
    figures = {f.key: f for f in client.get("/dashboard/").context["figures"]}
    for key in ("received", "closed"):
        for count, url in (
            (figures[key].current, figures[key].url),
            (figures[key].previous, figures[key].previous_url),
        ):
            page = client.get(url).context["page"]
            assert page.next_cursor is None
            assert len(page.rows) == count, (key, url)
    # Grid A1a: received 3 in May, 2 in April; closed 2 + 1 in May (the April reports closed on
    # 1 May local time; the redone one is no longer closed), none in April.
    expected = {
        "grid_head": ((3, 2), (3, 0)),
        "street_staff": ((5, 3), (5, 0)),
        "district_admin": ((6, 3), (6, 0)),
    }[username]
    assert (figures["received"].current, figures["received"].previous) == expected[0]
    assert (figures["closed"].current, figures["closed"].previous) == expected[1]
