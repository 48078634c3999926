"""REST contract: positions as GeoJSON (public, filtered, nearest first), rooms and bookings
(jurisdiction-scoped), and the OpenAPI schema documents them."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from core.periods import time_zone
from service_points.models import Booking, Facility, OpeningException

TZ = time_zone()


@pytest.fixture
def api():
    return APIClient()


def test_positions_are_a_public_geojson_feature_collection(api, positions, lookups):
    positions.grid_a.facilities.add(Facility.objects.get(code="book_bar"))
    data = api.get("/api/v1/positions/").json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 5
    feature = next(f for f in data["features"] if f["id"] == positions.grid_a.pk)
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [
        positions.grid_a.location.x,
        positions.grid_a.location.y,
    ]
    props = feature["properties"]
    assert props["tier"] == "grid_position" and props["facilities"] == ["book_bar"]
    assert props["grid_code"] == positions.grid_a.grid.code
    assert props["parent_id"] == positions.centre.pk


def test_position_filters_tier_facility_and_open_now(api, positions, lookups):
    positions.micro.facilities.add(Facility.objects.get(code="first_aid_kit"))
    ids = {f["id"] for f in api.get("/api/v1/positions/?tier=micro_site").json()["features"]}
    assert ids == {positions.micro.pk}
    ids = {f["id"] for f in api.get("/api/v1/positions/?facility=first_aid_kit").json()["features"]}
    assert ids == {positions.micro.pk}
    OpeningException.objects.create(
        position=positions.centre, date=datetime.date(2024, 10, 1), is_closed=True, note="国庆节"
    )
    with time_machine.travel(datetime.datetime(2024, 10, 1, 10, 0, tzinfo=TZ), tick=False):
        features = api.get("/api/v1/positions/?open_now=true").json()["features"]
    assert positions.centre.pk not in {f["id"] for f in features}
    assert len(features) == 4 and all(f["properties"]["open_now"] for f in features)


def test_positions_nearest_first_with_distances_in_metres(api, positions):
    here = positions.grid_b.location
    features = api.get(f"/api/v1/positions/?lat={here.y}&lon={here.x}").json()["features"]
    assert features[0]["id"] == positions.grid_b.pk
    assert features[0]["properties"]["distance_m"] < 1
    distances = [f["properties"]["distance_m"] for f in features]
    assert distances == sorted(distances)
    # A1a's centre point is 0.05° of longitude west of A1b's: about 5.1 km at 22.75°N
    a = next(f for f in features if f["id"] == positions.grid_a.pk)["properties"]["distance_m"]
    assert 5000 < a < 5200


def test_bad_filters_get_a_clear_400(api, positions):
    response = api.get("/api/v1/positions/?lat=95&lon=113")
    assert response.status_code == 400
    assert "lat" in response.json()
    assert api.get("/api/v1/positions/?tier=castle").status_code == 400


def test_rooms_and_bookings_are_scoped_to_the_jurisdiction(api, world, positions):
    api.force_authenticate(world.users.grid_head)
    rooms = api.get("/api/v1/rooms/").json()["results"]
    assert [r["id"] for r in rooms] == [positions.hall.pk]
    assert api.get(f"/api/v1/rooms/{positions.other_hall.pk}/").status_code == 404
    api.force_authenticate(None)
    assert api.get("/api/v1/rooms/").status_code in (401, 403)


@time_machine.travel(datetime.datetime(2024, 6, 3, 9, 0, tzinfo=TZ), tick=False)
def test_booking_through_the_api(api, world, positions):
    api.force_authenticate(world.users.grid_head)
    payload = {
        "room": positions.hall.pk,
        "starts_at": "2024-06-04T14:00:00+08:00",
        "ends_at": "2024-06-04T15:30:00+08:00",
        "purpose": "council_meeting",
        "title": "党群议事会",
    }
    response = api.post("/api/v1/bookings/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["booked_by"] == world.users.grid_head.display_name
    again = api.post(
        "/api/v1/bookings/",
        {
            **payload,
            "starts_at": "2024-06-04T15:00:00+08:00",
            "ends_at": "2024-06-04T16:00:00+08:00",
        },
        format="json",
    )
    assert again.status_code == 400
    assert "党群议事会" in again.json()["starts_at"][0]
    night = api.post(
        "/api/v1/bookings/",
        {
            **payload,
            "starts_at": "2024-06-04T21:00:00+08:00",
            "ends_at": "2024-06-04T22:00:00+08:00",
        },
        format="json",
    )
    assert night.status_code == 400
    # a room outside the jurisdiction does not exist for this user
    api.force_authenticate(world.users.other_grid_head)
    outside = api.post(
        "/api/v1/bookings/",
        {
            **payload,
            "starts_at": "2024-06-05T10:00:00+08:00",
            "ends_at": "2024-06-05T11:00:00+08:00",
        },
        format="json",
    )
    assert outside.status_code == 404
    assert api.get(f"/api/v1/bookings/{body['id']}/").status_code == 404
    assert api.post(f"/api/v1/bookings/{body['id']}/cancel/").status_code == 404
    # a grid worker sees the booking but cannot book or cancel
    api.force_authenticate(world.users.grid_worker)
    assert [b["id"] for b in api.get("/api/v1/bookings/").json()["results"]] == [body["id"]]
    assert api.post(f"/api/v1/bookings/{body['id']}/cancel/").status_code == 403
    api.force_authenticate(world.users.community_staff)
    assert api.post(f"/api/v1/bookings/{body['id']}/cancel/").json()["status"] == "cancelled"
    assert Booking.objects.get().status == "cancelled"


def test_the_openapi_schema_documents_the_endpoints(api):
    schema = api.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/positions/",
        "/api/v1/rooms/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{id}/cancel/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/positions/"]["get"]["parameters"]}
    assert {"tier", "function", "facility", "open_now", "lat", "lon"} <= params


@pytest.mark.parametrize("vendor", ["postgresql", "other"])
@pytest.mark.parametrize("query", [{}, {"lat": "22.75", "lon": "113.93"}, {"tier": "micro_site"}])
def test_list_features_are_what_position_feature_builds(
    positions, lookups, query, vendor, monkeypatch
):
    """The list builds its features from narrow rows (issue 17): the same JSON as the detail's
    position_feature over model instances, in the same order, with a constant number of
    queries however many positions there are: one on PostgreSQL (codes and hours as arrays of
    the row), four on another database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from service_points import selectors
    from service_points.forms import PositionFilterForm
    from service_points.models import Function, OpeningHours
    from service_points.serializers import position_feature, position_features
    from service_points.views import filter_kwargs

    positions.grid_a.facilities.add(*Facility.objects.all()[:3])
    positions.grid_a.functions.add(*Function.objects.all()[:2])
    for weekday in (3, 0, 1):
        OpeningHours.objects.create(
            position=positions.grid_a,
            weekday=weekday,
            opens=datetime.time(9),
            closes=datetime.time(17),
        )
    form = PositionFilterForm(query)
    assert form.is_valid()
    args = filter_kwargs(form)
    expected = [position_feature(p) for p in selectors.positions_public(**args)]
    if vendor != "postgresql":
        monkeypatch.setattr(selectors, "_arrays_in_rows", lambda: False)
    for feature in expected:
        hours = feature["properties"]["opening_hours"]
        hours.sort(key=lambda h: (h["weekday"], h["opens"]))
    with CaptureQueriesContext(connection) as captured:
        got = position_features(selectors.positions_feature_rows(**args))
    assert got == expected
    assert len(captured.captured_queries) == (1 if vendor == "postgresql" else 4)
