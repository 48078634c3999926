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
by default. `write` is the exception, for the resident submission's one statement of a hundred
parameters (core.db_batch): it sends a geometry as text of no declared type, which PostgreSQL
reads by its column, so no type's OID is kept in the process.

Statements name their columns (never `*`), so a migration that adds a column does not change a
prepared statement's result; one that changes a selected column's type needs the web processes
restarted, as every deployment does after migrating. `DB_PREPARE_HOT_QUERIES=0` (a
pooler that does not track prepared statements) and other databases (SpatiaLite) run the same SQL
through Django's ordinary cursor.
"""

import re
from collections.abc import Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.db import DEFAULT_DB_ALIAS, connections

from core.bounded import Bounded


class PreparingCursor(psycopg.Cursor):
    """Binds server-side and prepares every statement it runs (Django's wrapper calls
    `execute(sql, params)`)."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: Any = None
    ) -> "PreparingCursor":
        super().execute(query, params, prepare=prepare, binary=binary)
        return self


class PreparingRawCursor(psycopg.RawCursor):
    """The same with PostgreSQL's own placeholders ($1, $2…): psycopg converts "%s" placeholders
    on every call of a statement over 50 parameters or 4 KB (it caches only shorter ones), which
    cost a submission's statement more than its literal binding; `numbered` converts once."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: Any = None
    ) -> "PreparingRawCursor":
        super().execute(query, params, prepare=prepare, binary=binary)
        return self


def preparing(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether statements are prepared on the connection `using` (else they run as any query)."""
    return connections[using].vendor == "postgresql" and settings.DB_PREPARE_HOT_QUERIES


def _cursor(using: str, cursor_class: type[psycopg.Cursor] = PreparingCursor) -> tuple[Any, bool]:
    connection = connections[using]
    if not preparing(using):
        return connection.cursor(), False
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off for the connection (None); a count never reached turns it
        # back on for what asks with prepare=True only (Django's own cursors bind client-side
        # and never prepare).
        connection.connection.prepare_threshold = 2**31 - 1
    raw = cursor_class(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw), True  # type: ignore[arg-type]
    return connection.make_cursor(raw), False  # type: ignore[arg-type]


def _run(
    cursor: Any, logged: bool, sql: str, params: Sequence[Any], using: str, query: str = ""
) -> None:
    """Run `query` (`sql` as sent, when it differs) and log it as `sql` with its values."""
    cursor.execute(query or sql, params)
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


# Django's SQL: "%s" a parameter, "%%" a percent sign.
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)
_NUMBERED = Bounded(256)


def numbered(sql: str) -> str:
    """`sql` with PostgreSQL's placeholders ($1, $2…) for Django's, kept per statement (up to
    256 statements per process: emptied when full)."""
    found: str | None = _NUMBERED.get(sql)
    if found is not None:
        return found
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        if match.group(1) != "s":
            raise ValueError(f"not a placeholder: {match.group(0)!r}")
        count += 1
        return f"${count}"

    converted: str = _NUMBERED.keep(sql, _PLACEHOLDER.sub(replace, sql))
    return converted


def write(sql: str, params: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Run the writing statement `sql` (placeholders %s) on PostgreSQL, prepared on the
    connection `using` (issue 17: PostgreSQL parsed, analysed and planned the submission's
    statement of a hundred parameters on every request, a third of its work for a submission). A
    geometry goes as its EWKB in hex, a text of no declared type that PostgreSQL reads as its
    column's or function's geometry: no geometry type OID is kept by the prepared statement's
    caller.

    Where statements are not prepared (DB_PREPARE_HOT_QUERIES=0), each value is bound into the
    text as its SQL literal (psycopg's own adaptation, as its client-side binding does), here:
    psycopg would parse the placeholders of a statement over 50 parameters on every call."""
    if not preparing(using):
        _write_literals(sql, params, using)
        return
    cursor, logged = _cursor(using, PreparingRawCursor)
    values = [
        p.ewkb.hex() if isinstance(p, PostGISAdapter) and p.is_geometry else p for p in params
    ]
    with cursor:
        _run(cursor, logged, sql, values, using, query=numbered(sql))


def _write_literals(sql: str, params: Sequence[Any], using: str) -> None:
    from psycopg.adapt import Transformer

    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    transformer = Transformer(raw)
    # Django's SQL marks a parameter %s and a literal % as %%: Python's own %-formatting.
    literals = tuple(b"NULL" if p is None else transformer.as_literal(p) for p in params)
    statement = (sql.encode(raw.info.encoding) % literals).decode(raw.info.encoding)
    with connection.cursor() as cursor:
        cursor.execute(statement)
