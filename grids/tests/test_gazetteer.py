"""The district's gazetteer (grids.gazetteer) and its public endpoints: search by name or
address, "which grid is this" with the nearest known place, address routing; offline, rate
limited, constant query count."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from grids import gazetteer
from grids.tests.factories import KeyPlaceFactory
from service_points.tests.factories import CentreFactory


@pytest.fixture
def places(world):
    a1a, a1b = world.grids["A1a"], world.grids["A1b"]
    estate = KeyPlaceFactory(
        grid=a1a,
        name="光明花园",
        address="光明大道88号",
        location=Point(113.81, 22.75, srid=4326),
        notes="内部备注：门卫电话13800138000",
    )
    market = KeyPlaceFactory(
        grid=a1b,
        name="碧眼市场",
        address="华夏路12号",
        location=Point(113.87, 22.75, srid=4326),
    )
    centre = CentreFactory(
        community=world.communities["A1"],
        name="A1社区党群服务中心",
        address="光明大道1号",
        location=Point(113.82, 22.76, srid=4326),
        contact_phone="13900139000",
    )
    return {"estate": estate, "market": market, "centre": centre}


def test_search_finds_communities_grids_places_and_addresses(places):
    names = [p.name for p in gazetteer.places_search("A1")]
    assert "A1社区" in names and "A1a网格" in names and "A1社区党群服务中心" in names
    by_address = gazetteer.places_search("华夏路")
    assert [p.name for p in by_address] == ["碧眼市场"]
    assert by_address[0].grid_name == "A1b网格" and by_address[0].community_name == "A1社区"
    assert gazetteer.places_search("") == []


def test_place_get_and_bad_refs(places):
    place = gazetteer.place_get(f"key_place:{places['estate'].pk}")
    assert place.name == "光明花园" and place.grid_code == places["estate"].grid.code
    for ref in (
        "",
        "key_place:",
        "key_place:x",
        "nothing:1",
        "key_place:99999999",
        "key_place:1" + "0" * 40,
    ):
        assert gazetteer.place_get(ref) is None


def test_nearest_and_where(places, world):
    answer = gazetteer.where((113.8105, 22.7502))
    assert answer["inside"] and answer["grid"]["name"] == "A1a网格"
    assert answer["nearest"]["name"] == "光明花园"
    assert 0 < answer["nearest"]["distance_m"] < 100
    assert gazetteer.where((100.0, 10.0))["inside"] is False


def test_route_address_matches_a_known_place(places, world):
    found = gazetteer.route_address("光明花园3栋门口垃圾", community=world.communities["A1"])
    assert found is not None and found.grid_name == "A1a网格"
    assert gazetteer.route_address("华夏路12号旁边").grid_name == "A1b网格"
    assert gazetteer.route_address("光明花园", community=world.communities["B1"]) is None
    assert gazetteer.route_address("不知道哪里") is None


def test_query_count_does_not_grow(places, world):
    def count(fn):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    gazetteer.where((113.81, 22.75))  # grids.locate builds its index once per process
    before = (
        count(lambda: gazetteer.places_search("光明")),
        count(lambda: gazetteer.where((113.81, 22.75))),
    )
    for i in range(30):
        KeyPlaceFactory(grid=world.grids["A1a"], name=f"光明小区{i}", address=f"光明路{i}号")
    after = (
        count(lambda: gazetteer.places_search("光明")),
        count(lambda: gazetteer.where((113.81, 22.75))),
    )
    assert before == after


# --- Over HTTP ---------------------------------------------------------------------------------


def test_api_search_is_public_and_shows_no_private_fields(client, places):
    response = client.get("/api/v1/places/", {"q": "光明"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "光明花园" in body and "A1社区党群服务中心" in body
    # Notes, contacts and phone numbers of places are not public.
    assert "13800138000" not in body and "13900139000" not in body and "内部备注" not in body


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_api_search_needs_a_query(client, places, params):
    response = client.get("/api/v1/places/", params)
    assert response.status_code == 400
    assert "q" in response.json()


def test_api_search_long_or_odd_queries_are_not_errors(client, places):
    for q in ("x" * 5000, "%", "_", "'; drop table x; --", "\\", "光明%"):
        assert client.get("/api/v1/places/", {"q": q}).status_code == 200


def test_api_here_names_the_grid(client, places):
    response = client.get(
        "/api/v1/places/here/",
        {"lon": "113.8105", "lat": "22.7502"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    data = response.json()
    assert data["grid"]["name"] == "A1a网格"
    assert data["text"].startswith("这里属于 A1a网格")
    assert "光明花园" in data["text"]


@pytest.mark.parametrize(
    "params",
    [{}, {"lon": "x", "lat": "1"}, {"lon": "200", "lat": "22"}, {"lon": "nan", "lat": "1"}],
)
def test_api_here_bad_input_is_a_400(client, places, params):
    assert client.get("/api/v1/places/here/", params).status_code == 400


@override_settings(REDGRID_GRIDS_RATE_LIMIT_PLACES=(3, 60))
def test_api_is_rate_limited(client, places):
    codes = [client.get("/api/v1/places/", {"q": "光明"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/places/here/", {"lon": "113.81", "lat": "22.75"})
    assert response.status_code == 429 and response.json()["detail"]
