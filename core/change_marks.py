"""Change marks: a short text that moves with every write to some tables, for cache keys.

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

from django.db import connection, models


def table_mark(*tables: type[models.Model]) -> str | None:
    if connection.vendor != "postgresql":
        return None
    parts = [
        f"(SELECT coalesce(string_agg(ctid::text || xmin::text, ','), '') "
        f"FROM {connection.ops.quote_name(model._meta.db_table)})"
        for model in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(concat_ws('|', " + ", ".join(parts) + "))")
        mark: str = cursor.fetchone()[0]
        return mark
