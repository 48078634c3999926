"""Generate a realistic load for the benchmarks into the benchmark database (default
`redgrid_bench`), with PostgreSQL COPY.

    python -m bench.generate --scale district --requests 1000000     # the 103 Guangming grids
    python -m bench.generate --scale city --requests 1000000         # 9 districts, ~1,000 grids
    python -m bench.generate --reset ...                              # drop and recreate the DB

Scales:
  district: the demo hierarchy (demo.grids: 6 streets, 31 communities, 103 area grids) with its
            staff and key places, loaded through the normal import (grids.boundary_import).
  city:     the nine Shenzhen district outlines available (bench/data + demo/data), split like the
            demo into ~1,000 area grids and ~5,000 sub-grids, through the same import.

Per district: --members (12,000 Party members), --households (30,000) with visits, patrols with
check-ins of the key places. In total: --requests over the last --months months with a realistic
stage mix and timelines (requests that are recent are still open; see `case_story`).

The request rows are what the app writes: tracking codes from requests_desk.models.new_tracking_code
(unique), street/community/grid from grids.locate.locate_many, due times from
requests_desk.worktime (the holiday calendar in the database), reporter contact details encrypted
and blind-indexed through privacy.crypto, submitter keys from requests_desk.services.submitter_key,
timeline entries with the texts the state machine writes. `--check` verifies a sample afterwards.
Rows are streamed with psycopg's COPY in chunks (foreign keys are checked once at the end by
anti-joins instead of per-row triggers).
"""

import argparse
import datetime
import json
import random
import secrets
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
CITY_DISTRICTS = [
    ("440303", "罗湖区"),
    ("440304", "福田区"),
    ("440305", "南山区"),
    ("440306", "宝安区"),
    ("440307", "龙岗区"),
    ("440308", "盐田区"),
    ("440309", "龙华区"),
    ("440310", "坪山区"),
    ("440311", "光明区"),
]
CITY_AREA_GRIDS = 1000
SUBGRIDS_PER_GRID = 5
DEMO_PASSWORD = "redgrid-demo"

# Request sources: share of all requests (resident form and Open311 are the residents' own).
SOURCES = [
    ("resident_form", 45),
    ("grid_patrol", 25),
    ("hotline", 15),
    ("open311", 5),
    ("registered_member", 5),
    ("household_visit", 3),
    ("referral", 2),
]
# Hour-of-day profile of reports (Asia/Shanghai): daytime peaks, a few at night.
HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 9, 10, 13, 13, 12, 11, 9, 8, 6, 4, 3, 2]
DESCRIPTIONS = {
    "E01": [
        "{place}附近有人私自搭建铁皮房",
        "{place}门口垃圾堆放多日无人清理",
        "{place}路面有大量泥沙",
    ],
    "E02": ["{place}电线杆上贴满小广告", "{place}广告牌歪斜有掉落危险"],
    "E03": ["{place}工地夜间施工噪音很大", "{place}工地扬尘严重，未覆盖"],
    "E04": ["{place}路口有流动摊贩占道经营", "{place}人行道上车辆乱停放，行人无法通行"],
    "E05": ["{place}下雨后积水严重，车辆难以通行", "{place}围墙有裂缝存在安全隐患"],
    "E06": ["{place}附近有异味，请派人查看", "{place}宠物扰民问题"],
    "C01": ["{place}井盖破损，有行人踩空危险", "{place}路灯连续几晚不亮", "{place}消防栓漏水"],
    "C02": ["{place}路面坑洼，电动车容易摔倒", "{place}交通标志被撞歪"],
    "C03": ["{place}垃圾桶破损，垃圾散落", "{place}公厕水龙头坏了"],
    "C04": ["{place}行道树倾斜倒伏挡路"],
    "C05": ["{place}老房子外墙有脱落"],
    "C06": ["{place}健身器材损坏", "{place}公共座椅损坏"],
}
PLACES = [
    "小区东门",
    "农贸市场",
    "公交站",
    "学校门口",
    "工业园",
    "地铁站出口",
    "社区公园",
    "城中村巷口",
    "十字路口",
    "幼儿园旁",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌海燕辉"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


# --- COPY -----------------------------------------------------------------------------------------


class Copier:
    """COPY rows into a model's table. Columns not given get the model field's default (so that a
    field added later with a default keeps the generator working); a required column without a
    default stops the run with its name."""

    def __init__(self, model, columns: list[str], now):
        from django.contrib.gis.db.models import GeometryField
        from django.db.models import JSONField

        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise RuntimeError(f"{model.__name__}: no field {unknown}")
        extra_columns, extra_values = [], []
        for attname, field in fields.items():
            if attname in columns or field.primary_key:
                continue
            if field.has_default() or (field.empty_strings_allowed and not field.null):
                value = field.get_default()
            elif field.null:
                value = None
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                raise RuntimeError(
                    f"{model.__name__}.{attname} is required: the generator must "
                    "give it a value (bench/generate.py)"
                )
            extra_columns.append(attname)
            extra_values.append(self._adapt(field, value, JSONField, GeometryField))
        self.columns = [fields[c].column for c in [*columns, *extra_columns]]
        self.extra = tuple(extra_values)
        self.json_positions = [i for i, c in enumerate(columns) if isinstance(fields[c], JSONField)]

    @staticmethod
    def _adapt(field, value, json_field, geometry_field):
        from psycopg.types.json import Jsonb

        if isinstance(field, json_field):
            return Jsonb(value)
        if isinstance(field, geometry_field) and value is not None:
            return value.ewkt
        return value

    def copy(self, rows) -> int:
        """Stream `rows` (tuples in the order of the given columns) with COPY … FROM STDIN in
        PostgreSQL's text format, formatted here (psycopg's per-value adaptation costs ~40 µs a
        row, which is most of the time at a million rows)."""
        from django.db import connection

        table = self.model._meta.db_table
        extra = "".join("\t" + _text(v) for v in self.extra)
        json_positions = set(self.json_positions)
        count = 0
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute("SET LOCAL session_replication_role = replica")
            statement = f'COPY "{table}" ({", ".join(self.columns)}) FROM STDIN'
            with cursor.copy(statement) as copy:
                buffer = []
                for row in rows:
                    if json_positions:
                        row = [
                            json.dumps(v, ensure_ascii=False) if i in json_positions else v
                            for i, v in enumerate(row)
                        ]
                    buffer.append("\t".join(map(_text, row)) + extra + "\n")
                    count += 1
                    if len(buffer) >= 5000:
                        copy.write("".join(buffer).encode())
                        buffer = []
                if buffer:
                    copy.write("".join(buffer).encode())
            cursor.execute("SET LOCAL session_replication_role = origin")
        return count


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    if hasattr(value, "obj"):  # psycopg Jsonb from a field default
        return json.dumps(value.obj, ensure_ascii=False).translate(_ESCAPES)
    return str(value)


class IndexesDeferred:
    """Drop a table's secondary indexes for a bulk load and recreate them afterwards (one sort
    per index instead of a million index insertions). Constraint-backed indexes stay."""

    def __init__(self, *models):
        self.tables = [m._meta.db_table for m in models]
        self.definitions = []

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [self.tables],
            )
            self.definitions = cursor.fetchall()
            for name, _definition in self.definitions:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return self

    def __exit__(self, *exc):
        from django.db import connection

        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in self.definitions:
                cursor.execute(definition)
        log(f"indexes: {len(self.definitions)} rebuilt in {time.monotonic() - started:.0f} s")
        return False


def sequence_reset(model) -> None:
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)'
        )


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


# --- Hierarchy ------------------------------------------------------------------------------------


def hierarchy_district(seed: int) -> None:
    from demo import grids as demo
    from grids.models import District

    if District.objects.exists():
        log("hierarchy: already there")
        return
    demo.load_demo(rng=random.Random(seed), seed=seed, stdout=sys.stdout)


def _city_features(code: str, name: str, outline, grid_count: int, rng) -> dict:
    """One district split like the demo: streets → communities → area grids → sub-grids."""
    from demo import grids as demo
    from grids.codes import child_code

    street_count = max(3, round(grid_count / 16))
    features = [demo._feature("district", code, name, None, outline)]
    streets = demo._split(outline, demo._relaxed_seeds(outline, street_count, rng))
    grids_per_street = demo._allocate(grid_count, [s.area for s in streets], minimum=4)
    for s_serial, s_index in enumerate(demo._serial_order(streets), start=1):
        street_shape, street_grids = streets[s_index], grids_per_street[s_index]
        street_code = child_code(code, "street", s_serial)
        street_name = f"{name[:-1]}第{demo.numeral(s_serial)}街道"
        features.append(demo._feature("street", street_code, street_name, code, street_shape))
        community_count = max(1, round(street_grids / 4))
        communities = demo._split(
            street_shape, demo._relaxed_seeds(street_shape, community_count, rng)
        )
        per_community = demo._allocate(street_grids, [c.area for c in communities], minimum=1)
        for c_serial, c_index in enumerate(demo._serial_order(communities), start=1):
            community_code = child_code(street_code, "community", c_serial)
            community_name = f"{street_name[:-2]}{demo.numeral(c_serial)}社区"
            community_shape = communities[c_index]
            pieces = demo._split(
                community_shape, demo._relaxed_seeds(community_shape, per_community[c_index], rng)
            )
            grid_features, population_total = [], 0
            for g_serial, g_index in enumerate(demo._serial_order(pieces), start=1):
                grid_code = child_code(community_code, "grid", g_serial)
                population = int(rng.integers(6000, 16000))
                population_total += population
                grid_name = f"{community_name}第{demo.numeral(g_serial)}网格"
                grid_features.append(
                    demo._feature(
                        "grid",
                        grid_code,
                        grid_name,
                        community_code,
                        pieces[g_index],
                        population=population,
                        households=int(population / 2.7),
                    )
                )
                subs = demo._split(
                    pieces[g_index], demo._relaxed_seeds(pieces[g_index], SUBGRIDS_PER_GRID, rng)
                )
                for sub_serial, sub_index in enumerate(demo._serial_order(subs), start=1):
                    grid_features.append(
                        demo._feature(
                            "subgrid",
                            child_code(grid_code, "subgrid", sub_serial),
                            f"{grid_name}第{demo.numeral(sub_serial)}小分格",
                            grid_code,
                            subs[sub_index],
                            population=population // SUBGRIDS_PER_GRID,
                            households=int(population / 2.7 / SUBGRIDS_PER_GRID),
                        )
                    )
            features.append(
                demo._feature(
                    "community",
                    community_code,
                    community_name,
                    street_code,
                    community_shape,
                    population=population_total,
                    households=int(population_total / 2.7),
                )
            )
            features.extend(grid_features)
    return {"type": "FeatureCollection", "features": features}


def _outline(code: str):
    from shapely import make_valid
    from shapely.geometry import shape

    path = BENCH_DIR / "data" / f"{code}.geojson"
    if not path.exists():
        path = BENCH_DIR.parent / "demo" / "data" / f"{code}.geojson"
    return make_valid(shape(json.loads(path.read_text())))


def hierarchy_city(seed: int) -> None:
    from demo.grids import VALID_FROM
    from grids.boundary_import import import_boundaries
    from grids.models import District

    if District.objects.exists():
        log("hierarchy: already there")
        return
    rng = np.random.default_rng(seed)
    outlines = {code: _outline(code) for code, _name in CITY_DISTRICTS}
    total_area = sum(o.area for o in outlines.values())
    for code, name in CITY_DISTRICTS:
        grids = max(20, round(CITY_AREA_GRIDS * outlines[code].area / total_area))
        started = time.monotonic()
        result = import_boundaries(
            _city_features(code, name, outlines[code], grids, rng), valid_from=VALID_FROM
        )
        log(f"hierarchy: {name} {result.created} in {time.monotonic() - started:.0f} s")


def staff_city(seed: int) -> None:
    """A district admin per district, staff per street and community, a grid head and two grid
    workers per grid (bulk; one password hash reused), and the demo logins in 光明区."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from demo.grids import _create_key_places
    from grids.models import AreaGrid, Community, District, GridAssignment, KeyPlace, Street

    if User.objects.filter(role=Role.GRID_HEAD).exists():
        log("staff: already there")
        return
    rng = random.Random(seed)
    unusable = make_password(None)
    demo_hash = make_password(DEMO_PASSWORD)
    users = []

    def person(username, role, level, node, password=unusable):
        surname = rng.choice(SURNAMES)
        users.append(
            User(
                username=username,
                password=password,
                role=role,
                last_name=surname,
                first_name=chinese_name(rng)[1:] or "明",
                phone=mobile(rng),
                **{level: node},
            )
        )

    guangming = District.objects.get(code="440311")
    first_grid = (
        AreaGrid.objects.filter(community__street__district=guangming).order_by("code").first()
    )
    for district in District.objects.all():
        person(f"district-{district.code}", Role.DISTRICT_ADMIN, "district", district)
    for street in Street.objects.all():
        person(f"street-{street.code}", Role.STREET_STAFF, "street", street)
    for community in Community.objects.all():
        person(f"community-{community.code}", Role.COMMUNITY_STAFF, "community", community)
    for grid in AreaGrid.objects.all():
        person(f"head-{grid.code}", Role.GRID_HEAD, "grid", grid)
        for n in (1, 2):
            person(f"worker-{grid.code}-{n}", Role.GRID_WORKER, "grid", grid)
    person("demo-district", Role.DISTRICT_ADMIN, "district", guangming, demo_hash)
    person("demo-street", Role.STREET_STAFF, "street", first_grid.community.street, demo_hash)
    person("demo-community", Role.COMMUNITY_STAFF, "community", first_grid.community, demo_hash)
    person("demo-member", Role.PARTY_MEMBER, "grid", first_grid, demo_hash)
    User.objects.bulk_create(users, batch_size=2000)
    # The demo grid head and worker are the first grid's head and first worker.
    User.objects.filter(username=f"head-{first_grid.code}").update(
        username="demo-gridhead", password=demo_hash
    )
    User.objects.filter(username=f"worker-{first_grid.code}-1").update(
        username="demo-gridworker", password=demo_hash
    )
    User.objects.filter(username="demo-district").update(may_reveal_personal_data=True)
    assignments = []
    for user in User.objects.filter(role__in=[Role.GRID_HEAD, Role.GRID_WORKER]).only(
        "id", "role", "grid_id"
    ):
        assignments.append(
            GridAssignment(
                grid_id=user.grid_id,
                user_id=user.pk,
                start_date=datetime.date(2019, 1, 1),
                role=GridAssignment.Role.GRID_HEAD
                if user.role == Role.GRID_HEAD
                else GridAssignment.Role.GRID_WORKER,
            )
        )
    GridAssignment.objects.bulk_create(assignments, batch_size=2000)
    if not KeyPlace.objects.exists():
        _create_key_places(rng, sys.stdout)
    log(f"staff: {len(users)} users, {len(assignments)} grid assignments")


# --- Context shared by the row generators ----------------------------------------------------------


class World:
    """The hierarchy, staff and categories in memory (a few thousand rows at city scale)."""

    def __init__(self):
        from shapely import STRtree, from_wkb

        from accounts.models import Role, User
        from grids.locate import GridIndex
        from grids.models import AreaGrid, District, KeyPlace, SubGrid
        from requests_desk.models import Category, Department

        self.districts = list(District.objects.current().order_by("code"))
        self.index = GridIndex()
        grids = {g.pk: g for g in AreaGrid.objects.current().select_related("community__street")}
        self.grids = grids
        self.grid_ids = list(grids)
        self.subgrids = list(
            SubGrid.objects.current().order_by("code").only("id", "code", "boundary", "grid")
        )
        self.subgrid_geoms = [from_wkb(bytes(s.boundary.wkb)) for s in self.subgrids]
        self.subgrid_tree = STRtree(self.subgrid_geoms) if self.subgrids else None
        self.heads, self.workers, self.street_staff = {}, {}, {}
        for user in (
            User.objects.filter(is_active=True)
            .exclude(role="")
            .only("id", "role", "grid_id", "street_id", "first_name", "last_name", "username")
        ):
            if user.role == Role.GRID_HEAD:
                self.heads.setdefault(user.grid_id, (user.pk, str(user)))
            elif user.role == Role.GRID_WORKER:
                self.workers.setdefault(user.grid_id, []).append((user.pk, str(user)))
            elif user.role == Role.STREET_STAFF:
                self.street_staff.setdefault(user.street_id, (user.pk, str(user)))
        for grid_id in grids:
            self.heads.setdefault(grid_id, self.workers.get(grid_id, [(None, "")])[0])
            self.workers.setdefault(grid_id, [self.heads[grid_id]])
        self.key_places = {}
        for pk, grid_id, location in KeyPlace.objects.values_list("id", "grid_id", "location"):
            self.key_places.setdefault(grid_id, []).append((pk, location.x, location.y))
        self.categories = list(
            Category.objects.filter(parent__isnull=False, active=True)
            .select_related("parent")
            .order_by("code")
        )
        self.departments = {d.pk: d.name for d in Department.objects.all()}
        self.population = np.array([max(grids[g].population, 1) for g in self.grid_ids], float)
        bounds = np.array([g.boundary.extent for g in grids.values()])
        self.extent = (
            bounds[:, 0].min(),
            bounds[:, 1].min(),
            bounds[:, 2].max(),
            bounds[:, 3].max(),
        )
        # Acceptance weight per grid: population density relative to the densest grid, so that
        # uniform points thinned by it give each grid requests in proportion to its population.
        density = np.array(
            [max(grids[g].population, 1) / max(grids[g].boundary.area, 1e-9) for g in self.grid_ids]
        )
        self.accept = dict(zip(self.grid_ids, density / density.max(), strict=True))

    def points(self, count: int, rng: np.random.Generator):
        """`count` (lon, lat, grid_id) inside grids, thinned by population density; grid ids from
        grids.locate.locate_many (the app's own batch locate)."""
        from grids.locate import locate_many

        x0, y0, x1, y1 = self.extent
        out_xy, out_grid = [], []
        have = 0
        while have < count:
            n = max(int((count - have) * 3), 1000)
            # Rounded to the 6 decimals stored (about 0.1 m), so that the stored point is the
            # one that was located (a point near a shared edge could otherwise change sides).
            xy = np.round(np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)]), 6)
            ids = locate_many(xy, index=self.index)
            keep = [i for i, g in enumerate(ids) if g is not None and rng.random() < self.accept[g]]
            out_xy.append(xy[keep])
            out_grid.extend(ids[i] for i in keep)
            have += len(keep)
        return np.vstack(out_xy)[:count], out_grid[:count]

    def subgrid_for(self, lon: float, lat: float, grid_id: int):
        """The sub-grid with the lowest code containing the point (grids.locate's rule)."""
        if self.subgrid_tree is None:
            return None
        from shapely import Point

        hits = sorted(self.subgrid_tree.query(Point(lon, lat), predicate="intersects"))
        for i in hits:
            if self.subgrids[i].grid_id == grid_id:
                return self.subgrids[i].pk
        return None


# --- Party members, households, visits, patrols ---------------------------------------------------


def members_generate(world: World, per_district: int, seed: int, now) -> None:
    from party_branches.models import PartyBranch, PartyMember
    from privacy.crypto import blind_index, encrypt

    existing = PartyMember.objects.count()
    missing = per_district * len(world.districts) - existing
    if missing <= 0:
        log("members: already there")
        return
    per_district = missing // len(world.districts)
    rng = random.Random(seed + 1 + existing)
    seen = set(PartyMember.objects.values_list("id_number_index", flat=True))
    branches = {}
    for pk, grid_id in PartyBranch.objects.filter(kind="grid").values_list("id", "grid_id"):
        branches.setdefault(grid_id, pk)
    by_district = {}
    for grid_id in world.grid_ids:
        by_district.setdefault(world.grids[grid_id].community.street.district_id, []).append(
            grid_id
        )
    columns = [
        "name",
        "gender",
        "birth_date",
        "phone",
        "id_number",
        "id_number_index",
        "joined_on",
        "full_member_on",
        "workplace",
        "workplace_kind",
        "kind",
        "community_id",
        "branch_id",
        "must_register",
        "created_at",
    ]

    def rows():
        for grid_ids in by_district.values():
            for _ in range(per_district):
                grid_id = rng.choice(grid_ids)
                birth = datetime.date(
                    rng.randint(1945, 2003), rng.randint(1, 12), rng.randint(1, 28)
                )
                while True:
                    id_number = (
                        f"440311{birth:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
                    )
                    index = blind_index(id_number)
                    if index not in seen:
                        seen.add(index)
                        break
                joined = birth + datetime.timedelta(days=rng.randint(18 * 365, 40 * 365))
                joined = min(joined, datetime.date(2026, 6, 1))
                probationary = joined > datetime.date(2025, 11, 1)
                kind = rng.choices(
                    ["resident", "registered", "grid_worker", "mobile"], [70, 20, 5, 5]
                )[0]
                yield (
                    chinese_name(rng),
                    rng.choice(["male", "female"]),
                    birth,
                    encrypt(mobile(rng)),
                    encrypt(id_number),
                    index,
                    joined,
                    None if probationary else joined + datetime.timedelta(days=365),
                    "" if kind == "resident" else "光明科技园企业",
                    "none" if kind == "resident" else "company",
                    kind,
                    world.grids[grid_id].community_id,
                    branches.get(grid_id),
                    kind == "registered",
                    now,
                )

    from django.db import transaction

    with transaction.atomic():
        count = Copier(PartyMember, columns, now).copy(rows())
    sequence_reset(PartyMember)
    log(f"members: {count}")


def households_generate(world: World, per_district: int, seed: int, now) -> None:
    from django.db import transaction

    from care.models import Household, Visit

    existing = Household.objects.count()
    total = per_district * len(world.districts) - existing
    if total <= 0:
        log("households: already there")
        return
    rng = np.random.default_rng(seed + 2 + existing)
    prng = random.Random(seed + 2 + existing)
    xy, grid_ids = world.points(total, rng)
    start_id = next_id(Household)
    columns = [
        "id",
        "grid_id",
        "subgrid_id",
        "address",
        "address_index",
        "building",
        "location",
        "registered_on",
    ]

    def households():
        from privacy.crypto import encrypt, text_index

        for i, ((lon, lat), grid_id) in enumerate(zip(xy, grid_ids, strict=True)):
            grid = world.grids[grid_id]
            building = f"{prng.randint(1, 40)}栋"
            # The address is stored encrypted with its blind index (care.models.Household).
            address = (
                f"深圳市{grid.community.name}{prng.choice(PLACES)}{building}"
                f"{prng.randint(1, 30)}0{prng.randint(1, 8)}室"
            )
            yield (
                start_id + i,
                grid_id,
                world.subgrid_for(lon, lat, grid_id),
                encrypt(address),
                text_index(address),
                building,
                f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
                datetime.date(2024, 1, 1) + datetime.timedelta(days=prng.randint(0, 600)),
            )

    visit_columns = [
        "household_id",
        "visitor_id",
        "visited_on",
        "mode",
        "kind",
        "met",
        "created_at",
    ]
    today = now.date()

    def visits():
        # Paired households (about a third) are visited about monthly, the others yearly.
        for i, grid_id in enumerate(grid_ids):
            workers = world.workers[grid_id]
            count = 12 if i % 3 == 0 else 1
            for _ in range(count):
                day = today - datetime.timedelta(days=prng.randint(1, 365))
                visitor = prng.choice(workers)[0]
                yield (
                    start_id + i,
                    visitor,
                    day,
                    prng.choice(["in_person", "in_person", "phone"]),
                    "routine",
                    prng.choice(["户主", "老人", "家属", ""]),
                    datetime.datetime.combine(day, datetime.time(10), tzinfo=now.tzinfo),
                )

    with transaction.atomic():
        count = Copier(Household, columns, now).copy(households())
        visit_count = Copier(Visit, visit_columns, now).copy(visits())
    sequence_reset(Household)
    log(f"households: {count}, visits: {visit_count}")


def patrols_generate(world: World, seed: int, now, days: int = 365) -> None:
    from django.db import transaction

    from patrols.models import CheckIn, Patrol

    if Patrol.objects.exists():
        log("patrols: already there")
        return
    rng = random.Random(seed + 3)
    start_id = next_id(Patrol)
    patrols, check_ins = [], []
    pid = start_id
    tz = now.tzinfo
    today = now.date()
    for grid_id in world.grid_ids:
        places = world.key_places.get(grid_id, [])
        for worker_id, _label in world.workers[grid_id]:
            if worker_id is None:
                continue
            for back in range(days, 0, -1):
                day = today - datetime.timedelta(days=back)
                if day.weekday() >= 5 or rng.random() < 0.2:
                    continue
                started = datetime.datetime.combine(
                    day, datetime.time(9), tzinfo=tz
                ) + datetime.timedelta(minutes=rng.randint(0, 360))
                ended = started + datetime.timedelta(minutes=rng.randint(40, 150))
                patrols.append((pid, grid_id, worker_id, started, ended, ""))
                for place_id, x, y in rng.sample(places, min(len(places), rng.randint(1, 3))):
                    dx, dy = rng.uniform(-0.0003, 0.0003), rng.uniform(-0.0003, 0.0003)
                    check_ins.append(
                        (
                            pid,
                            place_id,
                            started + datetime.timedelta(minutes=15),
                            f"SRID=4326;POINT({x + dx:.6f} {y + dy:.6f})",
                            round(((dx * 102_000) ** 2 + (dy * 111_000) ** 2) ** 0.5, 1),
                        )
                    )
                pid += 1
    with transaction.atomic():
        Copier(Patrol, ["id", "grid_id", "worker_id", "started_at", "ended_at", "notes"], now).copy(
            patrols
        )
        Copier(CheckIn, ["patrol_id", "key_place_id", "at", "position", "distance_m"], now).copy(
            check_ins
        )
    sequence_reset(Patrol)
    log(f"patrols: {len(patrols)}, check-ins: {len(check_ins)}")


# --- Requests -------------------------------------------------------------------------------------

REQUEST_COLUMNS = [
    "id",
    "code",
    "source",
    "category_id",
    "description",
    "location",
    "address",
    "street_id",
    "community_id",
    "grid_id",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_phone_index",
    "consent",
    "submitter_key",
    "created_by_id",
    "open311_client_id",
    "open311_token",
    "stage",
    "closure_type",
    "cancel_reason",
    "target",
    "assignee_id",
    "department_id",
    "merged_into_id",
    "support_count",
    "created_at",
    "updated_at",
    "accepted_at",
    "filed_at",
    "dispatched_at",
    "due_at",
    "contact_due_at",
    "contacted_at",
    "handled_at",
    "closed_at",
    "extension_requested_until",
    "extension_count",
    "rework_count",
    "redo_count",
    "attribute_values",
    "media_url",
]
EVENT_COLUMNS = [
    "request_id",
    "action",
    "from_stage",
    "to_stage",
    "actor_id",
    "actor_label",
    "note",
    "public",
    "created_at",
]
RATING_COLUMNS = [
    "request_id",
    "speed",
    "result",
    "service",
    "feedback_quality",
    "overall",
    "comment",
    "satisfied",
    "created_at",
]
PUBLIC = {
    "report": True,
    "accept": True,
    "cancel": True,
    "merge": True,
    "file": False,
    "dispatch": True,
    "start": False,
    "contact": False,
    "request_extension": False,
    "approve_extension": False,
    "carry_over": True,
    "feedback": True,
    "verify": False,
    "rework": False,
    "close": True,
    "rate": False,
    "redo": True,
    "reply": True,
}


class Texts:
    """The state machine's texts, translated as the app writes them (zh-hans)."""

    def __init__(self):
        from django.utils import translation
        from django.utils.translation import gettext

        from requests_desk.models import Request

        with translation.override("zh-hans"):
            self.resident = gettext("resident")
            self.reported = {
                v: gettext("Reported through: %(source)s") % {"source": str(label)}
                for v, label in Request.Source.choices
            }
            self.dispatched = gettext("Dispatched to %(target)s.")
            self.new_deadline = gettext("New deadline: %(due)s.")
            self.merged = gettext("Merged into %(code)s; it shares that request's resolution.")
            self.merged_here = gettext("Request %(code)s was merged into this one.")
            self.rated = gettext("Rated %(score)s / 5.")
            self.unsatisfied = gettext(
                "The resident was not satisfied (%(score)s / 5): %(comment)s"
            )
            self.targets = {v: str(label) for v, label in Request.Target.choices}


def _hours(rng, low, high):
    return datetime.timedelta(hours=rng.uniform(low, high))


def case_story(r: dict, ctx, rng: random.Random, now) -> list[tuple]:
    """Walk one request through the state machine from its report until `now`, with realistic
    delays; fills the request's fields and returns its timeline entries. A step that would happen
    after `now` has not happened yet: recent requests stay open in the stage they reached."""
    from decimal import Decimal

    texts, calendar, category = ctx.texts, ctx.calendar, ctx.category_of[r["category_id"]]
    grid_id = r["grid_id"]
    head_id, head_label = ctx.world.heads.get(grid_id, ctx.community_head(r))
    workers = ctx.world.workers.get(grid_id) or [(head_id, head_label)]
    worker_id, worker_label = rng.choice(workers)
    events = []
    t = r["created_at"]

    def event(action, to_stage, actor, label, note="", public=None, from_stage=None):
        events.append(
            [
                r["id"],
                action,
                r["stage"] if from_stage is None else from_stage,
                to_stage,
                actor,
                label,
                note,
                PUBLIC[action] if public is None else public,
                t,
            ]
        )
        r["stage"] = to_stage

    events.append(
        [
            r["id"],
            "report",
            "",
            "reported",
            r["created_by_id"],
            r.pop("_report_label"),
            texts.reported[r["source"]],
            True,
            t,
        ]
    )
    fate = rng.random()

    def advance(low, high) -> bool:
        nonlocal t
        t = t + _hours(rng, low, high)
        return t <= now

    if not advance(0.1, 3):
        return events
    if fate < 0.03:
        r["cancel_reason"] = rng.choice(["重复反映", "反映内容不实", "不属于受理范围"])
        event("cancel", "cancelled", head_id, head_label, r["cancel_reason"])
        return events
    if fate < 0.05:
        into = ctx.merge_target(r)
        if into is not None:
            r["merged_into_id"] = into[0]
            event("merge", "merged", head_id, head_label, texts.merged % {"code": into[1]})
            ctx.extra_events.append(
                [
                    into[0],
                    "reply",
                    into[2],
                    into[2],
                    head_id,
                    head_label,
                    texts.merged_here % {"code": r["code"]},
                    False,
                    t,
                ]
            )
            return events
    r["accepted_at"] = t
    event("accept", "accepted", worker_id, worker_label)
    if not advance(0.1, 4):
        return events
    r["filed_at"] = t
    event("file", "filed", head_id, head_label)
    redo_left, redone = 1, False
    while True:
        if not redone:
            if not advance(0.1, 3):
                return events
            # Dispatch: to a grid worker (only for a request placed in a grid), the owner
            # department, the community or the street office (flow._do_dispatch).
            choice = rng.random()
            if category.default_department_id and choice < 0.35:
                r["target"], r["department_id"] = "department", category.default_department_id
                target_label = ctx.world.departments[category.default_department_id]
            elif choice < 0.85 and grid_id is not None:
                r["target"], r["assignee_id"] = "grid_worker", worker_id
                target_label = f"{texts.targets['grid_worker']} {worker_label}"
            elif choice < 0.95:
                r["target"] = "community"
                target_label = ctx.community_name(r)
            else:
                r["target"] = "street"
                target_label = ctx.street_name(r)
            r["dispatched_at"] = t
            r["due_at"] = calendar.add_limit(t, category.limit_amount, category.limit_unit)
            r["contact_due_at"] = t + datetime.timedelta(hours=24)
            event(
                "dispatch",
                "dispatched",
                head_id,
                head_label,
                texts.dispatched % {"target": target_label},
            )
        dispatched = r["dispatched_at"]
        if not advance(0.1, 6):
            return events
        event("start", "handling", worker_id, worker_label)
        if rng.random() < 0.9 and t + datetime.timedelta(hours=2) <= now:
            contact_at = t + _hours(rng, 0, 20)
            if contact_at <= now:
                r["contacted_at"] = contact_at
                saved, t = t, contact_at
                event("contact", "handling", worker_id, worker_label)
                t = max(saved, contact_at)
        if rng.random() < 0.02:
            if not advance(1, 8):
                return events
            until = calendar.add_limit(max(r["due_at"], t), 3, "days")
            event(
                "request_extension", "handling", worker_id, worker_label, "需协调多个部门，申请延期"
            )
            t = t + _hours(rng, 0.5, 8)
            if t > now:
                r["extension_requested_until"] = until
                return events
            r["due_at"], r["extension_count"] = until, r["extension_count"] + 1
            event(
                "approve_extension",
                "handling",
                head_id,
                head_label,
                texts.new_deadline
                % {"due": until.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")},
            )
        if rng.random() < 0.005:
            if not advance(2, 48):
                return events
            street_id, street_label = ctx.world.street_staff.get(
                r["street_id"], (head_id, head_label)
            )
            event(
                "carry_over", "carried_over", street_id, street_label, "涉及规划调整，纳入长期跟进"
            )
            return events
        # Handling: most cases beat the deadline, some run over.
        window = max((r["due_at"] - dispatched).total_seconds() / 3600, 0.5)
        handled = dispatched + (
            datetime.timedelta(hours=window * rng.uniform(0.15, 0.95))
            if rng.random() < 0.88
            else (r["due_at"] - dispatched) + _hours(rng, 1, 72)
        )
        t = max(t, handled)
        if t > now:
            return events
        for attempt in range(2):
            r["handled_at"] = t
            event("feedback", "feedback", worker_id, worker_label, "已到现场处理完毕，已拍照留存")
            if not advance(0.5, 24):
                return events
            event("verify", "verified", head_id, head_label)
            if attempt == 0 and rng.random() < 0.03:
                if not advance(0.2, 4):
                    return events
                r["rework_count"] += 1
                r["handled_at"] = None
                event("rework", "handling", head_id, head_label, "处理不彻底，请返工")
                if not advance(2, 48):
                    return events
                continue
            break
        if not advance(0.5, 24):
            return events
        late = r["due_at"] and r["handled_at"] > r["due_at"]
        r["closure_type"] = "overdue" if late else "normal"
        r["closed_at"] = t
        event("close", "closed", head_id, head_label)
        # The resident rates once (the flow's "rate" refuses a second rating, also after a redo).
        if (
            redone
            or r["source"] not in ("resident_form", "open311", "hotline")
            or rng.random() > 0.45
        ):
            return events
        if not advance(2, 96):
            return events
        unsatisfied = redo_left and rng.random() < 0.05
        scores = (
            [rng.randint(1, 2) for _ in range(4)]
            if unsatisfied
            else [rng.choice((3, 4, 5, 5, 5)) for _ in range(4)]
        )
        overall = (Decimal(sum(scores)) / 4).quantize(Decimal("0.01"))
        comment = (
            rng.choice(["", "处理及时，谢谢", "满意", "还可以"])
            if not unsatisfied
            else "问题没有解决"
        )
        ctx.ratings.append((r["id"], *scores, overall, comment, not unsatisfied, t))
        event("rate", "closed", None, texts.resident, texts.rated % {"score": overall})
        if not unsatisfied:
            return events
        redo_left -= 1
        r["redo_count"] += 1
        r["closure_type"], r["closed_at"], r["handled_at"] = "", None, None
        # redo: back to dispatched with a new deadline (flow._do_redo), then handled again.
        r["dispatched_at"] = t
        r["due_at"] = calendar.add_limit(t, category.limit_amount, category.limit_unit)
        r["contact_due_at"] = t + datetime.timedelta(hours=24)
        r["contacted_at"] = None
        event(
            "redo",
            "dispatched",
            None,
            texts.resident,
            texts.unsatisfied % {"score": overall, "comment": comment},
        )
        # Redone by the same unit: the loop continues with "start" (no second dispatch).
        redone = True


class RequestContext:
    def __init__(self, world: World, now):
        from requests_desk.models import Open311Client
        from requests_desk.services import open311_client_create
        from requests_desk.worktime import WorkCalendar

        self.world = world
        self.texts = Texts()
        self.calendar = WorkCalendar.load()  # the whole holiday table
        self.category_of = {c.pk: c for c in world.categories}
        self.last_open = {}
        self.ratings, self.extra_events = [], []
        client = Open311Client.objects.filter(name="12345 热线平台").first()
        self.open311_client_id = (
            client.pk if client else open311_client_create(name="12345 热线平台")[0].pk
        )
        from grids.models import Community, Street

        self.communities = {c.pk: c for c in Community.objects.current().select_related("street")}
        self.streets = {s.pk: s.name for s in Street.objects.current()}
        self.community_heads = {}
        for grid_id, head in world.heads.items():
            self.community_heads.setdefault(world.grids[grid_id].community_id, head)

    def community_head(self, r):
        return self.community_heads.get(r["community_id"], (None, ""))

    def community_name(self, r):
        return self.communities[r["community_id"]].name

    def street_name(self, r):
        return self.streets[r["street_id"]]

    def merge_target(self, r):
        key = (r["grid_id"] or -r["community_id"], r["category_id"])
        return self.last_open.get(key)


def requests_generate(
    world: World, total: int, months: int, seed: int, now, chunk: int = 50_000
) -> None:
    from django.db import transaction

    from privacy.crypto import blind_index, encrypt
    from requests_desk.models import CODE_ALPHABET, CODE_LENGTH, Rating, Request, RequestEvent
    from requests_desk.services import submitter_key

    existing = Request.objects.count()
    if existing >= total * 0.9:
        log(f"requests: {existing} already there")
        return
    total -= existing
    rng = np.random.default_rng(seed + 4)
    prng = random.Random(seed + 4)
    ctx = RequestContext(world, now)
    start = now - datetime.timedelta(days=int(months * 30.44))
    span_days = (now - start).days
    # Report moments: a day (weekdays a little busier) and an hour from the daily profile.
    day_offsets = rng.integers(0, span_days, total * 2)
    weekdays = np.array(
        [(start + datetime.timedelta(days=int(d))).weekday() for d in range(span_days + 1)]
    )
    keep = rng.random(total * 2) < np.where(weekdays[day_offsets] < 5, 1.0, 0.7)
    day_offsets = day_offsets[keep][:total]
    hours = rng.choice(24, size=total, p=np.array(HOURS) / sum(HOURS))
    seconds = rng.integers(0, 3600, total)
    base = datetime.datetime.combine(
        start.astimezone(ctx.calendar.tz).date(), datetime.time(0), tzinfo=ctx.calendar.tz
    )
    offsets = np.sort(day_offsets * 86400 + hours * 3600 + seconds)
    offsets = offsets[offsets < (now - base).total_seconds()]
    total = len(offsets)
    sources = [s for s, _w in SOURCES]
    source_weights = [w for _s, w in SOURCES]
    categories = world.categories
    # Everyday problems are common, the rare ones (demolition, dangerous houses) rare.
    category_weights = [
        1
        if c.limit_unit == "days" and c.limit_amount >= 10
        else (6 if c.parent.code in ("E01", "E04", "C01", "C03") else 3)
        for c in categories
    ]
    codes = set(Request.objects.values_list("code", flat=True))
    # Tracking codes in the app's alphabet and length (models.new_tracking_code draws them with
    # `secrets`, ~0.2 ms each; here numpy draws them in bulk, uniqueness checked against a set).
    alphabet = np.array(list(CODE_ALPHABET))
    # Residents who leave contact details: a pool of reporters (people report more than once),
    # encrypted once each (Fernet costs ~0.3 ms a value), blind-indexed with privacy.crypto.
    pool = []
    for _ in range(min(20_000, max(total // 20, 100))):
        name, phone = chinese_name(prng), mobile(prng)
        pool.append((encrypt(name), encrypt(phone), blind_index(phone), submitter_key(phone=phone)))
    # Anonymous reporters: a pool of browsers (the resident form's device cookie).
    device_keys = [submitter_key(device_id=f"bench-device-{n}") for n in range(5000)]
    source_index = rng.choice(
        len(sources), size=total, p=np.array(source_weights) / sum(source_weights)
    )
    category_index = rng.choice(
        len(categories), size=total, p=np.array(category_weights) / sum(category_weights)
    )
    next_request_id = next_id(Request)
    request_copier = Copier(Request, REQUEST_COLUMNS, now)
    event_copier = Copier(RequestEvent, EVENT_COLUMNS, now)
    rating_copier = Copier(Rating, RATING_COLUMNS, now)
    written = events_written = 0
    started = time.monotonic()
    deferred = IndexesDeferred(Request, RequestEvent) if total >= 100_000 else None
    if deferred:
        deferred.__enter__()
    for chunk_start in range(0, total, chunk):
        n = min(chunk, total - chunk_start)
        xy, grid_ids = world.points(n, rng)
        code_digits = rng.integers(0, len(alphabet), (n, CODE_LENGTH))
        rows, events = [], []
        for i in range(n):
            created = base + datetime.timedelta(seconds=int(offsets[chunk_start + i]))
            source = sources[source_index[chunk_start + i]]
            category = categories[category_index[chunk_start + i]]
            lon, lat = float(xy[i][0]), float(xy[i][1])
            grid_id = grid_ids[i]
            grid = world.grids[grid_id]
            has_point = source != "hotline" or prng.random() < 0.5
            if not has_point:
                grid_id = None
            code = "".join(alphabet[code_digits[i]])
            while code in codes:
                code = "".join(alphabet[rng.integers(0, len(alphabet), CODE_LENGTH)])
            codes.add(code)
            reporter = None
            if source in ("resident_form", "hotline", "open311") and prng.random() < 0.45:
                reporter = prng.choice(pool)
            creator = None
            if source in ("grid_patrol", "household_visit"):
                creator = prng.choice(world.workers[grid.pk])
            elif source in ("hotline", "referral", "registered_member"):
                creator = world.heads[grid.pk]
            r = {
                "id": next_request_id,
                "code": code,
                "source": source,
                "category_id": category.pk,
                "description": prng.choice(
                    DESCRIPTIONS.get(category.parent.code, ["{place}有问题"])
                ).format(place=grid.community.name.removesuffix("社区") + prng.choice(PLACES)),
                "location": f"SRID=4326;POINT({lon:.6f} {lat:.6f})" if has_point else None,
                "address": "" if has_point else f"{grid.community.name}{prng.choice(PLACES)}",
                "street_id": grid.community.street_id,
                "community_id": grid.community_id,
                "grid_id": grid_id,
                "reporter_name": reporter[0] if reporter else "",
                "reporter_phone": reporter[1] if reporter else "",
                "reporter_email": "",
                "reporter_phone_index": reporter[2] if reporter else "",
                "consent": reporter is not None,
                "submitter_key": reporter[3]
                if reporter
                else device_keys[prng.randrange(len(device_keys))],
                "created_by_id": creator[0] if creator else None,
                "open311_client_id": ctx.open311_client_id if source == "open311" else None,
                "open311_token": secrets.token_hex(16) if source == "open311" else "",
                "stage": "reported",
                "closure_type": "",
                "cancel_reason": "",
                "target": "",
                "assignee_id": None,
                "department_id": None,
                "merged_into_id": None,
                "support_count": 0 if prng.random() < 0.9 else prng.randint(1, 6),
                "created_at": created,
                "updated_at": created,
                "accepted_at": None,
                "filed_at": None,
                "dispatched_at": None,
                "due_at": None,
                "contact_due_at": None,
                "contacted_at": None,
                "handled_at": None,
                "closed_at": None,
                "extension_requested_until": None,
                "extension_count": 0,
                "rework_count": 0,
                "redo_count": 0,
                "attribute_values": {},
                "media_url": "",
                "_report_label": creator[1] if creator else ctx.texts.resident,
            }
            story = case_story(r, ctx, prng, now)
            r["updated_at"] = story[-1][-1]
            if r["stage"] not in ("cancelled", "merged", "closed"):
                key = (r["grid_id"] or -r["community_id"], r["category_id"])
                ctx.last_open[key] = (r["id"], r["code"], r["stage"])
            rows.append(tuple(r[c] for c in REQUEST_COLUMNS))
            events.extend(story)
            next_request_id += 1
        events.extend(ctx.extra_events)
        ctx.extra_events = []
        with transaction.atomic():
            written += request_copier.copy(rows)
            events_written += event_copier.copy(events)
            rating_copier.copy(ctx.ratings)
        ctx.ratings = []
        rate = written / (time.monotonic() - started)
        log(
            f"requests: {written:,}/{total:,} ({events_written:,} timeline entries, "
            f"{rate:,.0f} requests/s)"
        )
    if deferred:
        deferred.__exit__(None, None, None)
    sequence_reset(Request)
    sequence_reset(RequestEvent)
    sequence_reset(Rating)


# --- Checks ---------------------------------------------------------------------------------------


def integrity_check(world: World, sample: int = 5000) -> dict:
    """Foreign keys (COPY ran without per-row triggers), tracking codes, placement and deadlines
    of a sample, recomputed with the app's own functions."""
    from django.db import connection

    from grids.locate import locate_many
    from requests_desk.models import Request
    from requests_desk.worktime import WorkCalendar

    problems = {}
    orphan_queries = {
        "request.grid": "SELECT count(*) FROM requests_desk_request r LEFT JOIN grids_areagrid g "
        "ON g.id = r.grid_id WHERE r.grid_id IS NOT NULL AND g.id IS NULL",
        "request.category": "SELECT count(*) FROM requests_desk_request r LEFT JOIN "
        "requests_desk_category c ON c.id = r.category_id WHERE c.id IS NULL",
        "request.assignee": "SELECT count(*) FROM requests_desk_request r LEFT JOIN accounts_user "
        "u ON u.id = r.assignee_id WHERE r.assignee_id IS NOT NULL "
        "AND u.id IS NULL",
        "request.merged_into": "SELECT count(*) FROM requests_desk_request r LEFT JOIN "
        "requests_desk_request m ON m.id = r.merged_into_id WHERE "
        "r.merged_into_id IS NOT NULL AND m.id IS NULL",
        "event.request": "SELECT count(*) FROM requests_desk_requestevent e LEFT JOIN "
        "requests_desk_request r ON r.id = e.request_id WHERE r.id IS NULL",
        "event.actor": "SELECT count(*) FROM requests_desk_requestevent e LEFT JOIN accounts_user "
        "u ON u.id = e.actor_id WHERE e.actor_id IS NOT NULL AND u.id IS NULL",
        "grid/community/street": "SELECT count(*) FROM requests_desk_request r JOIN "
        "grids_community c ON c.id = r.community_id WHERE "
        "c.street_id <> r.street_id",
    }
    with connection.cursor() as cursor:
        for name, sql in orphan_queries.items():
            cursor.execute(sql)
            count = cursor.fetchone()[0]
            if count:
                problems[name] = count
        cursor.execute("SELECT count(*) - count(DISTINCT code) FROM requests_desk_request")
        duplicates = cursor.fetchone()[0]
    if duplicates:
        problems["duplicate codes"] = duplicates
    rows = list(
        Request.objects.filter(location__isnull=False)
        .order_by("?")
        .values_list("location", "grid_id")[:sample]
    )
    located = locate_many([(p.x, p.y) for p, _g in rows], index=world.index)
    misplaced = sum(1 for (_p, g), found in zip(rows, located, strict=True) if g != found)
    if misplaced:
        problems["placement differs from locate_many"] = misplaced
    calendar = WorkCalendar.load()
    due_rows = list(
        Request.objects.filter(dispatched_at__isnull=False, extension_count=0, redo_count=0)
        .select_related("category")
        .order_by("?")[:sample]
    )
    wrong_due = sum(
        1
        for r in due_rows
        if r.due_at
        != calendar.add_limit(r.dispatched_at, r.category.limit_amount, r.category.limit_unit)
    )
    if wrong_due:
        problems["due time differs from requests_desk.worktime"] = wrong_due
    return {"checked_sample": len(rows), "problems": problems}


def counts() -> dict:
    from django.db import connection

    tables = [
        "grids_district",
        "grids_street",
        "grids_community",
        "grids_areagrid",
        "grids_subgrid",
        "accounts_user",
        "party_branches_partymember",
        "care_household",
        "care_visit",
        "patrols_patrol",
        "patrols_checkin",
        "requests_desk_request",
        "requests_desk_requestevent",
        "requests_desk_rating",
    ]
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            result[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT stage, count(*) FROM requests_desk_request GROUP BY stage ORDER BY 2 DESC"
        )
        result["request stages"] = dict(cursor.fetchall())
    return result


def positions_generate(seed: int = 20231101) -> None:
    """The demo's service positions (demo.service_points: a centre per community, grid positions,
    ~200 micro-sites with opening hours, facilities and rooms): what /positions/ and its API
    serve."""
    import io

    from demo import service_points

    service_points.load_demo(rng=random.Random(seed), seed=seed, stdout=io.StringIO())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["district", "city"], default="district")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--members", type=int, default=12_000, help="Party members per district")
    parser.add_argument("--households", type=int, default=30_000, help="per district")
    parser.add_argument("--patrol-days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=20231101)
    parser.add_argument("--db", default=None, help="database name (default: BENCH_DB)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--check", action="store_true", help="verify a sample afterwards")
    args = parser.parse_args(argv)

    import os

    if args.db:
        os.environ["BENCH_DB"] = args.db
        os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{args.db}"
    from bench import env

    env.load()
    name = os.environ["BENCH_DB"]
    if args.reset:
        env.database_drop(name)
    created = env.database_ensure(name)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.monotonic()
    log(f"database {name} ({'created' if created else 'existing'}), migrating")
    call_command("migrate", verbosity=0)
    now = timezone.now()
    if args.scale == "district":
        hierarchy_district(args.seed)
    else:
        hierarchy_city(args.seed)
        staff_city(args.seed)
    world = World()
    log(
        f"world: {len(world.districts)} districts, {len(world.grids)} area grids, "
        f"{len(world.subgrids)} sub-grids"
    )
    positions_generate(args.seed)
    members_generate(world, args.members, args.seed, now)
    households_generate(world, args.households, args.seed, now)
    patrols_generate(world, args.seed, now, days=args.patrol_days)
    requests_generate(world, args.requests, args.months, args.seed, now)
    from requests_desk.monthly import monthly_figures_rebuild

    # COPY went around the desk's services: fill its per-(area, month) summary from the requests.
    started_rebuild = time.monotonic()
    rows = monthly_figures_rebuild()
    log(f"monthly request figures: {rows} rows in {time.monotonic() - started_rebuild:.1f} s")
    log("ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    summary = {
        "scale": args.scale,
        "database": name,
        "seconds": round(time.monotonic() - started),
        "generated_at": now.isoformat(),
        "counts": counts(),
    }
    if args.check:
        summary["check"] = integrity_check(world)
    out = BENCH_DIR / "results" / f"dataset-{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    log(json.dumps(summary, ensure_ascii=False, default=str))
    if args.check and summary["check"]["problems"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
