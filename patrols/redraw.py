"""Patrol plans follow a redraw: a plan belongs to the grid of its key place, which the key places'
mover (grids.redraw) has just placed again by its point. Patrols and their findings keep the
grid they were walked in (core.redraw_registry)."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_history, redraw_mover
from grids.models import KeyPlace
from patrols.models import PatrolPlan


@redraw_mover("patrols.PatrolPlan", fields=("grid",), label=gettext_lazy("patrol plans"), order=50)
def plans_follow(*, moves: NodeMoves) -> Moved:
    same_code = moves.of("grid")
    plans = list(
        PatrolPlan.objects.filter(grid_id__in=same_code)
        .select_related("key_place__grid")
        .only("pk", "grid_id", "key_place__name", "key_place__grid__name")
    )
    ambiguous = [
        _(
            "Patrol plan for %(place)s: the key place now lies in %(grid)s; the plan moves "
            "there with it."
        )
        % {"place": plan.key_place.name, "grid": plan.key_place.grid.name}
        for plan in plans
        if plan.key_place.grid_id != same_code[plan.grid_id]
    ]
    place_grid = KeyPlace.objects.filter(pk=OuterRef("key_place_id")).values("grid_id")[:1]
    PatrolPlan.objects.filter(pk__in=[p.pk for p in plans]).update(grid_id=Subquery(place_grid))
    return Moved(count=len(plans), ambiguous=ambiguous)


redraw_history(
    "patrols.Patrol", fields=("grid",), reason="a patrol was walked in the grid of its day"
)
redraw_history(
    "patrols.Finding", fields=("grid",), reason="a finding was made in the grid of its day"
)
