"""Handover for grid patrols (accounts.handover).

Patrol plans belong to the area grid and remind the grid workers assigned to it, so they pass to
the successor with the grid assignment (accounts' "grid staff assignments" step, which runs
first). This step ends a patrol the leaving worker left open, so that it no longer counts as
under way, and reports how many plan entries the successor now covers."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.handover import HandoverStep, handover_step
from grids.models import GridAssignment
from patrols.models import Patrol, PatrolPlan
from patrols.services import patrol_end


@handover_step("patrols.plans", gettext_lazy("Patrol plan entries"), order=40)
class PatrolPlans(HandoverStep):
    def _plans(self, user):
        grids = (
            GridAssignment.objects.in_force()
            .filter(user=user, role=GridAssignment.Role.GRID_WORKER)
            .values("grid_id")
        )
        return PatrolPlan.objects.filter(active=True, grid_id__in=grids)

    def _open_patrols(self, user):
        return Patrol.objects.filter(worker=user, ended_at__isnull=True)

    def pending(self, user) -> int:
        return self._plans(user).count() + self._open_patrols(user).count()

    def hand_over(self, *, user, successor, by) -> int:
        for patrol in self._open_patrols(user):
            patrol_end(patrol=patrol, by=user, notes=_("ended at handover"), now=timezone.now())
        # The assignments moved already (order 10): count what the successor now covers.
        grids = (
            GridAssignment.objects.in_force()
            .filter(user=successor, role=GridAssignment.Role.GRID_WORKER)
            .values("grid_id")
        )
        return PatrolPlan.objects.filter(active=True, grid_id__in=grids).count()
