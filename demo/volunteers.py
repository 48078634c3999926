"""Guangming demo of the "Guangming Rainbow" volunteer action: registrations reproducing the
district's 94.4 % registration rate (12,008 of 12,720 members), 473 volunteer teams, the needs
list, a few hundred certified activities with hours, upcoming activities to sign up for, and
demo-member's own history (a star volunteer with certified hours and an upcoming sign-up)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from core.periods import local_datetime
from grids.models import AreaGrid, Community
from party_branches.models import PartyBranch, PartyMember
from volunteers.hours import hours_between
from volunteers.models import Activity, ActivityCategory, NeedsListItem, Registration, SignUp, Team

REGISTERED_SHARE = 12_008 / 12_720  # 94.4 %
TEAM_COUNT = 473
PAST_ACTIVITIES = 420
UPCOMING_ACTIVITIES = 60
TITLES = {
    "hazard_inspection": ["城中村消防隐患排查", "出租屋安全检查", "电动自行车充电隐患排查"],
    "science_talk": ["防诈骗科普讲座", "健康知识进社区", "垃圾分类科普宣讲"],
    "civility_drive": ["文明交通劝导", "创文志愿服务", "楼道清洁美化"],
    "epidemic_duty": ["疫苗接种点值守", "流感防控宣传值守"],
    "elderly_care": ["独居老人探访", "长者饭堂助餐", "为老人理发义剪"],
    "business_support": ["助企政策宣讲", "企业安全生产帮扶"],
    "environment": ["茅洲河巡河护河", "公园环境清洁", "光明小镇植树"],
    "request_handling": ["居民诉求收集", "网格民情走访"],
    "other": ["党员先锋岗服务", "社区便民服务日"],
}
TEAM_KINDS = [
    "红色先锋志愿服务队",
    "光明虹志愿服务队",
    "红姐志愿服务队",
    "红管家志愿服务队",
    "平安巡逻队",
    "关爱长者服务队",
    "环保志愿服务队",
    "助企服务队",
]
WISHES = [
    ("small_wish", "为独居老人更换门锁", "李阿婆"),
    ("small_wish", "帮助残疾人家庭申请轮椅", "陈叔"),
    ("small_wish", "辅导留守儿童功课", "张同学家庭"),
    ("small_wish", "陪同老人就医复诊", "王伯"),
    ("service", "免费法律咨询", ""),
    ("service", "家电义务维修", ""),
    ("service", "中医义诊", ""),
    ("service", "心理疏导服务", ""),
]
SKILLS = ["", "", "急救", "法律咨询", "心理疏导", "电工维修", "摄影", "英语", "驾驶", "中医推拿"]


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if Registration.objects.exists():
        stdout.write("  volunteer registrations exist, kept as they are\n")
        return
    if not PartyMember.objects.exists():
        stdout.write("  no Party members: load the party_branches demo first\n")
        return
    with transaction.atomic():
        _load(rng, stdout)


def _load(rng, stdout):
    today = timezone.localdate()
    now = timezone.now()
    members = list(
        PartyMember.objects.filter(must_register=True)
        .values("id", "community_id", "branch__grid_id", "user_id")
        .order_by("id")
    )
    grid_of_community = {}
    for grid_id, community_id in AreaGrid.objects.current().values_list("id", "community_id"):
        grid_of_community.setdefault(community_id, grid_id)
    demo = next(
        (
            m
            for m in members
            if m["user_id"]
            and PartyMember.objects.filter(pk=m["id"], user__username="demo-member").exists()
        ),
        None,
    )
    registered_count = round(len(members) * REGISTERED_SHARE)
    order = [m for m in members if m is not demo]
    rng.shuffle(order)
    if demo is not None:
        order.insert(0, demo)
    registrations = []
    registered_by_community: dict[int, list[int]] = {}
    for index, member in enumerate(order):
        grid_id = member["branch__grid_id"] or grid_of_community[member["community_id"]]
        registration = Registration(
            member_id=member["id"],
            community_id=member["community_id"],
            grid_id=grid_id,
            skills=rng.choice(SKILLS),
            submitted_at=now - datetime.timedelta(days=400),
        )
        if index < registered_count:
            registration.status = Registration.Status.APPROVED
            registration.confirmed_on = today - datetime.timedelta(days=rng.randint(1, 170))
            registration.decided_at = now - datetime.timedelta(days=390)
            registered_by_community.setdefault(member["community_id"], []).append(member["id"])
        else:
            fate = rng.random()
            if fate < 0.35:
                continue  # never registered
            if fate < 0.6:
                registration.status = Registration.Status.SUBMITTED
                registration.submitted_at = now - datetime.timedelta(days=rng.randint(1, 20))
            elif fate < 0.9:  # approved once, not re-confirmed in time: expired
                registration.status = Registration.Status.APPROVED
                registration.confirmed_on = today - datetime.timedelta(days=rng.randint(190, 400))
            else:
                registration.status = Registration.Status.RETURNED
                registration.return_reason = "所选网格与居住地址不符，请重新选择居住地所在网格。"
        registrations.append(registration)
    Registration.objects.bulk_create(registrations, batch_size=4000)
    stdout.write(
        f"  registrations: {len(registrations)} ({registered_count} current of "
        f"{len(members)} expected)\n"
    )
    _teams(rng, registered_by_community)
    _needs(rng, registered_by_community, now)
    _activities(rng, registered_by_community, now, demo, stdout)


def _teams(rng, registered_by_community):
    communities = list(Community.objects.current().order_by("code"))
    grids = {}
    for grid in AreaGrid.objects.current().order_by("code"):
        grids.setdefault(grid.community_id, []).append(grid)
    teams = []
    for n in range(TEAM_COUNT):
        community = communities[n % len(communities)]
        grid = rng.choice(grids[community.pk]) if rng.random() < 0.5 else None
        pool = registered_by_community.get(community.pk, [])
        name = f"{(grid or community).name}{TEAM_KINDS[n // len(communities) % len(TEAM_KINDS)]}"
        if any(t.name == name for t in teams):
            name += f"第{n // len(communities) + 1}分队"
        teams.append(
            Team(
                name=name,
                community=community,
                grid=grid,
                leader_id=rng.choice(pool) if pool else None,
            )
        )
    Team.objects.bulk_create(teams)
    through = Team.members.through
    links = []
    for team in Team.objects.all():
        pool = registered_by_community.get(team.community_id, [])
        chosen = set(rng.sample(pool, min(len(pool), rng.randint(8, 24))))
        if team.leader_id:
            chosen.add(team.leader_id)
        links.extend(through(team_id=team.pk, partymember_id=m) for m in chosen)
    through.objects.bulk_create(links, batch_size=5000)


def _needs(rng, registered_by_community, now):
    needs = []
    for community in Community.objects.current().order_by("code"):
        pool = registered_by_community.get(community.pk, [])
        for kind, title, requester in rng.sample(WISHES, 5):
            status = rng.choice(
                [
                    NeedsListItem.Status.OPEN,
                    NeedsListItem.Status.OPEN,
                    NeedsListItem.Status.TAKEN,
                    NeedsListItem.Status.DONE,
                ]
            )
            need = NeedsListItem(
                community=community,
                kind=kind,
                title=title,
                requester=requester,
                description="由社区党委发布，欢迎党员认领。",
                status=status,
                created_at=now - datetime.timedelta(days=rng.randint(1, 60)),
            )
            if status != NeedsListItem.Status.OPEN:
                need.taken_by_id = rng.choice(pool)
                need.taken_at = need.created_at + datetime.timedelta(days=1)
            if status == NeedsListItem.Status.DONE:
                need.done_at = need.taken_at + datetime.timedelta(days=3)
                need.done_note = "已完成，居民表示满意。"
            needs.append(need)
    NeedsListItem.objects.bulk_create(needs)


def _activities(rng, registered_by_community, now, demo, stdout):
    today = timezone.localdate(now)
    categories = {c.code: c for c in ActivityCategory.objects.filter(active=True)}
    communities = list(Community.objects.current().order_by("code"))
    branches = {}
    for branch in PartyBranch.objects.filter(kind=PartyBranch.Kind.GRID).select_related("grid"):
        branches.setdefault(branch.grid.community_id, []).append(branch)
    try:
        from service_points.models import ServicePosition

        places = {}
        for position in ServicePosition.objects.order_by("pk"):
            places.setdefault(position.community_id, []).append(position)
    except Exception:  # noqa: BLE001 - service positions are optional for this demo
        places = {}
    demo_community = None
    if demo is not None:
        demo_community = demo["community_id"]
    activities = []

    def make(community_id, starts_at, hours, status):
        code = rng.choice([c for c in TITLES if c in categories])
        branch = rng.choice(branches[community_id]) if rng.random() < 0.6 else None
        place = rng.choice(places[community_id]) if places.get(community_id) else None
        activities.append(
            Activity(
                title=rng.choice(TITLES[code]),
                category=categories[code],
                community_id=community_id,
                organiser_branch=branch,
                grid_id=branch.grid_id if branch else None,
                place=place,
                address="" if place else "社区党群服务中心",
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                capacity=rng.randint(10, 30),
                required_skills=rng.choice(SKILLS),
                status=status,
                description="请提前十分钟到达，佩戴党员徽章。",
                certified_at=starts_at + datetime.timedelta(hours=hours + 20)
                if status == Activity.Status.CERTIFIED
                else None,
            )
        )

    for n in range(PAST_ACTIVITIES):
        community = demo_community if (demo_community and n < 36) else rng.choice(communities).pk
        # Activities start at 09:00, 14:00 or 19:00 in the district's time, not in UTC.
        start = local_datetime(
            today - datetime.timedelta(days=rng.randint(3, 180)),
            datetime.time(rng.choice([9, 14, 19])),
        )
        make(community, start, rng.choice([2, 3, 4]), Activity.Status.CERTIFIED)
    for n in range(UPCOMING_ACTIVITIES):
        community = demo_community if (demo_community and n < 8) else rng.choice(communities).pk
        start = local_datetime(
            today + datetime.timedelta(days=rng.randint(1, 30)),
            datetime.time(rng.choice([9, 14, 19])),
        )
        make(community, start, rng.choice([2, 3]), Activity.Status.OPEN)
    Activity.objects.bulk_create(activities)

    signups = []
    demo_upcoming = 0
    for activity in Activity.objects.all().order_by("starts_at"):
        pool = registered_by_community.get(activity.community_id, [])
        past = activity.status == Activity.Status.CERTIFIED
        wanted = min(len(pool), rng.randint(activity.capacity // 2, activity.capacity - 1))
        chosen = rng.sample(pool, wanted)
        if demo is not None and activity.community_id == demo_community:
            if demo["id"] in chosen:
                chosen.remove(demo["id"])
            if past or demo_upcoming == 0:
                chosen = [demo["id"], *chosen][: activity.capacity - 1]
                demo_upcoming += 0 if past else 1
        for member_id in chosen:
            signup = SignUp(
                activity=activity,
                member_id=member_id,
                created_at=activity.starts_at - datetime.timedelta(days=2),
            )
            if past:
                signup.checked_in_at = activity.starts_at + datetime.timedelta(
                    minutes=rng.randint(-10, 20)
                )
                signup.checked_out_at = activity.ends_at + datetime.timedelta(
                    minutes=rng.randint(-40, 30)
                )
                signup.check_method = rng.choice(["qr", "qr", "staff"])
                signup.hours = hours_between(signup.checked_in_at, signup.checked_out_at)
                signup.certified_at = activity.certified_at
            signups.append(signup)
    SignUp.objects.bulk_create(signups, batch_size=5000)
    stdout.write(
        f"  teams: {TEAM_COUNT}, activities: {len(activities)}, sign-ups: {len(signups)}\n"
    )
