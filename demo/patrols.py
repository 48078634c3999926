"""Demo data for grid patrols: a plan for every key place, patrols with check-ins and findings
over the last three weeks (some places left unvisited so the coverage page has work to show)."""

import datetime
import math
import random

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.periods import local_datetime
from grids.models import KeyPlace
from patrols.geo import distance_m
from patrols.models import CheckIn, Finding, Patrol, PatrolPlan

FREQUENCY = {
    "building_site": 3,
    "residential_estate": 7,
    "industrial_park": 7,
    "market": 7,
    "school": 14,
    "other": 14,
}
FINDINGS = {
    "hazard": ["井盖松动，存在安全隐患", "围挡倾斜，可能倒塌", "护栏缺失"],
    "illegal_structure": ["楼顶新搭建彩钢棚", "占用公共通道搭建雨棚"],
    "rubbish": ["路边堆放建筑垃圾", "垃圾桶满溢未清运", "绿化带内有生活垃圾"],
    "fire_risk": ["楼道内电动车充电", "消防通道被杂物堵塞", "灭火器过期"],
    "other": ["路灯不亮", "共享单车乱停放"],
}
HANDLED = ["已现场督促整改", "已联系物业清理", "已当场清理完毕", "已劝导移走"]


def _near(point, rng: random.Random, metres: float) -> Point:
    angle = rng.uniform(0, 2 * math.pi)
    distance = rng.uniform(0, metres)
    dlat = distance * math.cos(angle) / 111_320
    dlon = distance * math.sin(angle) / (111_320 * math.cos(math.radians(point.y)))
    return Point(point.x + dlon, point.y + dlat, srid=4326)


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if PatrolPlan.objects.exists():
        stdout.write("  patrols: plans exist, kept as they are\n")
        return
    with transaction.atomic():
        _load(rng, stdout)


def _load(rng: random.Random, stdout) -> None:
    today = timezone.localdate()
    places = list(KeyPlace.objects.select_related("grid").order_by("grid__code", "id"))
    plans = [
        PatrolPlan(grid_id=p.grid_id, key_place=p, frequency_days=FREQUENCY.get(p.kind, 7))
        for p in places
    ]
    PatrolPlan.objects.bulk_create(plans, batch_size=1000)
    by_grid: dict[int, list[KeyPlace]] = {}
    for place in places:
        by_grid.setdefault(place.grid_id, []).append(place)
    workers: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.GRID_WORKER, is_active=True).order_by("username"):
        workers.setdefault(user.grid_id, []).append(user)
    demo_worker = User.objects.filter(username="demo-gridworker").first()

    patrols, visits = [], []
    for grid_id, grid_places in by_grid.items():
        staff = workers.get(grid_id)
        if not staff:
            continue
        # Some grids leave one place unvisited for a while: the coverage page shows it.
        skipped = grid_places[-1] if rng.random() < 0.35 else None
        for day in range(21, 0, -1):
            for worker in staff:
                busy = worker == demo_worker or rng.random() < 0.3
                if not busy or rng.random() < 0.45:
                    continue
                # Patrols start in working hours, 08:00–16:59 in the district's time.
                start = local_datetime(
                    today - datetime.timedelta(days=day),
                    datetime.time(rng.randint(8, 16), rng.randint(0, 59)),
                )
                patrol = Patrol(
                    grid_id=grid_id,
                    worker=worker,
                    started_at=start,
                    ended_at=start + datetime.timedelta(minutes=rng.randint(50, 150)),
                )
                stops = [
                    p
                    for p in rng.sample(grid_places, min(len(grid_places), rng.randint(1, 3)))
                    if p != skipped
                ]
                patrols.append(patrol)
                visits.append((patrol, stops))
    Patrol.objects.bulk_create(patrols, batch_size=1000)
    check_ins, findings = [], []
    for patrol, stops in visits:
        for index, place in enumerate(stops):
            at = patrol.started_at + datetime.timedelta(minutes=10 + 25 * index)
            position = _near(place.location, rng, 60)
            check_ins.append(
                CheckIn(
                    patrol=patrol,
                    key_place=place,
                    at=at,
                    position=position,
                    distance_m=round(distance_m(position, place.location), 1),
                )
            )
            if rng.random() < 0.12:
                kind = rng.choice(list(FINDINGS))
                handled = rng.random() < 0.6
                findings.append(
                    Finding(
                        patrol=patrol,
                        grid_id=patrol.grid_id,
                        key_place=place,
                        kind=kind,
                        description=rng.choice(FINDINGS[kind]),
                        position=position,
                        created_at=at,
                        outcome="self_handled" if handled else "open",
                        handled_note=rng.choice(HANDLED) if handled else "",
                    )
                )
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    Finding.objects.bulk_create(findings, batch_size=2000)
    stdout.write(
        f"  patrols: {len(plans)} plan entries, {len(patrols)} patrols, "
        f"{len(check_ins)} check-ins, {len(findings)} findings\n"
    )
