"""Volunteering follows a redraw: registrations, needs-list items, activities and teams move to
the new version of their community and grid (the same code), past ones included, so the
community's staff keep seeing their own records after the redraw (core.redraw_registry)."""

from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_mover
from grids.redraw import repoint
from volunteers.models import Activity, NeedsListItem, Registration, Team


def _follow(model, moves: NodeMoves) -> Moved:
    rows = model.objects.all()
    return Moved(
        count=repoint(rows, "community", moves.of("community"))
        + repoint(rows, "grid", moves.of("grid"))
    )


@redraw_mover(
    "volunteers.Registration",
    fields=("community", "grid"),
    label=gettext_lazy("members' registrations"),
    order=40,
)
def registrations_follow(*, moves: NodeMoves) -> Moved:
    return _follow(Registration, moves)


@redraw_mover(
    "volunteers.NeedsListItem",
    fields=("community", "grid"),
    label=gettext_lazy("needs-list items"),
    order=40,
)
def needs_follow(*, moves: NodeMoves) -> Moved:
    return _follow(NeedsListItem, moves)


@redraw_mover(
    "volunteers.Activity", fields=("community", "grid"), label=gettext_lazy("activities"), order=40
)
def activities_follow(*, moves: NodeMoves) -> Moved:
    return _follow(Activity, moves)


@redraw_mover(
    "volunteers.Team", fields=("community", "grid"), label=gettext_lazy("volunteer teams"), order=40
)
def teams_follow(*, moves: NodeMoves) -> Moved:
    return _follow(Team, moves)
