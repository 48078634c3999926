"""Figures by hierarchy level: the lookup from any model to its area at a level, aggregates grouped
by area for several levels at once, and the areas of several levels in force on a day. Used by the
monthly reports' sections (core.report_registry) and the dashboards; the levels themselves are
core.hierarchy's."""

import datetime
import re

from django.db import connections
from django.db.models import BigIntegerField, Case, Count, F, Value, When
from django.db.models.functions import Cast

from core.hierarchy import AREA_LEVELS
from grids.jurisdiction import jurisdiction_paths
from grids.models import NODE_MODELS


def level_path(model, level: str) -> str:
    """The lookup from `model` to the primary key of its node at `level` (from the model's
    jurisdiction declaration), for `.values(node=F(level_path(...)))` GROUP BY queries."""
    return jurisdiction_paths(model)[level]


def supports_grouping_sets(using: str) -> bool:
    """GROUP BY GROUPING SETS: PostgreSQL has it; SQLite (SpatiaLite, `make run`) has not."""
    return connections[using].vendor == "postgresql"


def grouped_by_level(
    queryset, model, levels=AREA_LEVELS, **aggregates
) -> dict[str, dict[int, dict]]:
    """`aggregates` of `queryset` per area of each of `levels`: `{level: {node_id: {alias:
    value}}}` (rows whose node is NULL are left out). One query on PostgreSQL: `GROUP BY ROLLUP
    (district, …, grid)` when each level's area is reached through the level below it
    (`_chained`), else `GROUP BY GROUPING SETS ((grid), (community), (street), (district))`.
    Either way every aggregate, COUNT(DISTINCT …) and FILTER included, is computed per area by
    the database, exactly as one GROUP BY per level would; counts through the chain are counted
    per lowest area before the ROLLUP (`_counted_per_lowest_area`). One GROUP BY query per level
    on other databases."""
    levels = tuple(levels)
    queryset = queryset.order_by()
    if len(levels) == 1 or not supports_grouping_sets(queryset.db):
        return {level: _grouped(queryset, model, level, aggregates) for level in levels}
    rollup = _chained(model, levels)
    if rollup:
        levels = tuple(level for level in AREA_LEVELS if level in levels)  # from the top down
        counted = _counted_per_lowest_area(queryset, model, levels, aggregates)
        if counted is not None:
            return counted
    keys = {f"_node_{level}": level for level in levels}
    grouped = queryset.values(
        **{key: F(level_path(model, level)) for key, level in keys.items()}
    ).annotate(**aggregates)
    names = [*grouped.query.extra_select, *grouped.query.values_select]
    names += list(grouped.query.annotation_select)
    if names[: len(keys)] != list(keys):  # pragma: no cover - guards the GROUP BY positions
        raise RuntimeError(f"unexpected column order {names}")
    result: dict[str, dict[int, dict]] = {level: {} for level in levels}
    for row in _grouping_sets_rows(grouped, len(keys), rollup=rollup):
        values = dict(zip(names, row, strict=True))
        nodes = [(keys[key], values.pop(key)) for key in keys]
        if rollup:
            _rollup_row(result, nodes, values)
            continue
        # A grouping set's row has NULL in the columns the set does not group by: the one
        # non-NULL node column is the area (a NULL node — no area — is left out, as in the
        # per-level query).
        for level, node in nodes:
            if node is not None:
                result[level][node] = values
    return result


def _counted_per_lowest_area(queryset, model, levels, aggregates) -> dict | None:
    """The ROLLUP of `grouped_by_level` for counts, counted first per area of the lowest level:
    `{level: {node_id: {alias: count}}}`, or None where it does not apply (an aggregate other
    than Count, or a path that does not run through the lowest area's own path to the levels
    above it). The month's rows (11,559 visits) are grouped once by their area (103 grids),
    and only those groups are joined to the areas above and rolled up: the rows no longer pass
    through three joins and a five-key aggregate (visits: 13 ms instead of 23 on the
    10,000-request copy). Exact: a plain count of a level is the sum of its lowest areas'
    counts, and a COUNT(DISTINCT x) is counted over the lowest areas' distinct x (x, filtered
    by its CASE, is part of the first grouping)."""
    if not all(type(aggregate) is Count for aggregate in aggregates.values()):
        return None
    lowest, node_model = levels[-1], NODE_MODELS[levels[-1]]
    low_path = level_path(model, lowest)
    prefix = low_path[: -len("_id")] + "__"
    if any(level_path(model, level) != prefix + node_model.PATH_TO[level] for level in levels[:-1]):
        return None
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    distinct_keys, counts, outer = {}, {}, []
    for alias, aggregate in aggregates.items():
        if aggregate.distinct:
            (expression,) = aggregate.get_source_expressions()[:1]
            key = f"_distinct_{alias}"
            condition = aggregate.filter
            distinct_keys[key] = (
                Case(When(condition, then=expression)) if condition is not None else expression
            )
            outer.append(f"COUNT(DISTINCT x.{quote(key)}) AS {quote(alias)}")
        else:
            counts[alias] = aggregate
            outer.append(f"CAST(SUM(x.{quote(alias)}) AS bigint) AS {quote(alias)}")
    first = queryset.values(_node=F(low_path), **distinct_keys)
    first = first.annotate(**counts) if counts else first.distinct()
    areas = (
        node_model._base_manager.using(queryset.db)
        .values(**{f"_node_{level}": F(node_model.PATH_TO[level]) for level in levels})
        .order_by()
    )
    first_sql, first_params = first.query.get_compiler(queryset.db).as_sql()
    areas_sql, areas_params = areas.query.get_compiler(queryset.db).as_sql()
    nodes = ", ".join(f"a.{quote(f'_node_{level}')}" for level in levels)
    positions = ", ".join(str(i) for i in range(1, len(levels) + 1))
    sql = (
        f"SELECT {nodes}, {', '.join(outer)} FROM ({first_sql}) x "
        f"INNER JOIN ({areas_sql}) a ON a.{quote(f'_node_{lowest}')} = x.{quote('_node')} "
        f"GROUP BY ROLLUP ({positions})"
    )
    result: dict[str, dict[int, dict]] = {level: {} for level in levels}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*first_params, *areas_params))
        for row in cursor.fetchall():
            values = dict(zip(aggregates, row[len(levels) :], strict=True))
            _rollup_row(result, list(zip(levels, row, strict=False)), values)
    return result


def _rollup_row(result: dict, nodes: list[tuple[str, int | None]], values: dict) -> None:
    """File a ROLLUP row's `values` under its area. The row groups by the levels down to one and
    has NULL below it; through the chain a NULL area has NULL areas above it, so the lowest
    non-NULL column is the row's area (none: the grand total, or rows without an area — left
    out)."""
    for level, node in reversed(nodes):
        if node is not None:
            result[level][node] = values
            return


def _chained(model, levels) -> bool:
    """Whether each of `levels`' areas is reached from `model` through the area of the level below
    it (CheckIn: `patrol__grid_id`, then `patrol__grid__community_id`, …): then an area
    determines the areas above it, a NULL area has NULL areas above it, and one ROLLUP gives
    each level's groups with one sort (GROUPING SETS sort once per level, and a COUNT(DISTINCT
    …) makes PostgreSQL sort the rows again for each). A model with its own column per level
    (Request: `street_id`, `community_id`, `grid_id`) is not chained: nothing in the schema
    says that its columns agree."""
    ordered = [level for level in AREA_LEVELS if level in levels]
    paths = [level_path(model, level) for level in ordered]
    return all(
        lower.endswith("_id") and upper.startswith(lower[: -len("_id")] + "__")
        for upper, lower in zip(paths, paths[1:], strict=False)
    )


def merge_levels(levels, *parts: dict) -> dict[str, dict[int, dict]]:
    """Several `grouped_by_level` results as one: `{level: {node_id: {**figures of each part}}}`."""
    result: dict[str, dict[int, dict]] = {level: {} for level in levels}
    for part in parts:
        for level, nodes in part.items():
            for node, figures in nodes.items():
                result[level].setdefault(node, {}).update(figures)
    return result


def _grouped(queryset, model, level, aggregates) -> dict[int, dict]:
    rows = queryset.values(node=F(level_path(model, level))).annotate(**aggregates)
    return {row.pop("node"): row for row in rows if row["node"] is not None}


_GROUP_BY_POSITIONS = re.compile(r" GROUP BY (\d+(?:, \d+)*)$")


def _grouping_sets_rows(queryset, n: int, *, rollup: bool = False) -> list[tuple]:
    """The rows of a `.values(<n node columns>).annotate(...)` query with its `GROUP BY` (select
    positions among 1…n: Django may leave out columns a selected primary key determines) turned
    into `GROUP BY GROUPING SETS ((1), …, (n))` — or `GROUP BY ROLLUP (1, …, n)` — run through
    Django's own compiler (same SQL, same parameters, same type converters)."""
    base = queryset.query.get_compiler(queryset.db)
    positions = [str(i) for i in range(1, n + 1)]
    if rollup:
        clause = " GROUP BY ROLLUP (" + ", ".join(positions) + ")"
    else:
        clause = " GROUP BY GROUPING SETS (" + ", ".join(f"({i})" for i in positions) + ")"

    class GroupingSetsCompiler(type(base)):
        def as_sql(self, *args, **kwargs):
            sql, params = super().as_sql(*args, **kwargs)
            match = _GROUP_BY_POSITIONS.search(sql)
            if match is None or any(int(p) > n for p in match.group(1).split(", ")):
                raise RuntimeError(f"cannot group by level: ...{sql[-80:]}")
            return sql[: match.start()] + clause, params

    compiler = GroupingSetsCompiler(base.query, base.connection, base.using, base.elide_empty)
    return list(compiler.results_iter())


def nodes_in_force(levels, on: datetime.date) -> dict[str, list[dict]]:
    """The areas of each of `levels` in force on `on`, by code: `{level: [{"id", "code", "name",
    "district_pk", "street_pk", "community_pk"}]}` — the ids of the area's ancestors, None above
    its own level's path. One query (UNION ALL of the levels' tables)."""
    parts = []
    for level in levels:
        model = NODE_MODELS[level]
        ancestors = {
            f"{lvl}_pk": F(model.PATH_TO[lvl])
            if lvl in model.PATH_TO and lvl != level
            else Cast(Value(None), BigIntegerField())  # typed: a UNION's NULL is text
            for lvl in ("district", "street", "community")
        }
        parts.append(
            model.objects.in_force(on)
            .annotate(level=Value(str(level)), **ancestors)
            .values("level", "id", "code", "name", *ancestors)
            .order_by()
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    result: dict[str, list[dict]] = {level: [] for level in levels}
    for row in sorted(rows, key=lambda row: row["code"]):
        result[row.pop("level")].append(row)
    return result
