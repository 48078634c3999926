"""Service positions follow a redraw to the new version of the area they serve (the same code):
serving an area is a decision, not a consequence of the point. A position whose point now lies in
another grid than the one it serves is listed for a person to check (core.redraw_registry)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_mover
from grids.redraw import placements, repoint
from service_points.models import ServicePosition


@redraw_mover(
    "service_points.ServicePosition",
    fields=("community", "grid", "subgrid"),
    label=gettext_lazy("service positions"),
    order=30,
)
def positions_follow(*, moves: NodeMoves) -> Moved:
    positions = ServicePosition.objects.all()
    attached = positions.filter(
        Q(community_id__in=moves.of("community"))
        | Q(grid_id__in=moves.of("grid"))
        | Q(subgrid_id__in=moves.of("subgrid"))
    ).count()
    rows = positions.filter(grid_id__in=moves.of("grid")).values_list("pk", "location", "grid_id")
    placed = placements(rows, moves=moves)
    names = dict(positions.filter(pk__in=placed).values_list("pk", "name"))
    ambiguous = [
        _(
            "Service position %(name)s: %(reason)s; it keeps serving the new version of the "
            "grid it served (move its point, or choose the grid it serves)."
        )
        % {"name": names[pk], "reason": placement.ambiguous}
        for pk, placement in placed.items()
        if placement.ambiguous
    ]
    repoint(positions, "community", moves.of("community"))
    repoint(positions, "grid", moves.of("grid"))
    repoint(positions, "subgrid", moves.of("subgrid"))
    return Moved(count=attached, ambiguous=ambiguous)
