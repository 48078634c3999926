"""The maps' layers (area grids, sub-grids, key places, service positions) and the overview's
grids are cached on a change mark of their tables: every write shows at once, and nobody is
served another jurisdiction's layers."""

import json
import re

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.models import AreaGrid, Community, KeyPlace
from service_points.models import ServicePosition

pytestmark = pytest.mark.django_db


def _script(response, element_id):
    html = response.content.decode()
    match = re.search(f'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, element_id
    return json.loads(match.group(1))


def _place(grid, name):
    centre = grid.boundary.centroid
    return KeyPlace.objects.create(
        grid=grid, name=name, kind=KeyPlace.Kind.BUILDING_SITE, location=centre
    )


def test_the_layers_are_served_from_the_cache(world):
    """The second time, one query (the change mark) instead of the layers' four."""
    from dashboards.areas import area_of
    from dashboards.selectors import map_layers

    user = world.users.grid_head
    area = area_of(user)
    with CaptureQueriesContext(connection) as first:
        built = map_layers(user, area)
    with CaptureQueriesContext(connection) as second:
        cached = map_layers(user, area)
    assert cached == built
    assert len(second) == 1 < len(first)


def test_a_redrawn_boundary_shows_at_once(world, client_as):
    client = client_as(world.users.grid_head)
    grid = world.grids["A1a"]
    before = _script(client.get("/dashboard/"), "dash-layers")["grids"]["features"][0]
    assert before["geometry"]["coordinates"][0][0][0] == [113.8, 22.7]
    # A queryset update: no save(), no signal — the mark still moves.
    redrawn = MultiPolygon(Polygon.from_bbox((113.81, 22.71, 113.85, 22.8)), srid=4326)
    AreaGrid.objects.filter(pk=grid.pk).update(boundary=redrawn, name="新A1a网格")
    after = _script(client.get("/dashboard/"), "dash-layers")["grids"]["features"][0]
    assert after["geometry"]["coordinates"][0][0][0] == [113.81, 22.71]
    assert after["properties"]["name"] == "新A1a网格"


def test_new_moved_and_deleted_key_places_and_edited_positions_show_at_once(world, client_as):
    from service_points.tests.factories import CentreFactory, GridPositionFactory

    CentreFactory(community=world.communities["A1"], name="A1中心")
    position = GridPositionFactory(grid=world.grids["A1a"], name="A1a服务站")
    client = client_as(world.users.grid_head)

    def layers():
        return _script(client.get("/dashboard/"), "dash-layers")

    assert layers()["places"] == []
    place = _place(world.grids["A1a"], "新工地")
    assert [p["name"] for p in layers()["places"]] == ["新工地"]
    KeyPlace.objects.filter(pk=place.pk).update(location=Point(113.81, 22.71, srid=4326))
    assert [(p["lon"], p["lat"]) for p in layers()["places"]] == [(113.81, 22.71)]
    place.delete()
    assert layers()["places"] == []
    assert "A1a服务站" in [p["name"] for p in layers()["positions"]]
    ServicePosition.objects.filter(pk=position.pk).update(name="改名服务站")
    assert "改名服务站" in [p["name"] for p in layers()["positions"]]
    ServicePosition.objects.filter(pk=position.pk).update(is_active=False)
    assert "改名服务站" not in [p["name"] for p in layers()["positions"]]


def test_no_one_is_served_another_jurisdictions_layers(world, client_as):
    _place(world.grids["A1a"], "A1a工地")
    _place(world.grids["A1b"], "A1b工地")
    _place(world.grids["B1a"], "B1a工地")

    def places(user):
        response = client_as(user).get("/dashboard/")
        return sorted(p["name"] for p in _script(response, "dash-layers")["places"])

    # Each after the others have filled the cache.
    assert places(world.users.grid_head) == ["A1a工地"]
    assert places(world.users.other_grid_head) == ["A1b工地"]
    assert places(world.users.street_staff) == ["A1a工地", "A1b工地"]
    assert places(world.users.other_street_staff) == ["B1a工地"]
    assert places(world.users.grid_head) == ["A1a工地"]


def test_the_overview_shows_a_redrawn_grid_and_a_renamed_community_at_once(world, client_as):
    client = client_as(world.users.street_staff)

    def overview():
        response = client.get("/overview/")
        return response, _script(response, "ov-geo")["grids"]["features"]

    response, features = overview()
    first = next(f for f in features if f["properties"]["code"] == world.grids["A1a"].code)
    assert first["geometry"]["coordinates"][0][0][0] == [113.8, 22.7]
    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(
        boundary=MultiPolygon(Polygon.from_bbox((113.82, 22.72, 113.85, 22.8)), srid=4326),
        name="改名网格",
    )
    Community.objects.filter(pk=world.communities["A1"].pk).update(name="改名社区")
    response, features = overview()
    first = next(f for f in features if f["properties"]["code"] == world.grids["A1a"].code)
    assert first["geometry"]["coordinates"][0][0][0] == [113.82, 22.72]
    assert "改名网格" in [row["name"] for row in response.context["ranking"]]
    assert "改名社区" in [child["name"] for child in response.context["children"]]


def test_with_the_cache_off_the_layers_are_read_each_time(world, settings):
    from dashboards.areas import area_of
    from dashboards.selectors import map_layers

    settings.REDGRID_DASHBOARDS_MAP_CACHE_SECONDS = 0
    user = world.users.grid_head
    area = area_of(user)
    map_layers(user, area)
    with CaptureQueriesContext(connection) as second:
        map_layers(user, area)
    assert len(second) > 1
