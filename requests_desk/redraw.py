"""Open requests follow a redraw: each is placed again by its point on the first day of the new
versions (a request without a point moves to the new version of its community), through
`request_reroute`, so the monthly figures stay exact. Closed, cancelled and merged requests keep
the area they were handled in: the figures of past months do not change (core.redraw_registry)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_history, redraw_mover
from grids.models import AreaGrid, Community
from grids.redraw import placements
from requests_desk.models import Request, Stage
from requests_desk.services import request_reroute


def _attached(moves: NodeMoves):
    return Request.objects.filter(stage__in=Stage.OPEN).filter(
        Q(grid_id__in=moves.of("grid"))
        | Q(community_id__in=moves.of("community"))
        | Q(street_id__in=moves.of("street"))
    )


def _community_of(case, moves: NodeMoves) -> int:
    return moves.of("community").get(case.community_id, case.community_id)


@redraw_mover(
    "requests_desk.Request",
    fields=("street", "community", "grid"),
    label=gettext_lazy("open requests"),
    order=70,
)
def open_requests_follow(*, moves: NodeMoves) -> Moved:
    cases = list(_attached(moves).only("pk", "code", "location", "grid_id", "community_id"))
    # A case in a grid that was not redrawn (its community or street was) is placed again by
    # its point as well: its grid id is its own "same code".
    placed = placements(
        [(c.pk, c.location, c.grid_id) for c in cases if c.grid_id is not None], moves=moves
    )
    grids = AreaGrid.objects.select_related("community").in_bulk(
        {p.grid_id for p in placed.values()}
    )
    communities = Community.objects.in_bulk({_community_of(c, moves) for c in cases})
    moved = Moved()
    for case in cases:
        placement = placed.get(case.pk)
        if placement is not None:
            request_reroute(case=case, grid=grids[placement.grid_id])
            if placement.ambiguous:
                moved.ambiguous.append(
                    _("Request %(code)s: %(note)s.") % {"code": case.code, "note": placement.note}
                )
        else:
            request_reroute(case=case, community=communities[_community_of(case, moves)])
        moved.count += 1
    return moved


redraw_history(
    "requests_desk.MonthlyRequestFigures",
    fields=("street", "community", "grid"),
    reason="counters per area and month: request_reroute moves an open request's contribution",
)
