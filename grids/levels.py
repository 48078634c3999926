"""Figures by hierarchy level: the lookup from any model to its area at a level, aggregates grouped
by area for several levels at once, and the areas of several levels in force on a day. Used by the
monthly reports' sections (core.report_registry) and the dashboards; the levels themselves are
core.hierarchy's."""

import datetime
import re

from django.db import connections
from django.db.models import BigIntegerField, F, Value
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
    the database, exactly as one GROUP BY per level would. One GROUP BY query per level on other
    databases."""
    levels = tuple(levels)
    queryset = queryset.order_by()
    if len(levels) == 1 or not supports_grouping_sets(queryset.db):
        return {level: _grouped(queryset, model, level, aggregates) for level in levels}
    rollup = _chained(model, levels)
    if rollup:
        levels = tuple(level for level in AREA_LEVELS if level in levels)  # from the top down
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
            # A ROLLUP row groups by the levels down to one and has NULL below it; through the
            # chain a NULL area has NULL areas above it, so the lowest non-NULL column is the
            # row's area (none: the grand total, or rows without an area — left out).
            for level, node in reversed(nodes):
                if node is not None:
                    result[level][node] = values
                    break
            continue
        # A grouping set's row has NULL in the columns the set does not group by: the one
        # non-NULL node column is the area (a NULL node — no area — is left out, as in the
        # per-level query).
        for level, node in nodes:
            if node is not None:
                result[level][node] = values
    return result


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
