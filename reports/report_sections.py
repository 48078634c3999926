"""The reports app's own section: the area itself (population, grids, key places, grid staff),
from the hierarchy tables of grids/. Other sections live in the apps that own the data."""

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from grids.models import AreaGrid, GridAssignment, KeyPlace
from reports.levels import level_path
from reports.registry import Metric, report_section


@report_section(
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
def area_overview(*, level, start, end):
    """Grids in force at the end of the month and their population; key places; staff whose
    assignment covered the month's last day. Three GROUP BY queries per level."""
    import datetime

    last_day = end - datetime.timedelta(days=1)
    result = {}
    grids = (
        AreaGrid.objects.valid_on(last_day)
        .values(node=F(level_path(AreaGrid, level)))
        .annotate(population=Sum("population"), households=Sum("households"), grids=Count("id"))
    )
    for row in grids:
        result[row.pop("node")] = row
    places = (
        KeyPlace.objects.filter(grid__in=AreaGrid.objects.valid_on(last_day))
        .values(node=F(level_path(KeyPlace, level)))
        .annotate(n=Count("id"))
    )
    for row in places:
        result.setdefault(row["node"], {})["key_places"] = row["n"]
    staff = (
        GridAssignment.objects.current(last_day)
        .filter(Q(role=GridAssignment.Role.GRID_HEAD) | Q(role=GridAssignment.Role.GRID_WORKER))
        .values(node=F(level_path(GridAssignment, level)))
        .annotate(n=Count("user", distinct=True))
    )
    for row in staff:
        result.setdefault(row["node"], {})["grid_staff"] = row["n"]
    return result
