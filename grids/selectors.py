"""Reads of the hierarchy, each in a fixed number of queries."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from core.change_marks import MarkedValue
from grids.locate import MARK_SQL as BOUNDARIES_MARK_SQL
from grids.models import AreaGrid, District, GridAssignment

if TYPE_CHECKING:
    from typing import Any


def grid_head_subquery(
    *, grid_ref: str = "pk", on: datetime.date | None = None, field: str = "user_id"
) -> Subquery:
    """A subquery of the current grid head's `field` for the grid at OuterRef(`grid_ref`)."""
    heads = GridAssignment.objects.current_grid_heads(on).filter(grid=OuterRef(grid_ref))
    if field == "full_name":
        heads = heads.annotate(full_name=Concat("user__last_name", "user__first_name"))
    return Subquery(heads.values(field)[:1])


def grid_head_name_subquery(on: datetime.date | None = None) -> Subquery:
    return grid_head_subquery(on=on, field="full_name")


def grids_for_map(
    *,
    street_code: str | None = None,
    community_code: str | None = None,
    code: str | None = None,
    query: str | None = None,
    on: datetime.date | None = None,
    precision: int = 6,
) -> list[dict[str, Any]]:
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


# --- The map's first view: the district's own boundary, never a constant --------------------------
@dataclass(frozen=True)
class MapView:
    """Where a map opens before its own data arrives, and where the admin's map widgets open:
    the extent of the districts in force (south, west, north, east), its centre and a zoom that
    shows it whole on a map about MAP_VIEW_WIDTH_PX wide."""

    south: float
    west: float
    north: float
    east: float
    zoom: int

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lon), as Leaflet and django-leaflet take it."""
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)

    @property
    def bounds(self) -> str:
        """ "south,west,north,east" for a data- attribute (redgrid-map.js)."""
        return ",".join(f"{v:.5f}" for v in (self.south, self.west, self.north, self.east))


# Before any district is drawn: the whole country.
NO_DISTRICT_VIEW = MapView(south=18.0, west=73.5, north=53.5, east=135.0, zoom=4)
MAP_VIEW_WIDTH_PX = 600
MAP_VIEW_CACHE_KEY = "grids:map_view:v1"
MAP_VIEW_CACHE_SECONDS = 3600


def _zoom_for(west: float, east: float, south: float, north: float) -> int:
    """The largest Leaflet zoom at which the extent fits MAP_VIEW_WIDTH_PX pixels (a tile is 256
    px and covers 360 / 2**zoom degrees of longitude; latitude spans are weighed the same, which
    is close enough this far from the poles)."""
    span = max(east - west, north - south, 1e-6)
    zoom = math.floor(math.log2(360 * MAP_VIEW_WIDTH_PX / (256 * span)))
    return max(3, min(zoom, 18))


def _map_view_read(on: datetime.date | None) -> MapView:
    """The view from the extent of the districts in force on `on` (default today): one query."""
    extent = District.objects.in_force(on).aggregate(extent=Extent("boundary"))["extent"]
    if extent is None:
        return NO_DISTRICT_VIEW
    west, south, east, north = extent
    return MapView(south, west, north, east, _zoom_for(west, east, south, north))


def map_view(on: datetime.date | None = None) -> MapView:
    """The map's first view from the boundaries of the districts in force (one query, cached;
    `map_view_forget` after a boundary import)."""
    if on is None:
        cached = cache.get(MAP_VIEW_CACHE_KEY)
        if cached is not None:
            return MapView(*cached)
    view = _map_view_read(on)
    if on is None:
        fields = (view.south, view.west, view.north, view.east, view.zoom)
        cache.set(MAP_VIEW_CACHE_KEY, fields, MAP_VIEW_CACHE_SECONDS)
    return view


def map_view_forget() -> None:
    cache.delete(MAP_VIEW_CACHE_KEY)


# This process's view while the boundaries' mark and the day stay the same (core.change_marks).
_kept_view = MarkedValue(_map_view_read, mark_sql=BOUNDARIES_MARK_SQL)


def map_view_at_mark(mark: int | None) -> MapView:
    """Today's first view for boundary mark `mark` (grids.locate.MARK_SQL, read by the caller in
    its own statement), kept per process: a page that reads the mark anyway gets the view without
    the shared cache's round trip. The mark moves with every write to the districts and the
    other levels (migrations grids 0004, 0005), the day with midnight (a version coming into
    force), so a kept view is never an older state's. On a miss the view is read from the
    database, not the shared cache, which a write without `map_view_forget` may leave older.
    Without a mark (SpatiaLite): `map_view()`."""
    if mark is None:
        return map_view()
    return _kept_view.get(mark, timezone.localdate())
