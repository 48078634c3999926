"""Demo service positions for Guangming: a Party-mass service centre in each of the 31 communities,
86 grid service positions (17 area grids left without one, so the coverage report has gaps),
~200 micro-sites, their opening hours (some overnight), holiday exceptions, facilities, rooms and a
few bookings in the coming week. Points are sampled inside the served grid or sub-grid and checked
with locate_many, so every position passes services.position_validate."""

import datetime
import json
import random

import numpy as np
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from shapely import contains_xy, prepare
from shapely.geometry import shape

from accounts.models import User
from core.periods import local_datetime
from demo.people import chinese_name
from grids.locate import GridIndex, locate_many
from grids.models import AreaGrid, Community, SubGrid
from service_points.models import (
    Booking,
    Facility,
    Function,
    OpeningException,
    OpeningHours,
    Room,
    ServicePosition,
    Tier,
)

GRID_POSITIONS = 86
MICRO_SITES = 200
T = datetime.time

PLACE_WORDS = ["花园", "新村", "工业园", "科技园", "市场", "广场", "公园", "雅苑", "家园", "老村"]
MICRO_KINDS = [
    "集装箱微站点",
    "红色驿站",
    "党群微家",
    "暖心驿站",
    "小分格议事点",
    "楼栋党群微站",
    "骑手驿站",
    "户外劳动者驿站",
]
STREET_WORDS = [
    "光明大道",
    "华夏路",
    "观光路",
    "公常路",
    "光侨路",
    "松白路",
    "东长路",
    "河心路",
    "创投路",
    "邦凯路",
    "双明大道",
    "龙大高速辅道",
]

CENTRE_FACILITIES = [
    "book_bar",
    "rest_room",
    "culture_station",
    "discussion_hall",
    "meeting_room",
    "first_aid_kit",
    "aed",
    "drinking_water",
    "toilet",
    "wifi",
    "childrens_corner",
]
GRID_FACILITIES = [
    "book_bar",
    "rest_room",
    "culture_station",
    "discussion_hall",
    "first_aid_kit",
    "drinking_water",
    "phone_charging",
    "wifi",
    "umbrella_sharing",
    "toilet",
]
MICRO_FACILITIES = [
    "drinking_water",
    "phone_charging",
    "first_aid_kit",
    "umbrella_sharing",
    "microwave",
    "rest_room",
    "book_bar",
]

WEEKDAYS = range(5)
WEEKEND = (5, 6)
HOURS = {
    # centres: every day, morning and afternoon-evening
    "centre": {d: [(T(9), T(12)), (T(14), T(21))] for d in range(7)},
    "grid_office": {
        **{d: [(T(8, 30), T(12)), (T(14), T(18))] for d in WEEKDAYS},
        5: [(T(9), T(17))],
    },
    "grid_long": {d: [(T(8, 30), T(20, 30))] for d in range(7)},
    "micro_day": {d: [(T(7), T(19))] for d in range(7)},
    # rider/outdoor-worker stations stay open past midnight
    "micro_night": {d: [(T(18), T(2))] for d in range(7)}
    | {5: [(T(10), T(2))], 6: [(T(10), T(2))]},
    "micro_allday": {d: [(T(6), T(23, 30))] for d in range(7)},
}


def _points_in(geometry, count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    polygon = shape(json.loads(geometry.json)).buffer(-0.0004)  # keep off shared edges
    if polygon.is_empty:
        polygon = shape(json.loads(geometry.json))
    prepare(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    found: list = []
    while len(found) < count:
        xs = rng.uniform(minx, maxx, 64)
        ys = rng.uniform(miny, maxy, 64)
        keep = contains_xy(polygon, xs, ys)
        found.extend(zip(xs[keep].tolist(), ys[keep].tolist(), strict=True))
    return found[:count]


def _upcoming_holidays(today: datetime.date) -> list[tuple[datetime.date, str]]:
    fixed = [
        ((1, 1), "元旦"),
        ((5, 1), "劳动节"),
        ((5, 2), "劳动节"),
        ((10, 1), "国庆节"),
        ((10, 2), "国庆节"),
        ((10, 3), "国庆节"),
    ]
    days = []
    for year in (today.year, today.year + 1):
        for (month, day), name in fixed:
            d = datetime.date(year, month, day)
            if today <= d <= today + datetime.timedelta(days=300):
                days.append((d, name))
    return sorted(days)[:5]


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if ServicePosition.objects.exists():
        stdout.write("  service positions exist, kept as they are\n")
        return
    if not AreaGrid.objects.current().exists():
        stdout.write("  no grids: load the grids demo first\n")
        return
    nprng = np.random.default_rng(seed)
    with transaction.atomic():
        _load(rng, nprng, stdout)


def _address(rng, community_name: str) -> str:
    return f"深圳市光明区{community_name}{rng.choice(STREET_WORDS)}{rng.randint(1, 399)}号"


def _load(rng: random.Random, nprng, stdout) -> None:
    facilities = {f.code: f for f in Facility.objects.all()}
    functions = {f.code: f for f in Function.objects.all()}
    communities = list(Community.objects.current().order_by("code"))
    grids = list(AreaGrid.objects.current().select_related("community").order_by("code"))
    subgrids = list(SubGrid.objects.current().select_related("grid__community").order_by("code"))
    index = GridIndex()
    first_grid_of = {}
    for grid in grids:
        first_grid_of.setdefault(grid.community_id, grid)

    def checked_point(geometry, grid_id):
        for _attempt in range(20):
            ((x, y),) = _points_in(geometry, 1, nprng)
            if locate_many([(x, y)], index=index)[0] == grid_id:
                return Point(x, y, srid=4326)
        raise RuntimeError("could not place a point inside its grid")

    # 1. centres
    centres = []
    for community in communities:
        grid = first_grid_of[community.id]
        contact, given = chinese_name(rng)
        centres.append(
            ServicePosition(
                name=f"{community.name}党群服务中心",
                tier=Tier.CENTRE,
                community=community,
                address=_address(rng, community.name),
                location=checked_point(grid.boundary, grid.id),
                floor_area=rng.choice([450, 600, 800, 1000, 1200]),
                contact_name=f"{contact}{given}",
                contact_phone=f"0755-2{rng.randint(1000000, 9999999)}",
                description=f"{community.name}党委主办，提供党员教育、政务代办、文化活动和议事协商服务。",
                displays_grid_structure=True,
                displays_rules=True,
                displays_service_list=True,
            )
        )
    ServicePosition.objects.bulk_create(centres)
    centre_of = {c.community_id: c for c in centres}

    # 2. grid service positions: 86 of 103 grids; the first grid of each community always has one
    candidates = [g for g in grids if first_grid_of[g.community_id] != g]
    gaps = {g.id for g in rng.sample(candidates, len(grids) - GRID_POSITIONS)}
    grid_positions = []
    for grid in grids:
        if grid.id in gaps:
            continue
        name = grid.name.replace("社区", "") + "党群服务站"
        grid_positions.append(
            ServicePosition(
                name=name,
                tier=Tier.GRID_POSITION,
                parent=centre_of[grid.community_id],
                community=grid.community,
                grid=grid,
                address=_address(rng, grid.community.name),
                location=checked_point(grid.boundary, grid.id),
                floor_area=rng.choice([80, 120, 150, 200, 260]),
                contact_phone=f"0755-2{rng.randint(1000000, 9999999)}",
                description=rng.choice(
                    [
                        "由旧粮仓改造而成，设书吧、休息室、文化驿站和议事厅。",
                        "网格党支部阵地，公开网格管理架构、制度和报到服务清单。",
                        "依托小区物业用房建设，党员志愿者轮流值守。",
                    ]
                ),
                displays_grid_structure=True,
                displays_rules=rng.random() < 0.9,
                displays_service_list=rng.random() < 0.8,
            )
        )
    ServicePosition.objects.bulk_create(grid_positions)
    positions_in_community: dict[int, list] = {}
    position_of_grid = {}
    for p in grid_positions:
        positions_in_community.setdefault(p.community_id, []).append(p)
        position_of_grid[p.grid_id] = p

    # 3. micro-sites: most sub-grids get one, the rest serve area grids
    micro = []
    served_subgrids = rng.sample(subgrids, max(0, len(subgrids) - 4))
    for subgrid in served_subgrids:
        grid = subgrid.grid
        parent = position_of_grid.get(grid.id) or positions_in_community[grid.community_id][0]
        micro.append((grid, subgrid, parent, subgrid.boundary))
    while len(micro) < MICRO_SITES:
        grid = rng.choice(grids)
        parent = position_of_grid.get(grid.id) or positions_in_community[grid.community_id][0]
        micro.append((grid, None, parent, grid.boundary))
    micro_sites = []
    for grid, subgrid, parent, boundary in micro:
        short = grid.community.name.removesuffix("社区")
        point = checked_point(boundary, grid.id)
        if subgrid is not None:
            # sub-grids are small; make sure the point is in this sub-grid too
            poly = shape(json.loads(subgrid.boundary.json))
            for _attempt in range(20):
                if contains_xy(poly, point.x, point.y):
                    break
                point = checked_point(boundary, grid.id)
        name = f"{short}{rng.choice(PLACE_WORDS)}{rng.choice(MICRO_KINDS)}"
        micro_sites.append(
            ServicePosition(
                name=name,
                tier=Tier.MICRO_SITE,
                parent=parent,
                community=grid.community,
                grid=grid,
                subgrid=subgrid,
                address=_address(rng, grid.community.name),
                location=point,
                floor_area=rng.choice([12, 15, 18, 19.5, 30, 45]),
                description="服务小分格居民和户外劳动者，可歇脚、饮水、充电，也是小分格支部会议和党群议事会的场所。"
                if subgrid
                else "就近服务居民和户外劳动者。",
                displays_rules=rng.random() < 0.5,
            )
        )
    ServicePosition.objects.bulk_create(micro_sites)

    # 4. facilities, functions, hours, exceptions, rooms
    fac_through = ServicePosition.facilities.through
    fun_through = ServicePosition.functions.through
    fac_rows, fun_rows, hour_rows, exception_rows, rooms = [], [], [], [], []
    today = timezone.localdate()
    holidays = _upcoming_holidays(today)
    for p in centres + grid_positions + micro_sites:
        if p.tier == Tier.CENTRE:
            codes = CENTRE_FACILITIES
            funcs = list(functions)
            hours = HOURS["centre"]
        elif p.tier == Tier.GRID_POSITION:
            codes = ["discussion_hall"] + rng.sample(GRID_FACILITIES[:3] + GRID_FACILITIES[4:], 4)
            funcs = rng.sample(list(functions), rng.randint(3, 4))
            hours = HOURS[rng.choice(["grid_office", "grid_office", "grid_long"])]
        else:
            codes = rng.sample(MICRO_FACILITIES, rng.randint(2, 4))
            funcs = rng.sample(["service", "governance", "political"], rng.randint(1, 2))
            hours = HOURS[rng.choice(["micro_day", "micro_day", "micro_night", "micro_allday"])]
        fac_rows += [
            fac_through(serviceposition_id=p.id, facility_id=facilities[c].id)
            for c in dict.fromkeys(codes)
            if c in facilities
        ]
        fun_rows += [
            fun_through(serviceposition_id=p.id, function_id=functions[c].id)
            for c in funcs
            if c in functions
        ]
        hour_rows += [
            OpeningHours(position=p, weekday=d, opens=o, closes=c)
            for d, intervals in hours.items()
            for o, c in intervals
        ]
        for day, note in holidays:
            if p.tier == Tier.CENTRE:
                exception_rows.append(
                    OpeningException(
                        position=p,
                        date=day,
                        is_closed=False,
                        opens=T(9),
                        closes=T(17),
                        note=f"{note}值班",
                    )
                )
            elif rng.random() < 0.7:
                exception_rows.append(
                    OpeningException(position=p, date=day, is_closed=True, note=f"{note}闭馆")
                )
        if p.tier == Tier.CENTRE:
            rooms += [
                Room(position=p, name="党群议事厅", kind=Room.Kind.DISCUSSION_HALL, capacity=40),
                Room(position=p, name="第一会议室", kind=Room.Kind.MEETING_ROOM, capacity=16),
            ]
        elif p.tier == Tier.GRID_POSITION:
            rooms.append(
                Room(
                    position=p,
                    name="网格议事厅",
                    kind=Room.Kind.DISCUSSION_HALL,
                    capacity=rng.choice([12, 16, 20, 24]),
                )
            )
    fac_through.objects.bulk_create(fac_rows)
    fun_through.objects.bulk_create(fun_rows)
    OpeningHours.objects.bulk_create(hour_rows)
    OpeningException.objects.bulk_create(exception_rows)
    Room.objects.bulk_create(rooms)
    bookings = _bookings(rng, rooms, today)
    stdout.write(
        f"  centres: {len(centres)}, grid service positions: {len(grid_positions)}, "
        f"micro-sites: {len(micro_sites)}, rooms: {len(rooms)}, bookings: {bookings}\n"
    )


def _bookings(rng: random.Random, rooms: list, today: datetime.date) -> int:
    """A few bookings in the coming week for the demo community's rooms, inside opening hours."""
    head = User.objects.filter(username="demo-gridhead").first()
    staff = User.objects.filter(username="demo-community").first()
    if head is None or staff is None:
        return 0
    demo_rooms = [
        r
        for r in rooms
        if r.position.community_id == staff.community_id
        and (r.position.grid_id in (None, head.grid_id))
    ]
    titles = [
        ("branch_meeting", "网格党支部主题党日"),
        ("council_meeting", "党群议事会：小区停车整治"),
        ("activity", "光明虹志愿服务培训"),
        ("council_meeting", "居民议事会：加装电梯协商"),
        ("branch_meeting", "支部委员会会议"),
        ("activity", "长者智能手机课堂"),
    ]
    rows = []
    for room in demo_rooms:
        for offset in range(1, 7):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() == 6 or rng.random() < 0.4:
                continue
            purpose, title = rng.choice(titles)
            start_hour = rng.choice([9, 10, 14, 15, 16])
            start = local_datetime(day, T(start_hour))
            by = head if room.position.grid_id else staff
            rows.append(
                Booking(
                    room=room,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=1, minutes=30),
                    purpose=purpose,
                    title=title,
                    booked_by=by,
                    attendees_expected=rng.randint(6, min(room.capacity, 30)),
                )
            )
    Booking.objects.bulk_create(rows)
    return len(rows)
