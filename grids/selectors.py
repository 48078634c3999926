"""Reads of the hierarchy, each in a fixed number of queries."""

import datetime

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from grids.models import AreaGrid, GridAssignment


def grid_head_subquery(
    *, grid_ref: str = "pk", on: datetime.date | None = None, field: str = "user_id"
):
    """A subquery of the current grid head's `field` for the grid at OuterRef(`grid_ref`)."""
    heads = GridAssignment.objects.current_grid_heads(on).filter(grid=OuterRef(grid_ref))
    if field == "full_name":
        heads = heads.annotate(full_name=Concat("user__last_name", "user__first_name"))
    return Subquery(heads.values(field)[:1])


def grid_head_name_subquery(on: datetime.date | None = None):
    return grid_head_subquery(on=on, field="full_name")


def grids_for_map(
    *,
    street_code: str | None = None,
    community_code: str | None = None,
    code: str | None = None,
    query: str | None = None,
    on=None,
    precision: int = 6,
):
    """Area grids in force with everything the public map and the API show, in one query."""
    grids = (
        AreaGrid.objects.in_force(on)
        .select_related("community__street")
        .annotate(
            geojson=AsGeoJSON("boundary", precision=precision),
            grid_head_name=Coalesce(grid_head_name_subquery(on), Value("")),
        )
        .defer("boundary")
        .order_by("code")
    )
    if street_code:
        grids = grids.filter(community__street__code=street_code)
    if community_code:
        grids = grids.filter(community__code=community_code)
    if code:
        grids = grids.filter(code=code)
    if query:
        grids = grids.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return grids
