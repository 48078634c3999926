"""Demo data for household pairing: ~3,000 households over the 103 grids, ~900 residents with care
tags, pairings for most of them (a few unpaired in 光明社区第一网格 for demo-gridhead's to-do list),
visits over the last months with some overdue, service projects and referrals.

Everything is synthetic (demo.people). Written with bulk_create; phone and ID numbers are
encrypted one by one by the field, as in production.
"""

import datetime
import json
import random

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from shapely import contains_xy, prepare
from shapely.geometry import shape

from accounts.models import Role, User
from care.models import (
    CareTag,
    Household,
    HouseholdNeed,
    Pairing,
    Referral,
    Resident,
    ResidentTag,
    ServiceProject,
    Visit,
)
from demo.people import birth_date, chinese_name, id_number, mobile_number
from grids.models import AreaGrid
from privacy.crypto import blind_index, text_index

HOUSEHOLDS_PER_GRID = (24, 34)
TAGGED_SHARE = 0.31  # households with a vulnerable resident (~900 tagged residents)
TAG_WEIGHTS = {
    "elderly_alone": 40,
    "disability": 22,
    "mental_disorder": 8,
    "left_behind_child": 10,
    "low_income": 16,
    "other": 4,
}
DETAILS = {
    "disability": ["肢体残疾二级", "视力残疾一级", "听力残疾三级", "智力残疾二级", "肢体残疾四级"],
    "mental_disorder": ["风险等级0级", "风险等级1级", "风险等级2级"],
    "other": ["独居且行动不便", "家庭成员长期住院"],
}
ROADS = [
    "光明大道",
    "华夏路",
    "河心路",
    "光侨路",
    "公园路",
    "观光路",
    "牛山路",
    "东周路",
    "碧眼路",
    "翠湖路",
    "白花路",
    "将围路",
    "塘家路",
    "红星路",
]
CONDITIONS = [
    "身体状况稳定，精神状态良好",
    "血压偏高，已提醒按时服药",
    "家中整洁，生活能自理",
    "近期睡眠不好，已联系社区医生",
    "情绪平稳，按时服药",
    "腿脚不便，需要有人陪同就医",
]
NEEDS = [
    "希望安装卫生间扶手",
    "需要助餐服务",
    "楼道灯坏了，夜间出行不便",
    "申请临时救助",
    "希望有人陪同就医",
    "家中燃气管老化需要检查",
    "需要代办残疾证年审",
]
PROJECTS = [
    ("长者助餐服务", "光明区社会工作服务中心", ["elderly_alone", "low_income"], 60),
    ("居家养老上门服务", "光明长者关爱协会", ["elderly_alone", "disability"], 40),
    ("康复训练陪护", "光明区残疾人康复服务中心", ["disability"], 25),
    ("心理健康支持小组", "光明心晴社工服务社", ["mental_disorder"], 20),
    ("四点半课堂", "光明青少年服务中心", ["left_behind_child"], 50),
    ("困难家庭帮扶", "光明慈善会", ["low_income", "other"], 30),
]


def _points_in(grid, count: int, rng: random.Random) -> list[tuple[float, float]]:
    polygon = shape(json.loads(grid.boundary.geojson))
    prepare(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    found: list[tuple[float, float]] = []
    while len(found) < count:
        xs = [rng.uniform(minx, maxx) for _ in range(count * 3)]
        ys = [rng.uniform(miny, maxy) for _ in range(count * 3)]
        inside = contains_xy(polygon, xs, ys)
        found.extend((x, y) for x, y, ok in zip(xs, ys, inside, strict=True) if ok)
    return found[:count]


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if Household.objects.exists():
        stdout.write("  care: households exist, kept as they are\n")
        return
    grids = list(AreaGrid.objects.current().select_related("community").order_by("code"))
    if not grids:
        stdout.write("  care: no grids, skipped\n")
        return
    with transaction.atomic():
        _load(rng, grids, stdout)


def _load(rng: random.Random, grids, stdout) -> None:
    today = timezone.localdate()
    tags = {t.code: t for t in CareTag.objects.all()}
    tag_codes = list(TAG_WEIGHTS)
    workers: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.GRID_WORKER, is_active=True).order_by("username"):
        workers.setdefault(user.grid_id, []).append(user)
    demo_grid = grids[0]
    demo_worker = User.objects.filter(username="demo-gridworker").first()
    demo_member = User.objects.filter(username="demo-member").first()
    if demo_worker is not None:  # demo-gridworker first, so most demo households are theirs
        workers[demo_grid.pk] = [demo_worker] + [
            w for w in workers.get(demo_grid.pk, []) if w.pk != demo_worker.pk
        ]

    households = []
    for grid in grids:
        count = rng.randint(*HOUSEHOLDS_PER_GRID)
        short = grid.community.name.removesuffix("社区")
        for lon, lat in _points_in(grid, count, rng):
            # The building (estate and block) is plain, for lists; the address with the door is
            # encrypted with its blind index, as care.services.household_register stores it.
            building = f"{short}{rng.choice(['新村', '花园', '小区', '村'])}{rng.randint(1, 30)}栋"
            address = (
                f"{rng.choice(ROADS)}{rng.randint(1, 399)}号{building}"
                f"{rng.randint(1, 18)}0{rng.randint(1, 6)}室"
            )
            households.append(
                Household(
                    grid=grid,
                    address=address,
                    address_index=text_index(address),
                    building=building,
                    location=Point(lon, lat, srid=4326),
                    registered_on=today - datetime.timedelta(days=rng.randint(120, 900)),
                )
            )
    Household.objects.bulk_create(households, batch_size=1000)

    residents, resident_tags, tagged_households = [], [], []
    for household in households:
        vulnerable = rng.random() < TAGGED_SHARE or (
            household.grid_id == demo_grid.pk and rng.random() < 0.6
        )
        size = rng.choice([1, 1, 2, 2, 3]) if not vulnerable else rng.choice([1, 1, 1, 2])
        members = []
        for index in range(size):
            tag_code = (
                rng.choices(tag_codes, weights=list(TAG_WEIGHTS.values()))[0]
                if vulnerable and index == 0
                else None
            )
            if tag_code == "elderly_alone":
                born = birth_date(rng, min_age=70, max_age=95, today=today)
            elif tag_code == "left_behind_child":
                born = birth_date(rng, min_age=6, max_age=15, today=today)
            else:
                born = birth_date(rng, min_age=20, max_age=85, today=today)
            male = rng.random() < 0.5
            surname, given = chinese_name(rng)
            phone = mobile_number(rng) if tag_code != "left_behind_child" else ""
            number = id_number(rng, born=born, male=male)
            consent = rng.random() < 0.3
            resident = Resident(
                household=household,
                name=surname + given,
                gender="male" if male else "female",
                birth_date=born,
                phone=phone,
                phone_index=blind_index(phone) if phone else "",
                id_number=number,
                id_number_index=blind_index(number),
                legal_basis="consent" if consent else "statutory_duty",
                consent_date=household.registered_on if consent else None,
                consent_scope="走访关爱及转介服务" if consent else "",
            )
            members.append(resident)
            if tag_code:
                override = 14 if tag_code == "elderly_alone" and rng.random() < 0.1 else None
                resident_tags.append(
                    (resident, tags[tag_code], rng.choice(DETAILS.get(tag_code, [""])), override)
                )
        residents.extend(members)
        if vulnerable:
            tagged_households.append((household, members[0], resident_tags[-1][1]))
    Resident.objects.bulk_create(residents, batch_size=1000)
    ResidentTag.objects.bulk_create(
        [
            ResidentTag(
                resident=r,
                tag=t,
                details=d,
                frequency_days=o,
                since=today - datetime.timedelta(days=rng.randint(60, 700)),
            )
            for r, t, d, o in resident_tags
        ],
        batch_size=1000,
    )

    pairings, member_links, visits, pairing_starts = [], [], [], {}
    demo_unpaired = 0
    for household, _resident, tag in tagged_households:
        grid_workers = workers.get(household.grid_id) or []
        in_demo = household.grid_id == demo_grid.pk
        if (
            not grid_workers
            or (in_demo and demo_unpaired < 3)
            or (not in_demo and rng.random() < 0.04)
        ):
            demo_unpaired += in_demo
            continue
        worker = grid_workers[0] if in_demo and rng.random() < 0.75 else rng.choice(grid_workers)
        start = max(household.registered_on, today - datetime.timedelta(days=rng.randint(90, 400)))
        pairing = Pairing(household=household, worker=worker, start_date=start)
        pairings.append(pairing)
        pairing_starts[household.pk] = (start, worker, tag)
    Pairing.objects.bulk_create(pairings, batch_size=1000)
    if demo_member is not None:
        through = Pairing.members.through
        for pairing in pairings:
            if pairing.household.grid_id == demo_grid.pk:
                member_links.append(through(pairing_id=pairing.pk, user_id=demo_member.pk))
        through.objects.bulk_create(member_links)

    for household_pk, (start, worker, tag) in pairing_starts.items():
        frequency = tag.default_frequency_days
        overdue = rng.random() < 0.18
        day = max(start, today - datetime.timedelta(days=120))
        last_allowed = (
            today - datetime.timedelta(days=frequency + rng.randint(3, 20)) if overdue else today
        )
        while True:
            day = day + datetime.timedelta(days=max(1, frequency + rng.randint(-frequency // 4, 2)))
            if day > last_allowed:
                break
            visits.append(
                Visit(
                    household_id=household_pk,
                    visitor=worker,
                    visited_on=day,
                    mode="phone" if rng.random() < 0.25 else "in_person",
                    met=rng.choice(["本人", "本人及家属", "家属"]),
                    condition=rng.choice(CONDITIONS),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    needs = [
        HouseholdNeed(visit=v, description=rng.choice(NEEDS)) for v in visits if rng.random() < 0.06
    ]
    HouseholdNeed.objects.bulk_create(needs, batch_size=2000)

    projects = []
    for name, organisation, codes, capacity in PROJECTS:
        project = ServiceProject.objects.create(
            name=name,
            organisation=organisation,
            capacity=capacity,
            description=f"{organisation}承接的{name}项目",
            contact="0755-2" + str(rng.randint(1000000, 9999999)),
        )
        project.tags.set([tags[c] for c in codes])
        projects.append((project, set(codes)))
    referrer = User.objects.filter(username="demo-community").first() or demo_worker
    referrals = []
    if referrer is not None:
        used = {}
        for resident, tag, _details, _override in resident_tags:
            if rng.random() > 0.05:
                continue
            project = next((p for p, codes in projects if tag.code in codes), None)
            if project is None or used.get(project.pk, 0) >= project.capacity:
                continue
            status = rng.choice(["referred", "in_service", "in_service", "done"])
            referred_on = today - datetime.timedelta(days=rng.randint(5, 120))
            referrals.append(
                Referral(
                    resident=resident,
                    project=project,
                    status=status,
                    referred_on=referred_on,
                    closed_on=referred_on + datetime.timedelta(days=30)
                    if status == "done"
                    else None,
                    referred_by=referrer,
                )
            )
            used[project.pk] = used.get(project.pk, 0) + 1
        Referral.objects.bulk_create(referrals)
    stdout.write(
        f"  care: {len(households)} households, {len(residents)} residents "
        f"({len(resident_tags)} with care tags), {len(pairings)} pairings, "
        f"{len(visits)} visits, {len(needs)} needs, {len(referrals)} referrals\n"
    )
