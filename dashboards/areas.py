"""The area a dashboard shows: the user's own node (grid head: their grid; community staff: their
community…) or, on the overview, a node below it chosen by drilling down. Everything the pages
show is scoped to it through grids.jurisdiction."""

import hashlib
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.http import Http404
from django.urls import get_script_prefix
from django.utils.translation import get_language

from core.hierarchy import AREA_LEVELS, PARENT, area_child
from core.raw_json import RawJSON
from dashboards.conf import conf
from grids.jurisdiction import jurisdiction_of, jurisdiction_paths, node_within
from grids.models import NODE_MODELS, AreaGrid, KeyPlace
from service_points.models import ServicePosition


@dataclass(frozen=True)
class Area:
    level: str  # district | street | community | grid
    node: object

    @property
    def node_id(self) -> int:
        return self.node.pk

    def lookup(self, model) -> dict:
        """Filter kwargs restricting `model` to this area (from the model's jurisdiction path)."""
        return {jurisdiction_paths(model)[self.level]: self.node.pk}

    def filter(self, queryset):
        return queryset.filter(**self.lookup(queryset.model))

    @property
    def child_level(self) -> str | None:
        return area_child(self.level)


def area_of(user) -> Area | None:
    """The user's own area: their node; the whole (current) district for a superuser."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction is None:
        return None
    if jurisdiction.unrestricted:
        district = NODE_MODELS["district"].objects.current().order_by("code").first()
        return Area("district", district) if district else None
    if jurisdiction.level not in AREA_LEVELS:
        return None
    return Area(jurisdiction.level, _node(jurisdiction.level, jurisdiction.node_id))


def _node(level: str, pk):
    """A hierarchy node without its boundary: the pages show names; maps query their own
    GeoJSON (a district's boundary alone is a large multipolygon to parse)."""
    return NODE_MODELS[level].objects.defer("boundary").get(pk=pk)


def area_within(user, level: str, node_id) -> Area:
    """A node chosen by drilling down, which must lie inside the user's jurisdiction (else 404)."""
    if level not in AREA_LEVELS:
        raise Http404
    try:
        node = _node(level, int(node_id))
    except (TypeError, ValueError, NODE_MODELS[level].DoesNotExist) as exc:
        raise Http404 from exc
    if not node_within(node, user):
        raise Http404
    return Area(level, node)


def breadcrumbs(area: Area) -> list[Area]:
    """The area's ancestors from the district down, then the area itself (one query per level
    above, at most three)."""
    chain = [area]
    node, level = area.node, area.level
    while level in PARENT:
        level = PARENT[level]
        node = _node(level, getattr(node, f"{level}_id"))
        chain.insert(0, Area(level, node))
    return chain


def grids_geojson(area: Area, *, on=None, precision: int = 5) -> dict:
    """A GeoJSON FeatureCollection of the area grids in force inside `area` (one query). The
    geometries are PostGIS's GeoJSON text as is (RawJSON: the pages write them with
    core.raw_json.json_script)."""
    grids = (
        area.filter(AreaGrid.objects.in_force(on))
        .annotate(geojson=AsGeoJSON("boundary", precision=precision))
        .defer("boundary")
        .order_by("code")
        .values("id", "code", "name", "population", "geojson")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": g["id"],
                "geometry": RawJSON.geometry(g["geojson"]),
                "properties": {
                    "id": g["id"],
                    "code": g["code"],
                    "name": g["name"],
                    "population": g["population"],
                },
            }
            for g in grids
        ],
    }


# Every table the maps' layers read: the hierarchy with the sub-grids (an area's grids are found through their
# community, street and district), sub-grids, key places and service positions.
MAP_TABLES = (*NODE_MODELS.values(), KeyPlace, ServicePosition)


def cached_map_data(name: str, parts: tuple, build, *, mark: tuple | None = None):
    """`build()` (map data read from MAP_TABLES only), cached under `name`, `parts` (what the
    data depends on besides the tables: area, day, jurisdiction), the language, the script
    prefix (URLs) and the tables' change marks (dashboards.marks.map_marks, moved by triggers
    with every write to them, so a redrawn boundary or a new key place shows at once; `mark`
    when the caller read them already)."""
    from dashboards.marks import map_marks

    seconds = conf.MAP_CACHE_SECONDS
    if not seconds:
        return build()
    if mark is None:
        mark = map_marks()
    if mark is None:
        return build()
    raw = repr((name, parts, get_language(), get_script_prefix(), mark))
    key = f"dashboards:map:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value
