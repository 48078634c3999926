"""core.prepared: a hot read is prepared on its connection once, then run without being planned
again; it is logged with its values (so the benchmark can EXPLAIN it); the setting turns it off."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import prepared

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
