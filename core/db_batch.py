"""Several writes as one statement (issue 17): every statement is a round trip to the database
— on a busy machine a few hundred microseconds of the process's CPU each, plus the database's
own work to parse and plan it — so a request that writes four tables pays for four.

`insert_sql(objs)` is the INSERT Django itself runs for model instances (the same fields, the
same conversions: defaults, auto_now, encrypted fields, JSON), without RETURNING, as SQL and
parameters; `one_statement(parts)` puts such statements together as PostgreSQL runs them in one:
`WITH w1 AS (INSERT …), w2 AS (INSERT …) <last statement>` — every part runs once, all or none
(a failing part fails the statement; in autocommit nothing is left behind). The parts cannot
read one another's rows (one snapshot), so a row another part needs must have its key already
(for example an id taken from the table's sequence beforehand). PostgreSQL only.

What Django's save() does besides its INSERT does not happen: no pre_save/post_save signals
(callers use this only for models without receivers) and the instances are marked saved by
`mark_saved`.

`execute(parts)` runs them as a statement prepared on the connection (core.prepared.write):
PostgreSQL parses, analyses and plans it once per connection instead of on every request — a
third of PostgreSQL's work for a resident's submission (issue 17); where statements are not
prepared, with its values bound into its text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models.sql import InsertQuery

from core import prepared

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import Model


def insert_sql(objs: Sequence[Model]) -> tuple[str, list[Any]]:
    """One INSERT of `objs` (instances of one model; with their primary key, or all without)."""
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if objs[0].pk is None:
        fields = [f for f in fields if f is not meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs), raw=False)
    # The connection itself, not django.db.connection: the compiler reads it a hundred times.
    statements = query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    if len(statements) != 1:  # pragma: no cover - PostgreSQL inserts many rows in one
        raise ValueError("not one statement")
    sql, params = statements[0]
    return sql, list(params)


def one_statement(parts: Sequence[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """The statements of `parts` as one: all but the last as data-modifying WITH queries."""
    *first, (last_sql, last_params) = parts
    if not first:
        return last_sql, list(last_params)
    names = ", ".join(f"w{index} AS ({sql})" for index, (sql, _params) in enumerate(first))
    params = [p for _sql, part_params in first for p in part_params]
    return f"WITH {names} {last_sql}", [*params, *last_params]


def execute(parts: Sequence[tuple[str, list[Any]]]) -> None:
    """Run the statements of `parts` as one (one_statement), through core.prepared.write."""
    prepared.write(*one_statement(parts))


def mark_saved(*objs: Model) -> None:
    """The instances as save() leaves them once their INSERT ran."""
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
