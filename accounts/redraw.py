"""People follow a redraw: a user bound to a closed version is bound to its new version (the same
code), so a grid head keeps seeing their own grid's new requests (core.redraw_registry)."""

from django.utils.translation import gettext_lazy

from accounts.models import User
from core.redraw_registry import Moved, NodeMoves, redraw_mover
from grids.redraw import repoint

BOUND_LEVELS = ("district", "street", "community", "grid")


@redraw_mover(
    "accounts.User", fields=BOUND_LEVELS, label=gettext_lazy("people bound to a node"), order=5
)
def users_follow(*, moves: NodeMoves) -> Moved:
    """Every user (active or not: a reactivated account must not come back to a closed grid)."""
    return Moved(
        count=sum(repoint(User.objects.all(), level, moves.of(level)) for level in BOUND_LEVELS)
    )
