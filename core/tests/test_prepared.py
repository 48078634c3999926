"""core.prepared: a hot read is prepared on its connection once, then run without being planned
again; it is logged with its values (so the benchmark can EXPLAIN it); the setting turns it off.
A write (core.db_batch's one statement) the same, with PostgreSQL's own placeholders and its
geometry sent as text of no declared type."""

import pytest
from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import db_batch, prepared

SQL = "SELECT %s::int + 1, %s::text"


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_hot_read_is_prepared_once_per_connection_and_answers_like_any_query(db):
    assert prepared.fetchone(SQL, [1, "a"]) == (2, "a")
    assert prepared.fetchall(SQL, [41, "b"]) == [(42, "b")]
    statements = [s for s in prepared_statements() if "::int + 1" in s]
    assert statements == ["SELECT $1::int + 1, $2::text"]


def test_it_is_logged_with_its_values(db):
    with CaptureQueriesContext(connection) as captured:
        prepared.fetchone(SQL, [5, "x"])
    assert captured.captured_queries[-1]["sql"] == "SELECT 5::int + 1, 'x'::text"


def test_the_setting_turns_preparing_off(db, settings):
    settings.DB_PREPARE_HOT_QUERIES = False
    assert prepared.fetchone("SELECT %s::int * 3", [3]) == (9,)
    assert not [s for s in prepared_statements() if "* 3" in s]


def test_a_statement_of_scalar_subqueries_gives_its_one_row(db):
    assert prepared.scalars("SELECT (SELECT %s::int), NULL", [7]) == (7, None)


def test_django_placeholders_become_postgresqls_and_a_percent_stays_one():
    sql = "SELECT %s, 'a%%b', %s FROM t WHERE x LIKE 'c%%'"
    assert prepared.numbered(sql) == "SELECT $1, 'a%b', $2 FROM t WHERE x LIKE 'c%'"
    assert prepared.numbered(sql) is prepared.numbered(sql)  # kept
    with pytest.raises(ValueError, match="not a placeholder"):
        prepared.numbered("SELECT %d")


@pytest.fixture
def places(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE places "
            "(id int, label text, at timestamptz, point geometry(Point, 4326))"
        )
    return "INSERT INTO places VALUES (%s, %s, now(), ST_Transform(%s, 4326)), (%s, %s, now(), %s)"


def _places():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, label, ST_AsText(point) FROM places ORDER BY id")
        return cursor.fetchall()


def _point(x, y, srid=4326):
    return PostGISAdapter(Point(x, y, srid=srid))


def test_a_write_is_prepared_once_and_its_geometry_goes_as_text(places, monkeypatch):
    sent = []
    execute = prepared.PreparingRawCursor.execute

    def spy(self, query, params=None, **kwargs):
        sent.append(params)
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(prepared.PreparingRawCursor, "execute", spy)
    mercator = Point(12_680_000, 2_580_000, srid=3857)  # 光明 in Web Mercator
    prepared.write(places, [1, "50%", PostGISAdapter(mercator), 2, "二", _point(113.9, 22.7)])
    prepared.write(places, [3, "三", _point(113.9, 22.8), 4, None, _point(114.0, 22.7)])
    rows = _places()
    assert [r[:2] for r in rows] == [(1, "50%"), (2, "二"), (3, "三"), (4, None)]
    assert rows[1][2] == "POINT(113.9 22.7)" and rows[0][2].startswith("POINT(113.9")
    assert all(type(params[2]) is str and type(params[5]) is str for params in sent)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [r[0] for r in cursor.fetchall() if "INSERT INTO places" in r[0]]
    assert statements == [prepared.numbered(places)]


def test_a_write_is_logged_with_its_values(places):
    with CaptureQueriesContext(connection) as captured:
        prepared.write(places, [1, "a", _point(1, 2), 2, "b", _point(3, 4)])
    logged = captured.captured_queries[-1]["sql"]
    assert logged.startswith("INSERT INTO places VALUES (1, 'a', now(), ST_Transform('0101")


def test_without_preparing_a_write_binds_its_literals(places, settings):
    settings.DB_PREPARE_HOT_QUERIES = False
    db_batch.execute([(places, [5, "五", _point(1, 2), 6, "六", _point(3, 4)])])
    assert [r[:2] for r in _places()] == [(5, "五"), (6, "六")]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%places%%'"
        )
        assert cursor.fetchone() == (0,)
