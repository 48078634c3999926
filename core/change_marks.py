"""Change marks: a value that moves with every write to some tables, for caches that must never
be stale. Two kinds: `table_mark` (below; no trigger, for small tables read by heavier pages) and
`row_mark` — a row that database triggers move (migrations grids 0004, requests_desk 0012; free to
read, for the hot path), with `MarkedValue` for what a process keeps while such a mark stays.

`table_mark(*models)` is, in one query, an MD5 of the (ctid, xmin) pair of every row of the
tables: where each row version lies and PostgreSQL's id of the transaction that wrote it. Every
INSERT, UPDATE and DELETE — through the ORM, a queryset's update(), a bulk write, raw SQL or a
migration — changes that set: an inserted row adds a pair, a deleted one takes its pair away,
and an updated row is a new row version, at a new place (its old version stays until the
transaction that replaced it has ended), written by a newer transaction (or the same one, when
it wrote the row before). So a write shows in the mark at once for the transaction that made it
and, once committed, for every other one; a rolled-back write leaves the mark where it was, like
the data. VACUUM FULL or CLUSTER move rows: the mark moves too (a new cache entry, never a stale
one).

The tables are expected to be small (a few thousand rows at most: the mark reads each whole, in
the order of its pages — the same order each time, as synchronised scans start only in tables
larger than a quarter of the shared buffers). On a database other than PostgreSQL there is no
mark (None): callers do not cache.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection, models

T = TypeVar("T")


def table_mark_sql(*tables: type[models.Model]) -> str:
    """`table_mark` of `tables` as an SQL expression, to read with other marks (`marks_read`)."""
    parts = [
        f"(SELECT coalesce(string_agg(ctid::text || xmin::text, ','), '') "
        f"FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in tables
    ]
    return "md5(concat_ws('|', " + ", ".join(parts) + "))"


def table_mark(*tables: type[models.Model]) -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + table_mark_sql(*tables))
        mark: str = cursor.fetchone()[0]
        return mark


def marks_read(*expressions: str) -> tuple[Any, ...] | None:
    """Several marks (`table_mark_sql`, a row mark's scalar subquery) in one statement, in the
    order given; None without marks (SpatiaLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(expressions))
        return tuple(cursor.fetchone())


def row_mark(sql: str) -> int | None:
    """The version of a mark row that database triggers move with every write to some tables
    (migrations grids 0004, requests_desk 0012), read with `sql` — its scalar subquery, which a
    caller may also put into a statement it makes anyway. None without one (SpatiaLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + sql)
        row = cursor.fetchone()
    return row[0] if row else None


class MarkedValue(Generic[T]):
    """A value a process keeps while a row mark and the day stay the same: `get(mark, today)`
    returns the kept one or builds another with `build(today)`. A built value is kept only when
    the mark did not move while it was built (READ COMMITTED: the rows read may be newer than
    `mark`), so it never outlives the state it was read from."""

    def __init__(self, build: Callable[[datetime.date], T], *, mark_sql: str):
        self._build, self._mark_sql = build, mark_sql
        self._lock = threading.Lock()
        self._kept: tuple[tuple[int, datetime.date], T] | None = None

    def get(self, mark: int, today: datetime.date) -> T:
        kept = self._kept
        if kept is not None and kept[0] == (mark, today):
            return kept[1]
        with self._lock:
            value = self._build(today)
            if row_mark(self._mark_sql) == mark:
                self._kept = ((mark, today), value)
        return value
