"""Redrawing keeps people and things attached: the registry of what follows a redrawn boundary.

A boundary import with `--replace` closes the current version of each code in the file and adds a
new version (grids.boundary_import). Everything that points at a closed version and still matters
today — people bound to it, staff assignments, branches, households, places, positions, patrol
plans, open requests — must move to the new version. The hierarchy (grids) sits below the apps
that own those rows, so it cannot import them: each app registers a *mover* for its own rows in its
`<app>/redraw.py` (imported by GridsConfig.ready), and the import calls them all in the same
transaction. The registry lives here, below every app that registers into it.

    from core.redraw_registry import Moved, NodeMoves, redraw_mover

    @redraw_mover("care.Household", fields=("grid", "subgrid"), label=_("households"), order=60)
    def households_follow(*, moves: NodeMoves) -> Moved:
        \"\"\"Placed again by their point (locate on moves.on); no point: the same code.\"\"\"
        ...
        return Moved(count=12, ambiguous=["household #7: its point now lies in …"])

`moves.ids[level]` maps each closed version's id to the new version's id, per level; `moves.on`
is the first day of the new versions. A mover returns how many rows moved and, in plain words,
each row whose new place is not simply "the same code" (a household whose point now lies in a
neighbouring grid): the dry run lists those for a person to check. A mover writes through the
owning app's services (requests through `request_reroute`, so the monthly figures stay exact).

Rows that must stay on the version they were recorded under (a closed case, a finished patrol, a
report snapshot) are declared with `redraw_history(label, fields=…, reason=…)`:
`grids/tests/test_redraw.py` checks that every foreign key to a hierarchy model is either moved or
declared history, so a new model cannot be forgotten.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final, TypeVar

from django.utils.functional import Promise

LEVELS_MOVED: Final = ("district", "street", "community", "grid", "subgrid")


@dataclass(frozen=True)
class NodeMoves:
    """The versions a redraw closed and their successors: {level: {old id: new id}}, and the first
    day of the new versions."""

    ids: dict[str, dict[int, int]]
    on: datetime.date

    def of(self, level: str) -> dict[int, int]:
        return self.ids.get(level, {})

    @property
    def empty(self) -> bool:
        return not any(self.ids.values())


@dataclass
class Moved:
    """What one mover did: rows moved, and the rows a person should check (one line each)."""

    count: int = 0
    ambiguous: list[str] = field(default_factory=list)


Mover = Callable[..., Moved]
F = TypeVar("F", bound=Mover)


@dataclass(frozen=True)
class RedrawMover:
    model: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    label: str | Promise
    order: int
    move: Mover = field(compare=False)


@dataclass(frozen=True)
class RedrawHistory:
    model: str
    fields: tuple[str, ...]
    reason: str


MOVERS: dict[str, RedrawMover] = {}
HISTORY: dict[str, RedrawHistory] = {}


def redraw_mover(
    model: str, *, fields: Iterable[str], label: str | Promise, order: int = 100
) -> Callable[[F], F]:
    """Register `move(*, moves: NodeMoves) -> Moved` for the foreign keys `fields` of `model`."""

    def decorator(func: F) -> F:
        MOVERS[f"{model}:{func.__name__}"] = RedrawMover(
            model=model, fields=tuple(fields), label=label, order=order, move=func
        )
        return func

    return decorator


def redraw_history(model: str, *, fields: Iterable[str], reason: str) -> None:
    """Declare that `fields` of `model` keep the version they were recorded under."""
    HISTORY[model] = RedrawHistory(model=model, fields=tuple(fields), reason=reason)


def movers_in_order() -> list[RedrawMover]:
    return sorted(MOVERS.values(), key=lambda m: (m.order, m.model))


def covered_fields() -> set[tuple[str, str]]:
    """(model label, field name) of every foreign key a mover moves or history keeps."""
    covered = {(m.model, f) for m in MOVERS.values() for f in m.fields}
    return covered | {(h.model, f) for h in HISTORY.values() for f in h.fields}
