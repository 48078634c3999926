"""core.change_marks (a mark that moves with every write) and core.raw_json (JSON text spliced
as is, written as json.dumps would)."""

import json

import pytest
from django.db import connection
from django.utils.html import json_script

from core.change_marks import marks_read, table_mark, table_mark_sql
from core.raw_json import RawJSON
from core.raw_json import json_script as raw_json_script

pytestmark = pytest.mark.django_db


def test_the_mark_moves_with_every_write(world):
    from grids.models import AreaGrid, KeyPlace

    def mark():
        return table_mark(AreaGrid, KeyPlace)

    grid = world.grids["A1a"]
    start = mark()
    assert mark() == start  # reading does not move it
    place = KeyPlace.objects.create(
        grid=grid, name="工地", kind=KeyPlace.Kind.BUILDING_SITE, location=grid.boundary.centroid
    )
    inserted = mark()
    assert inserted != start
    KeyPlace.objects.filter(pk=place.pk).update(name="工地二")
    updated = mark()
    assert updated not in (start, inserted)
    grid.name = "改名"
    grid.save(update_fields=["name"])
    saved = mark()
    assert saved not in (start, inserted, updated)
    place.delete()
    assert mark() not in (start, inserted, updated, saved)


def test_marks_read_in_one_statement_are_the_marks(world, django_assert_num_queries):
    from grids.models import AreaGrid, KeyPlace

    with django_assert_num_queries(1):
        both = marks_read(table_mark_sql(AreaGrid), table_mark_sql(KeyPlace, AreaGrid), "1")
    assert both == (table_mark(AreaGrid), table_mark(KeyPlace, AreaGrid), 1)


def _postgis_geojson(wkt):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_AsGeoJSON(ST_GeomFromText(%s, 4326), 5)", [wkt])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "wkt",
    [
        "MULTIPOLYGON(((113.8 22.7,113.85 22.7,113.85 22.8,113.8 22.8,113.8 22.7)))",
        "MULTIPOLYGON(((113.812345678 22.7000001,114 22,114.1 -0.5,113.812345678 22.7000001)),"
        "((-1.25 -2,0 0,1e-6 3,-1.25 -2)))",
        "POLYGON((0 0,1 0,1 1,0 0))",
    ],
)
def test_a_geometry_is_written_as_json_dumps_writes_it_parsed(wkt):
    text = _postgis_geojson(wkt)
    value = {"a": [1, "<&>"], "geometry": RawJSON.geometry(text), "b": None}
    parsed = {"a": [1, "<&>"], "geometry": json.loads(text), "b": None}
    assert raw_json_script(value, "x") == json_script(parsed, "x")
    assert (
        json.loads(
            str(raw_json_script(value, "x"))[len('<script id="x" type="application/json">') : -9]
        )
        == parsed
    )


def test_without_raw_json_it_is_djangos_json_script():
    import datetime

    value = {"when": datetime.date(2026, 1, 2), "text": "</script><b>&", "n": [1.5, None]}
    assert raw_json_script(value, "y") == json_script(value, "y")


def test_raw_text_is_escaped_like_the_rest():
    value = {"raw": RawJSON('{"a": "</script>&"}')}
    assert raw_json_script(value, "z") == json_script({"raw": {"a": "</script>&"}}, "z")
