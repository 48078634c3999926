"""The reports app's own section: the area itself (population, grids, key places, grid staff),
from the hierarchy tables of grids/. Other sections live in the apps that own the data."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels
from grids.models import AreaGrid, GridAssignment, KeyPlace


@report_section_by_levels(
    "area",
    _("Area overview"),
    order=1,
    metrics=[
        Metric("population", _("Population")),
        Metric("households", _("Households")),
        Metric("grids", _("Area grids")),
        Metric("key_places", _("Key places")),
        Metric("grid_staff", _("Grid heads and grid workers")),
    ],
)
def area_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Grids in force at the end of the month and their population; key places; staff whose
    assignment covered the month's last day; per area of each of `levels`. Three queries
    (grids.levels.grouped_by_level)."""
    last_day = end - datetime.timedelta(days=1)
    parts = [
        grouped_by_level(
            AreaGrid.objects.in_force(last_day),
            AreaGrid,
            levels,
            population=Sum("population"),
            households=Sum("households"),
            grids=Count("id"),
        ),
        grouped_by_level(
            KeyPlace.objects.filter(grid__in=AreaGrid.objects.in_force(last_day)),
            KeyPlace,
            levels,
            key_places=Count("id"),
        ),
        grouped_by_level(
            GridAssignment.objects.in_force(last_day).filter(
                Q(role=GridAssignment.Role.GRID_HEAD) | Q(role=GridAssignment.Role.GRID_WORKER)
            ),
            GridAssignment,
            levels,
            grid_staff=Count("user", distinct=True),
        ),
    ]
    return merge_levels(levels, *parts)
