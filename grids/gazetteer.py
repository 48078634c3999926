"""The district's own gazetteer: finding a place by name or address, and the known place nearest
to a point, offline (no external geocoder).

A *source* is one kind of named place with a point: communities and area grids (a point inside
their boundary), key places (`grids.KeyPlace`, their names and addresses) and whatever the apps
above register in their `<app>/gazetteer.py` (service positions). Apps register with
`gazetteer_source`; `GridsConfig.ready` imports those modules. Every source is one query, so a
search or a "nearest" costs as many queries as there are sources, whatever the data.

    places_search(query, *, limit=10) -> [Place]          names and addresses containing `query`
    place_nearest(point, *, within_m=None) -> Place | None  the nearest point source's place
    place_get(ref) -> Place | None                        a place by its reference "kind:id"
    route_address(text, *, community=None) -> Place | None  the known place an address names

What a place shows is public: its name, address, kind and the grid and community it lies in
(never notes, contacts or staff).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance, PointOnSurface
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import F, Q, Value
from django.db.models.functions import Length, StrIndex, Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.conf import conf
from grids.locate import locate

QUERY_MIN = 1
QUERY_MAX = 60


@dataclass(frozen=True)
class Place:
    ref: str
    kind: str
    kind_label: str
    name: str
    address: str
    lon: float
    lat: float
    grid_code: str
    grid_name: str
    community_code: str
    community_name: str
    distance_m: float | None = None

    def as_dict(self) -> dict:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "kind_label": str(self.kind_label),
            "name": self.name,
            "address": self.address,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "grid": {"code": self.grid_code, "name": self.grid_name} if self.grid_code else None,
            "community": {"code": self.community_code, "name": self.community_name}
            if self.community_code
            else None,
            "distance_m": round(self.distance_m) if self.distance_m is not None else None,
        }


@dataclass(frozen=True)
class Source:
    """One kind of place. `queryset(on)` returns the rows in force; `fields` maps the Place's
    grid/community keys to lookups on those rows; `point` is a point field or an expression;
    `address` the address field, if any; `nearest`: whether it answers place_nearest."""

    kind: str
    label: object
    queryset: Callable
    point: object
    fields: dict
    address: str | None = None
    nearest: bool = True
    order: int = 100


SOURCES: dict[str, Source] = {}


def gazetteer_source(source: Source) -> Source:
    SOURCES[source.kind] = source
    return source


def _sources(*, nearest=False) -> list[Source]:
    found = sorted(SOURCES.values(), key=lambda s: s.order)
    return [s for s in found if s.nearest] if nearest else found


_KEYS = ("grid_code", "grid_name", "community_code", "community_name")


def _rows(source: Source, qs):
    lookups = {key: F(source.fields[key]) if key in source.fields else Value("") for key in _KEYS}
    point = F(source.point) if isinstance(source.point, str) else source.point
    address = F(source.address) if source.address else Value("")
    return qs.annotate(_pt=point, _address=address, **{f"_{k}": v for k, v in lookups.items()})


def _place(source: Source, row, distance=None) -> Place:
    return Place(
        ref=f"{source.kind}:{row['pk']}",
        kind=source.kind,
        kind_label=source.label,
        name=row["name"],
        address=row["_address"] or "",
        lon=row["_pt"].x,
        lat=row["_pt"].y,
        grid_code=row["_grid_code"] or "",
        grid_name=row["_grid_name"] or "",
        community_code=row["_community_code"] or "",
        community_name=row["_community_name"] or "",
        distance_m=distance,
    )


def _values(qs, *extra):
    return qs.values("pk", "name", "_pt", "_address", *[f"_{k}" for k in _KEYS], *extra)


def clean_query(query) -> str:
    return " ".join((query or "").split())[:QUERY_MAX]


def places_search(query, *, limit: int = 10, on: datetime.date | None = None) -> list[Place]:
    """Places whose name (or address) contains `query`: exact and shorter names first, one
    query per source."""
    query = clean_query(query)
    if len(query) < QUERY_MIN:
        return []
    found = []
    for source in _sources():
        match = Q(name__icontains=query)
        if source.address:
            match |= Q(**{f"{source.address}__icontains": query})
        qs = _rows(source, source.queryset(on)).filter(match)
        qs = _values(qs.annotate(_len=Length("name")), "_len").order_by("_len", "name")
        found.extend(
            (0 if row["name"] == query else 1, row["_len"], source.order, _place(source, row))
            for row in qs[:limit]
        )
    found.sort(key=lambda item: item[:3])
    return [place for *_rank, place in found[:limit]]


def place_nearest(point, *, within_m: float | None = None, on=None) -> Place | None:
    """The nearest place with a point of its own (key places, service positions…) to `point`,
    within `within_m` metres when given."""
    point = point if isinstance(point, Point) else Point(*map(float, point), srid=4326)
    best = None
    for source in _sources(nearest=True):
        qs = _rows(source, source.queryset(on)).annotate(
            _d=Distance(source.point, point, spheroid=False)
        )
        if within_m is not None:
            qs = qs.filter(**{f"{source.point}__distance_lte": (point, D(m=within_m))})
        row = _values(qs, "_d").order_by("_d").first()
        if row is None:
            continue
        metres = row["_d"].m
        if best is None or metres < best.distance_m:
            best = _place(source, row, metres)
    return best


def place_get(ref: str, *, on=None) -> Place | None:
    """The place with reference "kind:id", or None (unknown kind, bad id, not in force)."""
    kind, _sep, pk = (ref or "").partition(":")
    source = SOURCES.get(kind)
    if source is None or not pk.isdigit() or len(pk) > 12:
        return None
    row = _values(_rows(source, source.queryset(on)).filter(pk=int(pk))).first()
    return _place(source, row) if row else None


def route_address(text: str, *, community=None, on=None) -> Place | None:
    """The known place (key place, service position…) that the address `text` names: the place
    whose name (or address) the text contains, the longest such first, in `community` when given.
    Used to route a request typed without a point. None when nothing matches, or when the best
    matches lie in different grids."""
    text = " ".join((text or "").split())[:200]
    if len(text) < 2:
        return None
    candidates = []
    # Every source that lies in one grid: a grid by its name, the places with a point.
    for source in [s for s in _sources() if "grid_code" in s.fields]:
        qs = _rows(source, source.queryset(on))
        if community is not None and "community_code" in source.fields:
            qs = qs.filter(**{source.fields["community_code"]: community.code})
        # The typed address contains the place's name or its address: "光明花园3栋门口".
        match = Q(_name_at__gt=0)
        qs = qs.annotate(_name_at=StrIndex(Value(text.upper()), Upper("name")))
        if source.address:
            qs = qs.annotate(_addr_at=StrIndex(Value(text.upper()), Upper(source.address)))
            match |= Q(_addr_at__gt=0, **{f"{source.address}__regex": r"^.{4,}$"})
        qs = qs.filter(match, name__regex=r"^.{2,}$").annotate(_len=Length("name"))
        for row in _values(qs, "_len").order_by("-_len")[:5]:
            if row["_grid_code"]:
                candidates.append((len(row["name"]), _place(source, row)))
    if not candidates:
        return None
    candidates.sort(key=lambda c: -c[0])
    best_len, best = candidates[0]
    rivals = {p.grid_code for n, p in candidates if n == best_len}
    return best if len(rivals) == 1 else None


def where(point, *, on=None) -> dict:
    """What the form shows after a tap: the grid containing `point` and the nearest known place."""
    location = locate(point, on=on)
    if not location.inside:
        return {"inside": False, "grid": None, "nearest": None}
    grid = location.grid
    nearest = place_nearest(point, within_m=conf.NEAREST_PLACE_METRES, on=on)
    return {
        "inside": True,
        "grid": {
            "code": grid.code,
            "name": grid.name,
            "community": grid.community.name,
            "community_code": grid.community.code,
            "street": grid.community.street.name,
        },
        "nearest": nearest.as_dict() if nearest else None,
    }


# --- The hierarchy's own sources --------------------------------------------------------------


def _communities(on):
    from grids.models import Community

    return Community.objects.in_force(on).defer("boundary")


def _grids(on):
    from grids.models import AreaGrid

    return AreaGrid.objects.in_force(on).defer("boundary")


def _key_places(on):
    from grids.models import KeyPlace

    return KeyPlace.objects.filter(grid__in=_grids(on).values("pk"))


gazetteer_source(
    Source(
        kind="community",
        label=_("community"),
        queryset=_communities,
        point=PointOnSurface("boundary"),
        fields={"community_code": "code", "community_name": "name"},
        nearest=False,
        order=10,
    )
)
gazetteer_source(
    Source(
        kind="grid",
        label=_("area grid"),
        queryset=_grids,
        point=PointOnSurface("boundary"),
        fields={
            "grid_code": "code",
            "grid_name": "name",
            "community_code": "community__code",
            "community_name": "community__name",
        },
        nearest=False,
        order=20,
    )
)
gazetteer_source(
    Source(
        kind="key_place",
        label=_("key place"),
        queryset=_key_places,
        point="location",
        address="address",
        fields={
            "grid_code": "grid__code",
            "grid_name": "grid__name",
            "community_code": "grid__community__code",
            "community_name": "grid__community__name",
        },
        order=30,
    )
)


def where_text(answer: dict) -> str:
    """The sentence the form shows: "这里属于 光明社区第一网格（光明社区）。最近的地点……"."""
    if not answer["inside"]:
        return gettext("This place is outside the district.")
    grid = answer["grid"]
    text = gettext("This place belongs to %(grid)s (%(community)s).") % {
        "grid": grid["name"],
        "community": grid["community"],
    }
    nearest = answer.get("nearest")
    if nearest and (nearest["distance_m"] or 0) < 20:
        text += " " + gettext("At %(name)s.") % {"name": nearest["name"]}
    elif nearest:
        text += " " + gettext("Nearest known place: %(name)s, about %(m)s m away.") % {
            "name": nearest["name"],
            "m": nearest["distance_m"],
        }
    return text


def search_allowed(address: str) -> bool:
    """Count one look at the gazetteer from client `address`; False once the address used up
    its looks for the window (REDGRID_GRIDS_RATE_LIMIT_PLACES). The API and the form's no-JS
    search share the count."""
    from core.ratelimit import Rate, rate_hit

    return rate_hit("grids-places", address, Rate.of(conf.RATE_LIMIT_PLACES))


REFERENCE_MAX_PLACES = 400


def reference_layer(*, on=None) -> dict:
    """What a map without tiles draws for reference: the communities' names at a point inside
    each, and the key places and service positions (name, kind, point). One query per source."""
    layer = {"areas": [], "places": []}
    for source in _sources():
        if source.kind == "grid":
            continue
        qs = _values(_rows(source, source.queryset(on))).order_by("pk")[:REFERENCE_MAX_PLACES]
        target = layer["places"] if source.nearest else layer["areas"]
        for row in qs:
            target.append(
                {
                    "name": row["name"],
                    "kind": source.kind,
                    "lon": round(row["_pt"].x, 6),
                    "lat": round(row["_pt"].y, 6),
                }
            )
    return layer
