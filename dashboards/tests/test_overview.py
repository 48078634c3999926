import pytest

pytestmark = pytest.mark.django_db


def _by_grid(response):
    return {
        row["name"]: {v["key"]: v["value"] for v in row["values"]}
        for row in response.context["ranking"]
    }


def test_grid_indicators_come_from_the_desk_indicator_layer(world, populate, client_as):
    from grids.models import AreaGrid

    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(population=4000)
    AreaGrid.objects.filter(pk=world.grids["A2b"].pk).update(population=0)
    # A1a: 10 requests reported, 6 dispatched of which 2 are overdue, 2 closed on time.
    populate(2)
    populate(1, grid="A2b")
    populate(3, grid="B1a")  # another street: not on street A's overview
    response = client_as(world.users.street_staff).get("/overview/?indicator=requests_per_1000")
    values = _by_grid(response)
    assert set(values) == {"A1a网格", "A1b网格", "A2a网格", "A2b网格"}
    assert values["A1a网格"] == {
        "requests_per_1000": 2.5,
        "overdue_rate": 33.3,
        "on_time_closure_rate": 100.0,
        "satisfaction": None,
        "registration_rate": None,
    }
    assert values["A2b网格"]["requests_per_1000"] is None  # population unknown: no rate, not 0
    assert values["A1b网格"]["overdue_rate"] is None  # nothing dispatched
    # Ranked by the chosen indicator, fewer requests per resident first, no data last.
    names = [row["name"] for row in response.context["ranking"]]
    assert names[-1] in ("A2b网格",) or values[names[-1]]["requests_per_1000"] is None
    assert response.context["geo"]["indicator"] == "requests_per_1000"
    switched = client_as(world.users.street_staff).get("/overview/?indicator=overdue_rate")
    assert switched.context["chosen"].key == "overdue_rate"
    assert switched.context["geo"]["grids"]["features"][0]["properties"]["values"]


def test_registration_rate_is_a_choropleth_indicator_with_a_ranking_column(world, client_as):
    """Members sit in a grid through their branch; each grid's rate on the overview equals the
    one its own dashboard shows."""
    from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
    from volunteers.tests.factories import RegistrationFactory

    a1a = PartyBranchFactory(grid=world.grids["A1a"])
    a2b = PartyBranchFactory(grid=world.grids["A2b"])
    for i in range(4):  # A1a: 3 of 4 registered
        member = PartyMemberFactory(branch=a1a)
        if i < 3:
            RegistrationFactory(member=member, grid=world.grids["A1a"])
    for i in range(5):  # A2b: 1 of 5
        member = PartyMemberFactory(branch=a2b)
        if i < 1:
            RegistrationFactory(member=member, grid=world.grids["A2b"])
    PartyMemberFactory(branch=PartyBranchFactory(grid=world.grids["B1a"]))  # another street
    client = client_as(world.users.street_staff)
    response = client.get("/overview/?indicator=registration_rate")
    assert response.context["chosen"].key == "registration_rate"
    assert response.context["geo"]["indicator"] == "registration_rate"
    values = _by_grid(response)
    assert values["A1a网格"]["registration_rate"] == 75.0
    assert values["A2b网格"]["registration_rate"] == 20.0
    assert values["A1b网格"]["registration_rate"] is None  # no member expected: no rate
    # Ranked best first, no data last.
    names = [row["name"] for row in response.context["ranking"]]
    assert names[:2] == ["A1a网格", "A2b网格"]
    features = {
        f["properties"]["name"]: f["properties"]["values"]
        for f in response.context["geo"]["grids"]["features"]
    }
    assert features["A2b网格"]["registration_rate"] == 20.0
    html = response.content.decode()
    assert '<option value="registration_rate" selected>' in html
    assert "75.0%" in html
    # The grid's own dashboard shows the same rate.
    tile = client_as(world.users.grid_head).get("/dashboard/").context["registration"]
    assert tile["rate"] == 75.0


def test_upcoming_meetings_on_the_dashboard(world, client_as):
    import datetime

    from django.utils import timezone

    from party_branches.models import Meeting
    from party_branches.tests.factories import PartyBranchFactory

    today = timezone.localdate()
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    other = PartyBranchFactory(grid=world.grids["A1b"])
    soon = Meeting.objects.create(
        branch=branch,
        kind=Meeting.Kind.BRANCH,
        agenda="议程",
        held_on=today + datetime.timedelta(days=2),
    )
    Meeting.objects.create(
        branch=branch,
        kind=Meeting.Kind.BRANCH,
        agenda="议程",
        held_on=today + datetime.timedelta(days=40),
    )  # too far ahead
    Meeting.objects.create(
        branch=other,
        kind=Meeting.Kind.BRANCH,
        agenda="议程",
        held_on=today + datetime.timedelta(days=1),
    )  # another grid
    upcoming = client_as(world.users.grid_head).get("/dashboard/").context["upcoming"]
    assert upcoming["meetings"] == [soon]
    community = client_as(world.users.community_staff).get("/dashboard/").context["upcoming"]
    assert len(community["meetings"]) == 2


def test_trend_has_twelve_months_and_a_table(world, populate, client_as):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 5, 15, 12, tzinfo=datetime.UTC), tick=False):
        populate(1)  # reported in May 2026
        response = client_as(world.users.community_staff).get("/overview/")
    trend = response.context["trend"]
    assert [row["month"] for row in trend][0] == "2025-06"
    assert trend[-1]["month"] == "2026-05"
    assert trend[-1]["received"] == 5 and trend[-1]["closed"] == 1
    assert trend[-1]["on_time_closure_rate"] == 100.0
    assert all(row["received"] == 0 for row in trend[:-1])
    html = response.content.decode()
    assert 'id="ov-chart-volume"' in html and "echarts.simple.min.js" in html
    assert '<th scope="row">2026-05</th><td>5</td><td>1</td>' in html  # the table alternative


def test_month_figures_on_the_dashboard(world, populate, client_as):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC), tick=False):
        populate(1)
    with time_machine.travel(datetime.datetime(2026, 5, 15, 12, tzinfo=datetime.UTC), tick=False):
        populate(2)
        response = client_as(world.users.grid_head).get("/dashboard/")
    figures = {f.key: f for f in response.context["figures"]}
    assert (figures["received"].current, figures["received"].previous) == (10, 5)
    assert (figures["closed"].current, figures["closed"].previous) == (2, 1)
    assert figures["received"].change == 5


def test_ranking_cells_are_the_escaped_indicator_values(world, populate, client_as):
    """The cells built in Python are what format_html_join gave (indicator_value, escaped)."""
    from django.utils.html import format_html_join

    from dashboards.templatetags.dashboards_values import indicator_value
    from grids.models import AreaGrid

    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(population=3000)
    populate(2)
    response = client_as(world.users.street_staff).get("/overview/")
    rows = response.context["ranking"]
    assert any(v["value"] is not None for row in rows for v in row["values"])
    assert any(v["value"] is None for row in rows for v in row["values"])
    for row in rows:
        expected = format_html_join(
            "",
            '<td data-indicator="{}">{}</td>',
            ((v["key"], indicator_value(v["value"], v["unit"])) for v in row["values"]),
        )
        assert row["cells"] == expected
        assert str(row["cells"]) in response.content.decode()


def test_ranking_rows_are_what_the_template_rendered(world, populate, client_as):
    """Each ranking row built in Python is the text of the template it replaced (escaped,
    localised), names with markup characters included."""
    from django.template import Context, Template

    from grids.models import AreaGrid

    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(name="A&B<网格>", population=12345)
    populate(2)
    response = client_as(world.users.street_staff).get("/overview/?indicator=overdue_rate")
    template = Template(
        '{% for row in ranking %}<tr data-grid="{{ row.code }}"><td>{{ forloop.counter }}</td>'
        '<td><a href="{{ row.url }}&amp;indicator={{ chosen.key }}">{{ row.name }}</a></td>'
        "<td>{{ row.population }}</td>\n      {{ row.cells }}</tr>|{% endfor %}"
    )
    context = response.context
    expected = template.render(
        Context({"ranking": context["ranking"], "chosen": context["chosen"]})
    )
    assert expected == "".join(f"{row['html']}|" for row in context["ranking"])
    assert "A&amp;B&lt;网格&gt;" in expected
