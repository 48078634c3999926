import types

import pytest

pytestmark = pytest.mark.django_db


def _by_grid(response):
    return {row["name"]: {v["key"]: v["value"] for v in row["values"]}
            for row in response.context["ranking"]}


def test_open_load_per_grid_from_the_desk_definitions(world, populate, client_as):
    from grids.models import AreaGrid

    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(population=4000)
    AreaGrid.objects.filter(pk=world.grids["A2b"].pk).update(population=1000)
    populate(2)  # A1a: 8 open, 2 of them overdue
    populate(1, grid="A2b")  # A2b: 4 open, 1 overdue
    response = client_as(world.users.street_staff).get("/overview/?indicator=open_per_1000")
    values = _by_grid(response)
    assert values["A1a网格"]["open_per_1000"] == 2.0
    assert values["A1a网格"]["overdue_rate"] == 25.0
    assert values["A2b网格"]["open_per_1000"] == 4.0
    assert values["A1b网格"]["overdue_rate"] is None  # nothing open: no rate, not 0
    # Ranked by the chosen indicator, fewer open requests per resident first, no data last.
    names = [row["name"] for row in response.context["ranking"]]
    assert names.index("A1a网格") < names.index("A2b网格")
    assert response.context["geo"]["indicator"] == "open_per_1000"
    switched = client_as(world.users.street_staff).get("/overview/?indicator=overdue_rate")
    assert switched.context["chosen"].key == "overdue_rate"


def test_overview_uses_the_desk_indicator_layer_when_it_lands(world, client_as, monkeypatch):
    """With requests_desk.indicators.by_area present, the overview shows its figures (the desk's
    rates are 0–1; the page shows per cent) and draws the 12-month trend with a table."""
    from grids.models import AreaGrid

    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(population=2000)
    AreaGrid.objects.filter(pk=world.grids["A1b"].pk).update(population=0)
    calls = []

    def by_area(*, level, start, end):
        calls.append((level, start, end))
        if level == "grid":
            return {world.grids["A1a"].pk: {"received": 10, "closed": 8,
                                            "on_time_closure_rate": 0.75, "satisfaction": 0.9,
                                            "overdue_rate": 0.1}}
        return {world.streets["A"].pk: {"received": 3, "closed": 2, "on_time_closure_rate": 0.5,
                                        "satisfaction": 1.0, "overdue_rate": 0.0}}

    from dashboards import sources

    real = sources.optional

    def fake_optional(app, module, name):
        if (app, module, name) == ("requests_desk", "indicators", "by_area"):
            return by_area
        return real(app, module, name)

    monkeypatch.setattr("dashboards.indicators.optional", fake_optional)
    response = client_as(world.users.street_staff).get("/overview/?indicator=satisfaction")
    values = _by_grid(response)
    assert values["A1a网格"] == {"requests_per_1000": 5.0, "overdue_rate": 10.0,
                                 "on_time_closure_rate": 75.0, "satisfaction": 90.0}
    assert values["A1b网格"]["requests_per_1000"] is None  # population unknown
    trend = response.context["trend"]
    assert len(trend) == 12 and trend[-1]["on_time_closure_rate"] == 50.0
    html = response.content.decode()
    assert 'id="ov-chart-volume"' in html and "echarts.min.js" in html
    assert "<th scope=\"row\">" + trend[0]["month"] in html  # the table alternative
    levels = [c[0] for c in calls]
    assert levels.count("grid") == 1 and levels.count("street") == 12


def test_no_source_no_indicator_selector(world, client_as, monkeypatch):
    monkeypatch.setattr("dashboards.indicators.optional", lambda *a: None)
    response = client_as(world.users.street_staff).get("/overview/")
    assert response.context["available"] == []
    assert 'id="ov-indicator"' not in response.content.decode()
    assert response.context["trend"] is None
