"""Report sections: each app contributes the figures of its part of the monthly report in its own
`<app>/report_sections.py` (imported by ReportsConfig.ready). The registry lives here, below
every app that registers into it; `reports` reads it.

    from core.report_registry import Metric, report_section

    @report_section("requests", _("Residents' requests"), order=10, metrics=[
        Metric("received", _("Requests received")),
        Metric("closure_rate", _("Closure rate"), unit="rate"),
    ])
    def requests_section(*, level, start, end):
        \"\"\"All areas of `level` at once: {node_id: {"received": 12, "closure_rate": 0.75}}.\"\"\"
        return indicators.by_area(level=level, start=start, end=end)  # the app's own queries

`compute(level=..., start=..., end=...)` receives a hierarchy level ("grid", "community",
"street", "district") and the month as a half-open date range [start, end). It must compute every
area of that level in a fixed number of queries (GROUP BY the level's path, see
`grids.levels.level_path`) — never one query per area — and must call the owning app's indicator
or selector functions rather than copy their logic. Areas missing from the result get 0.

A section may also compute every level in one call, registered next to `compute`:

    @report_section_all_levels("requests")
    def requests_all_levels(*, start, end):
        \"\"\"{"grid": {node_id: metrics}, "community": {...}, "street": {...}, "district": {...}}\"\"\"
        return indicators.by_area_all_levels(start=start, end=end)

The report generation (`reports.services.report_figures`) then calls `compute_all` once instead of
`compute` once per level; a level missing from its result counts as an empty level. It must give
exactly what `compute` gives for each level (test it).

A section whose figures come from one function of the levels asked for registers that function
alone, and gets both from it:

    @report_section_by_levels("things", _("Things"), order=40, metrics=[...])
    def things_figures(*, start, end, levels):
        \"\"\"{level: {node_id: metrics}} for each of `levels` (grouped_by_level, merge_levels).\"\"\"

`compute` asks it for one level, `compute_all` for every level. `grids.levels.grouped_by_level` runs one
query for all levels on PostgreSQL (`GROUP BY ROLLUP` or `GROUPING SETS`) and one GROUP BY query
per level on the other databases (SQLite has no GROUPING SETS); rates are then computed from the counts of
each area, never by adding up the rates of its grids.
"""

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.utils.functional import Promise

from core.hierarchy import AREA_LEVELS

UNITS: Final = ("count", "rate", "hours", "score", "days")

# {node_id: {metric: value}} for one level; {level: {node_id: {metric: value}}} for all.
LevelFigures = dict[int, dict[str, Any]]
AllLevelFigures = dict[str, LevelFigures]
Compute = Callable[..., LevelFigures]
ComputeAll = Callable[..., AllLevelFigures]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    unit: str = "count"  # count | rate (0–1) | hours | days | score

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit}")


@dataclass(frozen=True)
class Section:
    name: str
    title: str | Promise
    order: int
    metrics: tuple[Metric, ...]
    compute: Compute = field(compare=False)
    app_label: str = ""
    # Optional: every level in one call, `compute_all(*, start, end) -> {level: {node_id: metrics}}`.
    compute_all: ComputeAll | None = field(default=None, compare=False)


SECTIONS: dict[str, Section] = {}


def report_section(
    name: str, title: str | Promise, *, metrics: Iterable[Metric], order: int = 100
) -> Callable[[F], F]:
    def decorator(func: F) -> F:
        SECTIONS[name] = Section(
            name=name,
            title=title,
            order=order,
            metrics=tuple(metrics),
            compute=func,
            app_label=func.__module__.split(".")[0],
        )
        return func

    return decorator


def report_section_all_levels(name: str) -> Callable[[F], F]:
    """Register `compute_all(*, start, end)` for the section `name` (registered before, with
    `report_section`): all levels at once, `{level: {node_id: metrics}}`."""

    def decorator(func: F) -> F:
        if name not in SECTIONS:
            raise LookupError(f"report section {name!r} is not registered (report_section first)")
        SECTIONS[name] = dataclasses.replace(SECTIONS[name], compute_all=func)
        return func

    return decorator


def report_section_by_levels(
    name: str, title: str | Promise, *, metrics: Iterable[Metric], order: int = 100
) -> Callable[[F], F]:
    """Register the section `name` from `figures(*, start, end, levels)` ->
    `{level: {node_id: metrics}}`: its `compute` asks `figures` for one level, its `compute_all`
    for every level (core.hierarchy.AREA_LEVELS)."""

    def decorator(figures: F) -> F:
        # Named after `figures` (its module gives the section's app).
        @functools.wraps(figures)
        def compute(*, level: str, start: Any, end: Any) -> LevelFigures:
            one: LevelFigures = figures(start=start, end=end, levels=(level,))[level]
            return one

        @functools.wraps(figures)
        def compute_all(*, start: Any, end: Any) -> AllLevelFigures:
            every: AllLevelFigures = figures(start=start, end=end, levels=AREA_LEVELS)
            return every

        report_section(name, title, metrics=metrics, order=order)(compute)
        report_section_all_levels(name)(compute_all)
        return figures

    return decorator


def sections_in_order() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: (s.order, s.name))
