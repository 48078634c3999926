"""What follows a redraw in the hierarchy's own tables (core.redraw_registry), and the one rule
for rows placed by their point, which the apps' movers share (`placements`)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_history, redraw_mover
from grids.locate import GridIndex
from grids.models import AreaGrid, GridAssignment, KeyPlace, SubGrid


@dataclass(frozen=True)
class Placement:
    """Where a row placed by its point goes after a redraw. `ambiguous` says why a person should
    look at it (its point lies in another grid than its code's new version, or in none), and
    `outcome` what the redraw does with it."""

    grid_id: int
    subgrid_id: int | None
    ambiguous: str = ""
    outcome: str = ""
    located: bool = False  # placed by its point (which lies in an area grid)

    @property
    def note(self) -> str:
        return f"{self.ambiguous}; {self.outcome}" if self.ambiguous else ""


def placements(rows, *, moves: NodeMoves) -> dict[int, Placement]:
    """For rows `(pk, point or None, old grid id)` attached to a closed grid version: the grid
    (and sub-grid) containing the point on `moves.on` — the point is where the row is — or, with
    no point, or a point outside every grid, the new version of the same code. Two in-memory
    spatial indexes (grids.locate.GridIndex), whatever the number of rows."""
    rows = list(rows)
    grid_moves = moves.of("grid")
    with_point = [(pk, point, old) for pk, point, old in rows if point is not None]
    found_grids: list[int | None] = []
    found_subgrids: list[int | None] = []
    if with_point:
        lonlats = [(point.x, point.y) for _pk, point, _old in with_point]
        found_grids = GridIndex(moves.on).grid_ids_for(lonlats)
        found_subgrids = GridIndex(moves.on, model=SubGrid).grid_ids_for(lonlats)
    names = dict(
        AreaGrid.objects.filter(
            pk__in={g for g in found_grids if g} | set(grid_moves.values())
        ).values_list("pk", "name")
    )
    subgrid_parent = dict(
        SubGrid.objects.filter(pk__in={s for s in found_subgrids if s}).values_list("pk", "grid_id")
    )
    result: dict[int, Placement] = {}
    for pk, _point, old in rows:
        result[pk] = Placement(grid_id=grid_moves.get(old, old), subgrid_id=None)
    for (pk, _point, old), grid_id, subgrid_id in zip(
        with_point, found_grids, found_subgrids, strict=True
    ):
        same_code = grid_moves.get(old, old)
        if grid_id is None:
            result[pk] = Placement(
                grid_id=same_code,
                subgrid_id=None,
                ambiguous=_("its point lies outside every area grid"),
                outcome=_("it stays with %(grid)s") % {"grid": names.get(same_code, same_code)},
            )
            continue
        subgrid_id = subgrid_id if subgrid_parent.get(subgrid_id) == grid_id else None
        ambiguous = outcome = ""
        if grid_id != same_code:
            ambiguous = _("its point now lies in %(found)s, not in %(grid)s") % {
                "found": names.get(grid_id, grid_id),
                "grid": names.get(same_code, same_code),
            }
            outcome = _("it moves to %(found)s") % {"found": names.get(grid_id, grid_id)}
        result[pk] = Placement(
            grid_id=grid_id,
            subgrid_id=subgrid_id,
            ambiguous=ambiguous,
            outcome=outcome,
            located=True,
        )
    return result


def repoint(queryset, field: str, level_moves: dict[int, int]) -> int:
    """Point `field` of the rows of `queryset` that point at a closed version to its new version
    (the same code): one UPDATE per closed version. Returns the number of rows moved."""
    count = 0
    for old, new in level_moves.items():
        count += queryset.filter(**{f"{field}_id": old}).update(**{f"{field}_id": new})
    return count


def placements_by_grid(placed: dict[int, Placement]) -> dict[int, list[int]]:
    """The row ids of `placed` grouped by their new grid (one UPDATE per grid)."""
    groups: dict[int, list[int]] = {}
    for pk, placement in placed.items():
        groups.setdefault(placement.grid_id, []).append(pk)
    return groups


@redraw_mover(
    "grids.GridAssignment", fields=("grid",), label=gettext_lazy("grid staff assignments"), order=10
)
def assignments_follow(*, moves: NodeMoves) -> Moved:
    """Assignments still in force on the first day of the new versions (or starting later) move
    to the new version of their grid; assignments that ended before stay with the old one."""
    running = GridAssignment.objects.exclude(end_date__lt=moves.on)
    return Moved(count=repoint(running, "grid", moves.of("grid")))


@redraw_mover("grids.KeyPlace", fields=("grid",), label=gettext_lazy("key places"), order=20)
def key_places_follow(*, moves: NodeMoves) -> Moved:
    """Placed again by their point (a key place lies in its area grid: the admin's rule)."""
    rows = KeyPlace.objects.filter(grid_id__in=moves.of("grid")).values_list(
        "pk", "location", "grid_id"
    )
    placed = placements(rows, moves=moves)
    names = dict(KeyPlace.objects.filter(pk__in=placed).values_list("pk", "name"))
    for grid_id, pks in placements_by_grid(placed).items():
        KeyPlace.objects.filter(pk__in=pks).update(grid_id=grid_id)
    return Moved(
        count=len(placed),
        ambiguous=[
            _("Key place %(name)s: %(note)s.") % {"name": names[pk], "note": p.note}
            for pk, p in placed.items()
            if p.ambiguous
        ],
    )


_CHILDREN = (
    "the import itself moves the children in force to their parent's new version; closed "
    "versions keep the parent they had"
)
for _model, _field in (
    ("grids.Street", "district"),
    ("grids.Community", "street"),
    ("grids.AreaGrid", "community"),
    ("grids.SubGrid", "grid"),
):
    redraw_history(_model, fields=(_field,), reason=_CHILDREN)
