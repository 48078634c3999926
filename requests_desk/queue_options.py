"""The queue page's option lists — the filter form's categories and area grids, the bulk
dispatch's departments — kept per process behind their change marks (issue 17).

Each list was a query on every queue page (three). Now one statement reads their marks: the
boundaries' trigger-moved mark (grids 0004: every write to streets, communities, grids) and the
`table_mark` of the categories and of the departments (small tables); a list is read again only
when its mark moved. The grids are kept per jurisdiction (`jurisdiction_of(user)`), so a user is
only ever given the grids of their own jurisdiction. Rows are tuples (no model instance is
shared between requests). Without marks (SpatiaLite) every list is read each time.
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
from grids.models import AreaGrid
from requests_desk.models import Category, Department

if TYPE_CHECKING:
    from accounts.models import User

Rows = tuple[tuple, ...]


@dataclass(frozen=True)
class QueueOptions:
    # (pk, name, name_en, parent_id, parent name, parent name_en), in the filter's order.
    categories: Rows
    # (pk, name, code) of the user's current area grids, by code.
    grids: Rows
    # (pk, name) of the active departments, by name.
    departments: Rows


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


@functools.cache
def _marks_sql() -> tuple[str, ...]:
    """The marks of the three lists, in QueueOptions' order."""
    return (table_mark_sql(Category), BOUNDARIES_MARK_SQL, table_mark_sql(Department))


class _Kept:
    """Lists read under one mark, by key; all dropped when the mark moves."""

    MAX_KEYS = 1024

    def __init__(self) -> None:
        self.kept: tuple[Any, dict[Hashable, Rows]] = (None, {})
        self.lock = threading.Lock()

    def get(self, mark: Any, key: Hashable) -> Rows | None:
        kept_mark, rows = self.kept
        return rows.get(key) if kept_mark == mark else None

    def keep(self, mark: Any, key: Hashable, rows: Rows) -> None:
        with self.lock:
            kept_mark, kept = self.kept
            if kept_mark != mark or len(kept) >= self.MAX_KEYS:
                self.kept = (mark, {key: rows})
            else:
                kept[key] = rows


_grids, _categories, _departments = _Kept(), _Kept(), _Kept()


def options_for(user: User) -> QueueOptions:
    """The three lists for `user`: one statement when all are kept. A list read again is kept
    only if its mark did not move while it was read (the rows may be newer than the mark read
    before them: READ COMMITTED), which a second reading of the marks tells."""
    marks = marks_read(*_marks_sql())
    if marks is None:
        return QueueOptions(category_rows(), grid_rows(user), department_rows())
    # (where it is kept, its key, how it is read), in QueueOptions' order, as the marks.
    wanted: list[tuple[_Kept, Hashable, Callable[[], Rows]]] = [
        (_categories, None, category_rows),
        (_grids, jurisdiction_of(user), lambda: grid_rows(user)),
        (_departments, None, department_rows),
    ]
    lists: list[Rows] = []
    read: list[int] = []
    for i, (kept, key, reader) in enumerate(wanted):
        rows = kept.get(marks[i], key)
        if rows is None:
            rows = reader()
            read.append(i)
        lists.append(rows)
    if read:
        after = marks_read(*_marks_sql()) or ()
        for i in read:
            kept, key, _reader = wanted[i]
            if after[i] == marks[i]:
                kept.keep(marks[i], key, lists[i])
    return QueueOptions(*lists)
