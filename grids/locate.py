"""`locate`: which area grid and sub-grid contain a point — the only place that answers it.

`locate()` answers today's question in-process, from a table of cells over the district (a list
looked up by arithmetic; the STR-trees over the grids and sub-grids in force for a cell a boundary
crosses) instead of two PostGIS queries (issue 17), kept per process and
keyed on the boundaries' change mark: a row that triggers in the database move with every write to
the hierarchy's tables (migration grids 0004), read with one tiny query per call — so a redraw, an
import or an admin edit is seen by every process at once, and the current transaction's own
writes too. Another date, or a database without the mark (SpatiaLite), asks the database (spatial
index). `locate_many()` answers a batch in-process for imports, benchmarks and data generation
(tens of thousands of points a second). All apply the same rule: a point on a shared edge belongs
to the grid with the lowest code (serials run west→east, then north→south), and a point in a hole
of a grid is not in that grid.
"""

import datetime
import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.contrib.gis.geos import Point
from django.utils import timezone
from shapely import Point as ShapelyPoint
from shapely import STRtree, from_wkb, points, prepare

from core.change_marks import MarkedValue, row_mark
from grids.models import AreaGrid, Community, Street, SubGrid


@dataclass(frozen=True)
class Location:
    grid: AreaGrid | None
    subgrid: SubGrid | None = None

    @property
    def inside(self) -> bool:
        return self.grid is not None


OUTSIDE = Location(grid=None)


def _lonlat(point) -> tuple[float, float]:
    """(lon, lat) of a Point (in any SRS) or of a (lon, lat) pair."""
    if isinstance(point, Point):
        if point.srid not in (None, 4326):
            point = point.transform(4326, clone=True)
        x, y = point.coords[:2]
        return x, y
    lon, lat = point
    return float(lon), float(lat)


# The change mark of the boundaries (see the module docstring and migration grids 0004), as a
# scalar subquery a caller may put into a statement it makes anyway and pass to locate(mark=…).
MARK_SQL = "(SELECT version FROM grids_boundary_mark)"
_UNREAD = object()


def boundaries_mark() -> int | None:
    """The boundaries' change mark as this transaction sees it; None without one (SpatiaLite)."""
    return row_mark(MARK_SQL)


def _values(instance, names: tuple[str, ...]) -> tuple:
    return tuple(getattr(instance, name) for name in names)


def _field_names(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if f.name != "boundary")


def _prepared(boundaries) -> list:
    """GEOS boundaries as prepared shapely geometries (fast repeated point tests)."""
    geometries = [from_wkb(bytes(b.wkb)) for b in boundaries]
    for geometry in geometries:
        prepare(geometry)
    return geometries


# A cell of _Cells outside every grid (a boundary-crossed cell is None).
_OUTSIDE_CELL = -1


class _Cells:
    """The grids' bounding box cut into at most SIDE × SIDE cells, each with its answer when no
    boundary crosses it: (grid, sub-grid or -1) for a cell inside one grid's interior and inside
    one of its sub-grids' interior or clear of every sub-grid, _OUTSIDE_CELL for a cell clear of
    every grid, None otherwise (the caller asks the trees). Most points fall in a cell with an
    answer, found by arithmetic and a list index: no call into shapely, GEOS or numpy, whose
    first call in a request costs 0.1–0.3 ms of cold caches where a loop of calls costs
    microseconds (issue 17). Each cell is classified a hair larger than it is, so that a point
    whose division rounds it into the next cell is still inside the cell it gets."""

    SIDE = 256  # at most; 24 a side per √(grids) below that (a test's few grids: a small table)

    def __init__(self, grids, subgrids, subgrid_grids: list[int]):
        self.table: list = []
        self.nx = self.ny = 0
        self.x0 = self.y0 = self.x1 = self.y1 = self.size = 0.0
        if not len(grids):
            return
        self.x0, self.y0, self.x1, self.y1 = (float(v) for v in shapely.total_bounds(grids))
        side = min(self.SIDE, 24 * math.ceil(math.sqrt(len(grids))))
        self.size = max(self.x1 - self.x0, self.y1 - self.y0) / side
        if not self.size > 0:
            return
        self.nx = int((self.x1 - self.x0) / self.size) + 1
        self.ny = int((self.y1 - self.y0) / self.size) + 1
        i, j = np.divmod(np.arange(self.nx * self.ny), self.ny)
        margin = self.size * 1e-6
        boxes = shapely.box(
            self.x0 + i * self.size - margin,
            self.y0 + j * self.size - margin,
            self.x0 + (i + 1) * self.size + margin,
            self.y0 + (j + 1) * self.size + margin,
        )
        grid = self._inside(boxes, grids)
        sub = self._inside(boxes, subgrids)
        table: list = [None] * len(boxes)
        answers: dict[tuple[int, int], tuple[int, int]] = {}  # one tuple per answer, shared
        for cell, (g, s) in enumerate(zip(grid.tolist(), sub.tolist(), strict=True)):
            if g == _OUTSIDE_CELL:
                table[cell] = _OUTSIDE_CELL
            elif g >= 0 and (s == _OUTSIDE_CELL or (s >= 0 and subgrid_grids[s] == g)):
                table[cell] = answers.setdefault((g, s), (g, s))
        self.table = table

    @staticmethod
    def _inside(boxes, geometries) -> np.ndarray:
        """Per box: the index of the one geometry whose interior holds it, _OUTSIDE_CELL when it
        touches none, -2 when a boundary crosses or touches it (or it touches several)."""
        found = np.full(len(boxes), _OUTSIDE_CELL, dtype=np.int64)
        if not len(geometries):
            return found
        box_idx, geom_idx = STRtree(geometries).query(boxes, predicate="intersects")
        touched = np.bincount(box_idx, minlength=len(boxes))
        holds = shapely.contains_properly(geometries[geom_idx], boxes[box_idx])
        single = touched[box_idx] == 1
        found[touched > 0] = -2
        found[box_idx[single & holds]] = geom_idx[single & holds]
        return found

    def get(self, x: float, y: float):
        """The cell's answer for (x, y): (grid, sub-grid or -1), _OUTSIDE_CELL or None."""
        if not (self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1):
            return _OUTSIDE_CELL  # also NaN: outside every grid, as the trees answer
        if not self.table:
            return None
        i = min(int((x - self.x0) / self.size), self.nx - 1)
        j = min(int((y - self.y0) / self.size), self.ny - 1)
        return self.table[i * self.ny + j]


class _Placer:
    """The grids and sub-grids in force on a day, as trees of their boundaries and a table of
    cells (_Cells) plus the rows (without boundaries) that locate() hands out as fresh model
    instances on every call."""

    grid_names = _field_names(AreaGrid)
    community_names = _field_names(Community)
    street_names = _field_names(Street)
    subgrid_names = _field_names(SubGrid)

    def __init__(self, on: datetime.date):
        grids = list(
            AreaGrid.objects.in_force(on)
            .select_related("community__street")
            .defer("community__boundary", "community__street__boundary")
            .order_by("code")
        )
        self.grid_rows = [
            (
                _values(g, self.grid_names),
                _values(g.community, self.community_names),
                _values(g.community.street, self.street_names),
            )
            for g in grids
        ]
        grid_geometries = np.array(_prepared([g.boundary for g in grids]), dtype=object)
        self.grid_tree = STRtree(grid_geometries)
        subgrids = list(SubGrid.objects.in_force(on).order_by("code"))
        self.subgrid_rows = [(s.grid_id, _values(s, self.subgrid_names)) for s in subgrids]
        subgrid_geometries = np.array(_prepared([s.boundary for s in subgrids]), dtype=object)
        self.subgrid_tree = STRtree(subgrid_geometries)
        self.grid_ids = [g.pk for g in grids]
        grid_index = {pk: index for index, pk in enumerate(self.grid_ids)}
        self.cells = _Cells(
            grid_geometries,
            subgrid_geometries,
            [grid_index.get(s.grid_id, -3) for s in subgrids],
        )

    def locate(self, x: float, y: float) -> Location:
        cell = self.cells.get(x, y)
        if cell is None:
            return self._locate_in_trees(x, y)
        if cell == _OUTSIDE_CELL:
            return OUTSIDE
        grid_index, subgrid_index = cell
        return self._location(grid_index, subgrid_index)

    def _locate_in_trees(self, x: float, y: float) -> Location:
        probe = ShapelyPoint(x, y)
        found = self.grid_tree.query(probe, predicate="intersects")
        if not len(found):
            return OUTSIDE
        # Rows are in code order: the lowest index is the lowest code (shared edges).
        grid_index = int(found.min())
        grid_id = self.grid_ids[grid_index]
        subgrid_index = -1
        for index in sorted(self.subgrid_tree.query(probe, predicate="intersects").tolist()):
            if self.subgrid_rows[index][0] == grid_id:
                subgrid_index = index
                break
        return self._location(grid_index, subgrid_index)

    def _location(self, grid_index: int, subgrid_index: int) -> Location:
        grid_values, community_values, street_values = self.grid_rows[grid_index]
        grid = AreaGrid.from_db("default", self.grid_names, grid_values)
        community = Community.from_db("default", self.community_names, community_values)
        community.street = Street.from_db("default", self.street_names, street_values)
        grid.community = community
        subgrid = None
        if subgrid_index >= 0:
            values = self.subgrid_rows[subgrid_index][1]
            subgrid = SubGrid.from_db("default", self.subgrid_names, values)
        return Location(grid=grid, subgrid=subgrid)


# Per process: the placer of the latest (mark, day) seen. A new mark or a new day builds another.
_placers = MarkedValue(lambda on: _Placer(on), mark_sql=MARK_SQL)


def locate(point, on: datetime.date | None = None, *, mark=_UNREAD) -> Location:
    """The area grid and sub-grid containing `point` (a Point or (lon, lat)) on date `on`.

    Returns OUTSIDE when no area grid in force contains the point (outside the district). A
    caller that read the boundaries' change mark in a statement of its own (MARK_SQL) passes it
    as `mark`, in the same transaction.
    """
    x, y = _lonlat(point)
    today = timezone.localdate()
    if on is None or on == today:
        if mark is _UNREAD:
            mark = boundaries_mark()
        if mark is not None:
            return _placers.get(mark, today).locate(x, y)
    return _locate_in_database(Point(x, y, srid=4326), on)


def _locate_in_database(point: Point, on: datetime.date | None) -> Location:
    grid = (
        AreaGrid.objects.in_force(on)
        .filter(boundary__intersects=point)
        .select_related("community__street")
        # The caller needs names and ids, not three full boundaries (measured: 21.5 ms → 5 ms).
        .defer("boundary", "community__boundary", "community__street__boundary")
        .order_by("code")
        .first()
    )
    if grid is None:
        return OUTSIDE
    subgrid = (
        SubGrid.objects.in_force(on)
        .filter(grid=grid, boundary__intersects=point)
        .defer("boundary")
        .order_by("code")
        .first()
    )
    return Location(grid=grid, subgrid=subgrid)


class GridIndex:
    """An in-memory spatial index of the grids (or, with `model=SubGrid`, the sub-grids) in force
    on a date (see locate_many)."""

    def __init__(self, on: datetime.date | None = None, *, model=AreaGrid):
        self.on = on or timezone.localdate()
        grids = list(
            model.objects.in_force(self.on).order_by("code").only("id", "code", "boundary")
        )
        self.grid_ids = [g.id for g in grids]
        self.geometries = _prepared([g.boundary for g in grids])
        self.tree = STRtree(self.geometries)

    def grid_ids_for(self, lonlats) -> list[int | None]:
        """Grid id (or None) for each (lon, lat), lowest code first on shared edges."""

        pts = points(np.asarray(lonlats, dtype=float))
        point_idx, geom_idx = self.tree.query(pts, predicate="intersects")
        result: list[int | None] = [None] * len(pts)
        # Geometries are ordered by code, so the smallest index wins on shared edges.
        for p, g in sorted(zip(point_idx.tolist(), geom_idx.tolist(), strict=True), reverse=True):
            result[p] = self.grid_ids[g]
        return result


def locate_many(lonlats, on: datetime.date | None = None, index: GridIndex | None = None):
    """Grid ids for many (lon, lat) pairs in one pass; pass `index` to reuse it across batches."""
    index = index or GridIndex(on)
    return index.grid_ids_for(lonlats)
