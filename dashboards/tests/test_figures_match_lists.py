"""Every figure on the working page equals the figure of the list it links to."""

import pytest

pytestmark = pytest.mark.django_db


def _queue_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.next_cursor is None  # the whole list fits on one page
    return len(page.rows)


@pytest.mark.parametrize("username", ["grid_head", "community_staff", "street_staff"])
def test_request_figures_equal_the_queue_they_link_to(world, populate, client_as, username):
    populate(3)
    populate(2, grid="A1b")
    populate(1, grid="B1a")
    client = client_as(getattr(world.users, username))
    panel = client.get("/dashboard/").context["requests"]
    assert panel.waiting_total > 0 and panel.overdue_count > 0
    for waiting in panel.waiting:
        assert _queue_rows(client, waiting["url"]) == waiting["count"], waiting["stage"]
    assert _queue_rows(client, panel.overdue_url) == panel.overdue_count
    assert _queue_rows(client, panel.nearly_due_url) == panel.nearly_due_count
    assert panel.nearly_due_count > 0
    # The areas differ, and so do the figures: the grid head sees only their grid.
    expected_overdue = {"grid_head": 3, "community_staff": 5, "street_staff": 5}[username]
    assert panel.overdue_count == expected_overdue


@pytest.mark.parametrize("username", ["grid_head", "community_staff", "street_staff"])
def test_month_figures_equal_the_queue_they_link_to(world, populate, client_as, username):
    """Received (reported in the month) and closed (closed in the month) this month and last,
    on Asia/Shanghai days: each equals the rows of the queue it links to."""
    import datetime

    import time_machine

    from requests_desk.models import Request
    from requests_desk.monthly import monthly_figures_rebuild

    utc = datetime.UTC
    april = populate(2, now=datetime.datetime(2026, 4, 20, 12, tzinfo=utc))
    populate(1, grid="A1b", now=datetime.datetime(2026, 4, 10, 12, tzinfo=utc))
    populate(1, grid="B1a", now=datetime.datetime(2026, 5, 3, 12, tzinfo=utc))
    # Reported in April, closed 1 May 01:00 in Shanghai (still 30 April in UTC): closed in May.
    Request.objects.filter(pk=april["closed"][0].pk).update(
        closed_at=datetime.datetime(2026, 4, 30, 17, tzinfo=utc)
    )
    # Reported 1 May 00:30 in Shanghai (30 April in UTC): received in May.
    Request.objects.filter(pk=april["reported"][0].pk).update(
        created_at=datetime.datetime(2026, 4, 30, 16, 30, tzinfo=utc)
    )
    monthly_figures_rebuild()  # the updates above went around the desk's services
    with time_machine.travel(datetime.datetime(2026, 5, 15, 12, tzinfo=utc), tick=False):
        populate(3)
        client = client_as(getattr(world.users, username))
        figures = {f.key: f for f in client.get("/dashboard/").context["figures"]}
        for key in ("received", "closed"):
            figure = figures[key]
            assert figure.url and figure.previous_url
            assert _queue_rows(client, figure.url) == figure.current, key
            assert _queue_rows(client, figure.previous_url) == figure.previous, key
    expected = {  # (received this month, last month), (closed this month, last month)
        "grid_head": ((15 + 1, 10 - 1), (3 + 1, 2 - 1)),
        "community_staff": ((15 + 1, 10 - 1 + 5), (3 + 1, 2 - 1 + 1)),
        "street_staff": ((15 + 1, 10 - 1 + 5), (3 + 1, 2 - 1 + 1)),
    }[username]
    assert (figures["received"].current, figures["received"].previous) == expected[0]
    assert (figures["closed"].current, figures["closed"].previous) == expected[1]


def test_care_figures_equal_the_care_lists(world, households, client_as):
    households(3)
    client = client_as(world.users.grid_head)
    care = client.get("/dashboard/").context["care"]
    assert care["overdue_visits"] == 3  # never visited, registered long ago: all overdue
    assert care["unpaired"] == 2
    overdue_list = client.get(care["overdue_url"])
    assert overdue_list.context["page"].paginator.count == care["overdue_visits"]
    unpaired_list = client.get(care["unpaired_url"])
    assert unpaired_list.context["page"].paginator.count == care["unpaired"]


def test_care_panel_shows_counts_never_names(world, households, client_as):
    made = households(2)
    html = client_as(world.users.grid_head).get("/dashboard/").content.decode()
    for household in made:
        for resident in household.residents.all():
            assert resident.name not in html
    assert household.address not in html


def test_patrol_figure_equals_the_coverage_page(world, patrol_places, client_as):
    patrol_places(4)
    client = client_as(world.users.grid_head)
    patrols = client.get("/dashboard/").context["patrols"]
    assert patrols["not_visited"] == 4
    coverage = client.get(patrols["url"])
    assert coverage.context["overdue_count"] == patrols["not_visited"]


def test_patrol_figures_equal_the_coverage_page_of_the_month(world, client_as):
    import datetime

    import time_machine

    from patrols import services

    utc = datetime.UTC
    worker = world.users.grid_worker
    for at in (
        datetime.datetime(2026, 4, 10, 2, tzinfo=utc),
        datetime.datetime(2026, 4, 30, 17, tzinfo=utc),  # 1 May in Shanghai
        datetime.datetime(2026, 5, 12, 2, tzinfo=utc),
    ):
        patrol = services.patrol_start(worker=worker, now=at)
        services.patrol_end(patrol=patrol, by=worker, now=at + datetime.timedelta(hours=1))
    with time_machine.travel(datetime.datetime(2026, 5, 15, 12, tzinfo=utc), tick=False):
        client = client_as(world.users.grid_head)
        figures = {f.key: f for f in client.get("/dashboard/").context["figures"]}
        patrols = figures["patrols"]
        assert (patrols.current, patrols.previous) == (2, 1)
        assert client.get(patrols.url).context["patrol_total"] == patrols.current
        assert client.get(patrols.previous_url).context["patrol_total"] == patrols.previous


@pytest.mark.parametrize("username", ["grid_head", "street_staff", "district_admin"])
def test_request_lists_are_the_desks_lists(world, populate, username, settings):
    """The three lists, read in one ranked query, are the first rows of the desk's own lists:
    waiting for action (longest waiting first), overdue and nearly due (by due time), each with
    the queue's badges."""
    from django.utils import timezone

    from dashboards.selectors import requests_panel
    from requests_desk.models import Stage
    from requests_desk.selectors import requests_for

    settings.REDGRID_DASHBOARDS_LIST_LIMIT = 2
    populate(2)
    populate(2, grid="A1b")
    populate(2, grid="B1a")
    user = getattr(world.users, username)
    now = timezone.now()
    panel = requests_panel(user, now=now)
    qs = requests_for(user)
    expected = {
        "waiting": qs.filter(stage__in=Stage.WAITING).order_by("created_at", "id"),
        "overdue": qs.overdue(now).order_by("due_at", "id"),
        "nearly": qs.nearly_due(now).order_by("due_at", "id"),
    }
    shown = {
        "waiting": panel.waiting_rows,
        "overdue": panel.overdue_rows,
        "nearly": panel.nearly_due_rows,
    }
    for name, rows in shown.items():
        assert [r.pk for r in rows] == [r.pk for r in expected[name][:2]], name
        assert len(rows) == 2, name
        assert all(r.flag_overdue == (name == "overdue") for r in rows), name
        assert all(r.flag_nearly_due == (name == "nearly") for r in rows), name
