"""What /positions/ sends to draw its map: one short row per position (map.json), not the API's
GeoJSON features (334 KB on the demo data); one query whatever the number of positions; the
same filters as the list; bad filters answer 400 with a translated message."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from service_points.models import ServicePosition
from service_points.selectors import MAP_FIELDS
from service_points.tests.factories import GridPositionFactory

pytestmark = pytest.mark.django_db
URL = "/positions/map.json"


def test_rows_carry_only_what_the_map_draws(client, positions):
    data = client.get(URL).json()
    assert data["fields"] == list(MAP_FIELDS)
    rows = {row[0]: dict(zip(MAP_FIELDS, row, strict=True)) for row in data["rows"]}
    centre = rows[positions.centre.pk]
    assert centre["tier"] == "centre" and centre["open"] in (0, 1)
    assert centre["name"] == "A1社区党群服务中心"
    assert abs(centre["lon"] - positions.centre.location.x) < 1e-5
    assert len(rows) == ServicePosition.objects.filter(is_active=True).count()


def test_one_query_and_a_few_dozen_bytes_a_position(client, world, positions):
    for i in range(300):
        GridPositionFactory(grid=world.grids["A1a"], name=f"测试网格党群服务站{i:03d}")
    client.get(URL)  # warm the URL resolver and the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    data = json.loads(response.content)
    assert len(data["rows"]) == 305
    assert len(queries) == 1
    # The demo's 86 grid positions, centres and micro-sites send ~35 KB; 60 KB is the budget.
    per_position = len(response.content) / len(data["rows"])
    assert per_position < 80, per_position


def test_same_filters_as_the_list_nearest_first(client, positions):
    here = positions.other_centre.location
    data = client.get(URL, {"lat": here.y, "lon": here.x}).json()
    assert data["rows"][0][0] == positions.other_centre.pk
    tiers = {row[3] for row in client.get(URL, {"tier": "centre"}).json()["rows"]}
    assert tiers == {"centre"}


def test_bad_filters_answer_400_in_chinese(client, db):
    response = client.get(URL, {"lat": "22.7"})
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"] == ["查找最近的阵地需要同时提供纬度和经度。"]


def test_sent_compressed_when_the_browser_accepts_it(client, positions):
    plain = client.get(URL)
    packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content)
