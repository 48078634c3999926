"""What the queue page shows from small tables — the filter form's categories and area grids,
the bulk dispatch's departments, and the names of the rows' categories, grids and communities —
kept per process behind their change marks (issue 17).

Each option list was a query on every queue page (three), and the rows' names were three joins
that cost PostgreSQL more time planning the rows' query than running it. Now one statement reads
the marks: the trigger-moved marks of the boundaries (grids 0004: every write to streets,
communities, grids) and of the categories (requests_desk 0014, the one the submission reads) and
the `table_mark` of the departments (a small table); a list is read again only when its mark
moved. The option grids are kept per jurisdiction
(`jurisdiction_of(user)`), so a user is only ever given the grids of their own jurisdiction; the
name maps hold every grid and community (a row only shows the name of its own). Rows are tuples
(no model instance is shared between requests). Without marks (SpatiaLite) every list is read
each time.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.change_marks import marks_read, table_mark_sql
from grids.jurisdiction import jurisdiction_of, scope_queryset
from grids.locate import MARK_SQL as BOUNDARIES_MARK_SQL
from grids.models import AreaGrid, Community
from requests_desk.models import CATEGORIES_MARK_SQL, Category, Department

if TYPE_CHECKING:
    from accounts.models import User

Rows = tuple[tuple, ...]


@dataclass(frozen=True)
class RowNames:
    """The names a queue row shows, by id: a category's (name, name_en), a grid's and a
    community's name (every version of every grid: a closed case keeps its old grid)."""

    categories: dict[int, tuple[str, str]]
    grids: dict[int, str]
    communities: dict[int, str]


@dataclass(frozen=True)
class QueueOptions:
    # (pk, name, name_en, parent_id, parent name, parent name_en), in the filter's order.
    categories: Rows
    # (pk, name, code) of the user's current area grids, by code.
    grids: Rows
    # (pk, name) of the active departments, by name.
    departments: Rows
    names: RowNames


def category_rows() -> Rows:
    return tuple(
        Category.objects.values_list(
            "pk", "name", "name_en", "parent_id", "parent__name", "parent__name_en"
        )
    )


def grid_rows(user: User) -> Rows:
    return tuple(
        scope_queryset(AreaGrid.objects.current(), user)
        .order_by("code")
        .values_list("pk", "name", "code")
    )


def department_rows() -> Rows:
    return tuple(Department.objects.filter(active=True).order_by("name").values_list("pk", "name"))


def grid_names() -> dict[int, str]:
    return dict(AreaGrid.objects.values_list("pk", "name"))


def community_names() -> dict[int, str]:
    return dict(Community.objects.values_list("pk", "name"))


CATEGORIES, BOUNDARIES, DEPARTMENTS = 0, 1, 2


@functools.cache
def _marks_sql() -> tuple[str, ...]:
    """The marks: of the categories, the boundaries, the departments (CATEGORIES…)."""
    return (CATEGORIES_MARK_SQL, BOUNDARIES_MARK_SQL, table_mark_sql(Department))


class _Kept:
    """Values read under one mark, by key; all dropped when the mark moves."""

    MAX_KEYS = 1024

    def __init__(self, mark: int):
        self.mark = mark  # which of the marks (CATEGORIES, BOUNDARIES, DEPARTMENTS)
        self.kept: tuple[Any, dict[Hashable, Any]] = (None, {})
        self.lock = threading.Lock()

    def get(self, mark: Any, key: Hashable) -> Any:
        kept_mark, values = self.kept
        return values.get(key) if kept_mark == mark else None

    def keep(self, mark: Any, key: Hashable, value: Any) -> None:
        with self.lock:
            kept_mark, kept = self.kept
            if kept_mark != mark or len(kept) >= self.MAX_KEYS:
                self.kept = (mark, {key: value})
            else:
                kept[key] = value


_categories, _grids, _departments = _Kept(CATEGORIES), _Kept(BOUNDARIES), _Kept(DEPARTMENTS)
_grid_names, _community_names = _Kept(BOUNDARIES), _Kept(BOUNDARIES)


def _values(wanted: list[tuple[_Kept, Hashable, Callable[[], Any]]]) -> list[Any] | None:
    """The value of each (kept, key, read) in one statement when all are kept; None without
    marks. A value read again is kept only if its mark did not move while it was read (the rows
    may be newer than the mark read before them: READ COMMITTED), which a second reading of
    the marks tells."""
    marks = marks_read(*_marks_sql())
    if marks is None:
        return None
    values: list[Any] = []
    read: list[int] = []
    for i, (kept, key, reader) in enumerate(wanted):
        value = kept.get(marks[kept.mark], key)
        if value is None:
            value = reader()
            read.append(i)
        values.append(value)
    if read:
        after = marks_read(*_marks_sql()) or marks
        for i in read:
            kept, key, _reader = wanted[i]
            if marks[kept.mark] is not None and after[kept.mark] == marks[kept.mark]:
                kept.keep(marks[kept.mark], key, values[i])
    return values


def _row_names(categories: Rows, grids: dict[int, str], communities: dict[int, str]) -> RowNames:
    return RowNames(
        categories={pk: (name, name_en) for pk, name, name_en, *_parent in categories},
        grids=grids,
        communities=communities,
    )


def options_for(user: User) -> QueueOptions:
    """The option lists for `user` and the rows' names: one statement when all are kept."""
    values = _values(
        [
            (_categories, None, category_rows),
            (_grids, jurisdiction_of(user), lambda: grid_rows(user)),
            (_departments, None, department_rows),
            (_grid_names, None, grid_names),
            (_community_names, None, community_names),
        ]
    )
    if values is None:
        categories = category_rows()
        values = [categories, grid_rows(user), department_rows(), grid_names(), community_names()]
    categories, grids, departments, names_of_grids, names_of_communities = values
    names = _row_names(categories, names_of_grids, names_of_communities)
    return QueueOptions(categories, grids, departments, names)


def row_names() -> RowNames:
    """The rows' names alone (a caller without the options)."""
    values = _values(
        [
            (_categories, None, category_rows),
            (_grid_names, None, grid_names),
            (_community_names, None, community_names),
        ]
    ) or [category_rows(), grid_names(), community_names()]
    return _row_names(*values)
