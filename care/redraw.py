"""Households follow a redraw: each is placed again by its point (the grid and sub-grid containing
it on the first day of the new versions); a household without a point moves to the new version of
its grid and sub-grid (the same codes). A household whose point now lies in a neighbouring grid is
listed: it moves there, and its pairing (a worker of the old grid) needs a look
(core.redraw_registry)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from care.models import Household
from core.redraw_registry import Moved, NodeMoves, redraw_mover
from grids.redraw import placements, repoint


@redraw_mover(
    "care.Household", fields=("grid", "subgrid"), label=gettext_lazy("households"), order=60
)
def households_follow(*, moves: NodeMoves) -> Moved:
    attached = Household.objects.filter(
        Q(grid_id__in=moves.of("grid")) | Q(subgrid_id__in=moves.of("subgrid"))
    ).count()
    rows = Household.objects.filter(grid_id__in=moves.of("grid")).values_list(
        "pk", "location", "grid_id"
    )
    placed = placements(rows, moves=moves)
    groups: dict[tuple, list[int]] = {}
    for pk, placement in placed.items():
        key = (
            (placement.grid_id, placement.subgrid_id) if placement.located else (placement.grid_id,)
        )
        groups.setdefault(key, []).append(pk)
    for key, pks in groups.items():
        fields = {"grid_id": key[0]} | ({"subgrid_id": key[1]} if len(key) == 2 else {})
        Household.objects.filter(pk__in=pks).update(**fields)
    # Not placed by a point: the sub-grid's own new version (the same code).
    located = [pk for pk, p in placed.items() if p.located]
    repoint(Household.objects.exclude(pk__in=located), "subgrid", moves.of("subgrid"))
    buildings = dict(Household.objects.filter(pk__in=placed).values_list("pk", "building"))
    return Moved(
        count=attached,
        ambiguous=[
            _("Household #%(id)s %(building)s: %(note)s.")
            % {"id": pk, "building": buildings.get(pk, ""), "note": p.note}
            for pk, p in placed.items()
            if p.ambiguous
        ],
    )
