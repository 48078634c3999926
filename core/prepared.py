"""Prepared statements for the few hot reads that PostgreSQL would otherwise plan on every request.

Django binds parameters client-side (psycopg's ClientCursor: the values are written into the SQL),
so PostgreSQL parses and plans every statement anew. For a short indexed lookup that costs more
than running it: the status page's change mark is planned in 0.44 ms and runs in 0.1 ms
(docs/benchmarks.md, issue 17). `fetchone` / `fetchall` bind server-side and prepare the statement
on its connection the first time (psycopg `prepare=True`, a protocol-level prepared statement,
which PgBouncer ≥ 1.21 tracks in transaction mode: docs/deployment.md); later runs on that
connection skip parsing and planning.

They run through Django's cursor wrapper, so query logging, `connection.execute_wrapper` and
`CaptureQueriesContext` (tests, the benchmark's SQL timings) see them like any other query.

Only for statements whose parameters are plain values (text, numbers, dates, booleans): the
geometry type's OID that server-side binding would send is what keeps `DB_SERVER_SIDE_BINDING` off
by default. Statements name their columns (never `*`), so a migration that adds a column does not
change a prepared statement's result; one that changes a selected column's type needs the web
processes restarted, as every deployment does after migrating. `DB_PREPARE_HOT_QUERIES=0` (a
pooler that does not track prepared statements) and other databases (SpatiaLite) run the same SQL
through Django's ordinary cursor.
"""

from collections.abc import Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


class PreparingCursor(psycopg.Cursor):
    """Binds server-side and prepares every statement it runs (Django's wrapper calls
    `execute(sql, params)`)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: Any = None
    ) -> "PreparingCursor":
        super().execute(query, params, prepare=prepare, binary=binary)
        return self


def _cursor(using: str) -> tuple[Any, bool]:
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DB_PREPARE_HOT_QUERIES:
        return connection.cursor(), False
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off for the connection (None); a count never reached turns it
        # back on for what asks with prepare=True only (Django's own cursors bind client-side
        # and never prepare).
        connection.connection.prepare_threshold = 2**31 - 1
    raw = PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw), True  # type: ignore[arg-type]
    return connection.make_cursor(raw), False  # type: ignore[arg-type]


def _run(cursor: Any, logged: bool, sql: str, params: Sequence[Any], using: str) -> None:
    cursor.execute(sql, params)
    connection = connections[using]
    if logged and connection.queries_log:
        # Logged as PostgreSQL received it ("$1"); log it with its values, as Django does under
        # server-side binding, so that a logged query can be run (and EXPLAINed) again.
        compose = connection.ops.compose_sql  # type: ignore[attr-defined]  # PostgreSQL only
        connection.queries_log[-1]["sql"] = compose(sql, params)


def fetchone(
    sql: str, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS
) -> tuple[Any, ...] | None:
    """The first row of `sql` (placeholders %s), prepared on the connection `using`."""
    cursor, logged = _cursor(using)
    with cursor:
        _run(cursor, logged, sql, params, using)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def fetchall(
    sql: str, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    """Every row of `sql` (placeholders %s), prepared on the connection `using`."""
    cursor, logged = _cursor(using)
    with cursor:
        _run(cursor, logged, sql, params, using)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def scalars(sql: str, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> tuple[Any, ...]:
    """The one row of a SELECT of scalar subqueries (change marks and the like: it always has
    exactly one), prepared on the connection `using`."""
    row = fetchone(sql, params, using=using)
    if row is None:
        raise RuntimeError(f"no row from a statement of scalar subqueries: {sql[:80]}")
    return row
