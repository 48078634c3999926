"""Guangming demo: Party committees, 103 grid Party branches (+ sub-grid branches), ~12,700 Party
members, committees with compliant secretaries and a handful of deliberate violations for the
compliance list, and a year of branch and council meetings with attendance.

Each grid head gets a member record (linked to their login) and is the secretary of their grid's
branch, which is what the secretary rule asks. Violations are written directly, as data that
"fell out of compliance" (the write paths would refuse them).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.people import birth_date, chinese_name, id_number, mobile_number
from grids.models import AreaGrid, Community, GridAssignment, Street, SubGrid
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    CommunityCommittee,
    CommunityCommitteeMember,
    Meeting,
    MeetingAttendance,
    PartyBranch,
    PartyMember,
    StreetCommittee,
)
from privacy.crypto import blind_index

MEMBER_COUNT = 12_720  # 12,008 of them registered in the volunteers demo: 94.4 %
KIND_WEIGHTS = [
    (PartyMember.Kind.REGISTERED, 55),
    (PartyMember.Kind.RESIDENT, 30),
    (PartyMember.Kind.GRID_WORKER, 5),
    (PartyMember.Kind.MOBILE, 10),
]
WORKPLACES = {
    PartyMember.WorkplaceKind.GOVERNMENT: [
        "光明区委组织部",
        "光明区住房和建设局",
        "光明区城市管理和综合执法局",
        "光明区教育局",
        "光明区卫生健康局",
        "光明区应急管理局",
        "光明区民政局",
        "光明区司法局",
    ],
    PartyMember.WorkplaceKind.PUBLIC_INSTITUTION: [
        "光明区人民医院",
        "光明区中心医院",
        "光明区实验学校",
        "光明中学",
        "光明区图书馆",
        "光明区疾病预防控制中心",
    ],
    PartyMember.WorkplaceKind.COMPANY: [
        "深圳光明科技有限公司",
        "华强光明电子有限公司",
        "光明城市更新集团",
        "光明水务有限公司",
        "光明新能源科技有限公司",
        "深圳市光明物业管理有限公司",
    ],
    PartyMember.WorkplaceKind.SOCIAL_ORGANISATION: [
        "光明区社工服务中心",
        "光明区志愿者联合会",
        "光明区慈善会",
    ],
}
AGENDAS = {
    Meeting.Kind.BRANCH: [
        "学习贯彻党的二十大精神",
        "“三会一课”专题党课",
        "组织生活会暨民主评议党员",
        "发展党员和预备党员转正讨论",
        "网格隐患排查工作部署",
    ],
    Meeting.Kind.COUNCIL: [
        "老旧小区加装电梯议事",
        "城中村消防通道整治议事",
        "小区停车秩序协商",
        "垃圾分类投放点设置议事",
        "社区长者饭堂运营议事",
    ],
}
# Branch indexes (in grid-code order) of the deliberate violations; index 0 is the demo grid.
VIOLATIONS = {
    11: "probationary",
    27: "short_standing",
    43: "term_ended",
    61: "head_changed",
    84: "no_secretary",
}


def _unique_id(rng, seen, *, born, male):
    while True:
        value = id_number(rng, born=born, male=male)
        if value not in seen:
            seen.add(value)
            return value


def _member(rng, seen, *, community, branch, today, kind=None, full=True, user=None, name=None):
    male = rng.random() < 0.55
    born = birth_date(rng, min_age=24, max_age=78, today=today)
    joined = born + datetime.timedelta(
        days=rng.randint(19 * 365, max(19 * 365 + 1, (today - born).days - 200))
    )
    joined = min(joined, today - datetime.timedelta(days=200))
    full_on = joined + datetime.timedelta(days=365)
    if not full or full_on > today:
        full_on = None
    kind = kind or rng.choices([k for k, _w in KIND_WEIGHTS], [w for _k, w in KIND_WEIGHTS])[0]
    if kind == PartyMember.Kind.REGISTERED:
        workplace_kind = rng.choices(list(WORKPLACES), [40, 30, 25, 5])[0]
        workplace = rng.choice(WORKPLACES[workplace_kind])
    elif kind == PartyMember.Kind.GRID_WORKER:
        workplace_kind, workplace = PartyMember.WorkplaceKind.GOVERNMENT, f"{community.name}工作站"
    else:
        workplace_kind, workplace = PartyMember.WorkplaceKind.NONE, ""
    number = _unique_id(rng, seen, born=born, male=male)
    if name is None:
        surname, given = chinese_name(rng)
        name = surname + given
    return PartyMember(
        name=name,
        gender="male" if male else "female",
        birth_date=born,
        phone=mobile_number(rng),
        id_number=number,
        id_number_index=blind_index(number),
        joined_on=joined,
        full_member_on=full_on,
        workplace=workplace,
        workplace_kind=workplace_kind,
        kind=kind,
        community=community,
        branch=branch,
        user=user,
    )


def load_demo(*, rng: random.Random, seed: int, stdout) -> None:
    if PartyBranch.objects.exists():
        stdout.write("  party branches exist, kept as they are\n")
        return
    if not AreaGrid.objects.current().exists():
        stdout.write("  no grids: load the grids demo first\n")
        return
    with transaction.atomic():
        _load(rng, stdout)


def _load(rng, stdout):
    today = timezone.localdate()
    streets = list(Street.objects.current().order_by("code"))
    StreetCommittee.objects.bulk_create(
        [StreetCommittee(street=s, name=f"中共深圳市光明区{s.name}工作委员会") for s in streets]
    )
    street_committees = {c.street_id: c for c in StreetCommittee.objects.all()}
    communities = list(Community.objects.current().order_by("code"))
    CommunityCommittee.objects.bulk_create(
        [
            CommunityCommittee(
                community=c,
                street_committee=street_committees[c.street_id],
                name=f"中共深圳市光明区{c.name}委员会",
            )
            for c in communities
        ]
    )
    committees = {c.community_id: c for c in CommunityCommittee.objects.all()}
    grids = list(AreaGrid.objects.current().select_related("community").order_by("code"))
    PartyBranch.objects.bulk_create(
        [
            PartyBranch(
                name=f"{g.name}党支部",
                kind=PartyBranch.Kind.GRID,
                grid=g,
                community_committee=committees[g.community_id],
                founded_on=datetime.date(2019, 7, 1),
            )
            for g in grids
        ]
    )
    branches = {b.grid_id: b for b in PartyBranch.objects.filter(kind=PartyBranch.Kind.GRID)}
    subgrids = list(SubGrid.objects.current().select_related("grid").order_by("code"))
    PartyBranch.objects.bulk_create(
        [
            PartyBranch(
                name=f"{s.name}党支部",
                kind=PartyBranch.Kind.SUBGRID,
                grid=s.grid,
                subgrid=s,
                parent=branches[s.grid_id],
                community_committee=committees[s.grid.community_id],
                founded_on=datetime.date(2021, 7, 1),
            )
            for s in subgrids
        ]
    )
    sub_branches = list(PartyBranch.objects.filter(kind=PartyBranch.Kind.SUBGRID))

    seen: set[str] = set()
    heads = dict(
        GridAssignment.objects.in_force()
        .filter(role=GridAssignment.Role.GRID_HEAD)
        .values_list("grid_id", "user_id")
    )
    head_users = User.objects.in_bulk(list(heads.values()))
    members = []
    head_members = {}
    for grid in grids:
        user = head_users.get(heads.get(grid.pk))
        if user is None:
            continue
        member = _member(
            rng,
            seen,
            community=grid.community,
            branch=branches[grid.pk],
            today=today,
            kind=PartyMember.Kind.GRID_WORKER,
            user=user,
            name=f"{user.last_name}{user.first_name}",
        )
        member.full_member_on = min(
            member.full_member_on or today, today - datetime.timedelta(days=3 * 365)
        )
        member.joined_on = min(
            member.joined_on, member.full_member_on - datetime.timedelta(days=365)
        )
        head_members[grid.pk] = member
        members.append(member)
    demo_member_user = User.objects.filter(username="demo-member").first()
    grids_by_community = {}
    for grid in grids:
        grids_by_community.setdefault(grid.community_id, []).append(grid)
    weights = [max(g.population, 1) for g in grids]
    while len(members) < MEMBER_COUNT:
        grid = rng.choices(grids, weights)[0]
        full = rng.random() > 0.03
        members.append(
            _member(
                rng,
                seen,
                community=grid.community,
                branch=branches[grid.pk],
                today=today,
                full=full,
            )
        )
    if demo_member_user is not None and demo_member_user.grid_id in branches:
        demo = members[-1]
        demo.user = demo_member_user
        demo.name = f"{demo_member_user.last_name}{demo_member_user.first_name}"
        demo.branch = branches[demo_member_user.grid_id]
        demo.community = demo.branch.grid.community
        demo.kind = PartyMember.Kind.REGISTERED
        demo.workplace_kind = PartyMember.WorkplaceKind.GOVERNMENT
        demo.workplace = "光明区住房和建设局"
        demo.full_member_on = demo.full_member_on or today - datetime.timedelta(days=800)
    PartyMember.objects.bulk_create(members, batch_size=2000)
    stdout.write(f"  party members: {len(members)}\n")

    # Community Party committees: five seats each, from long-standing full members.
    by_community: dict[int, list[PartyMember]] = {}
    for member in members:
        if (
            member.user_id is None
            and member.full_member_on
            and member.full_member_on < today - datetime.timedelta(days=3 * 365)
        ):
            by_community.setdefault(member.community_id, []).append(member)
    seats = []
    committee_members: dict[int, list[PartyMember]] = {}
    for community in communities:
        chosen = rng.sample(by_community[community.pk], 5)
        committee_members[community.pk] = chosen
        for index, member in enumerate(chosen):
            position = (
                (CommitteePosition.SECRETARY, CommitteePosition.DEPUTY_SECRETARY)[index]
                if index < 2
                else CommitteePosition.MEMBER
            )
            seats.append(
                CommunityCommitteeMember(
                    committee=committees[community.pk],
                    member=member,
                    position=position,
                    start_date=today.replace(year=today.year - 3, day=1),
                    end_date=today.replace(year=today.year + 2, day=1),
                )
            )
    CommunityCommitteeMember.objects.bulk_create(seats)

    # Branch committees.
    branch_members: dict[int, list[PartyMember]] = {}
    for member in members:
        if member.branch_id:
            branch_members.setdefault(member.branch_id, []).append(member)
    term_start = today.replace(year=today.year - 2, day=1)
    term_end = today.replace(year=today.year + 3, day=1)
    sources = [
        BranchCommitteeMember.Source.SENT_DOWN,
        BranchCommitteeMember.Source.GRID_WORKER,
        BranchCommitteeMember.Source.PROPERTY_MANAGEMENT,
        BranchCommitteeMember.Source.SOCIAL_ORGANISATION,
        BranchCommitteeMember.Source.RESIDENT,
    ]
    seats = []
    for index, grid in enumerate(grids):
        branch = branches[grid.pk]
        violation = VIOLATIONS.get(index)
        pool = [m for m in branch_members.get(branch.pk, []) if m.user_id is None]
        secretary = head_members.get(grid.pk)
        start, end = term_start, term_end
        if violation == "probationary":
            secretary = next((m for m in pool if not m.full_member_on), pool[0])
            secretary.full_member_on = None
            PartyMember.objects.filter(pk=secretary.pk).update(full_member_on=None)
        elif violation == "short_standing":
            secretary = pool[1]
            secretary.full_member_on = today - datetime.timedelta(days=200)
            PartyMember.objects.filter(pk=secretary.pk).update(
                joined_on=today - datetime.timedelta(days=600),
                full_member_on=secretary.full_member_on,
            )
        elif violation == "term_ended":
            end = today - datetime.timedelta(days=45)
            start = today.replace(year=today.year - 5, day=1)
        elif violation == "head_changed":
            secretary = pool[2]  # was grid head until the last reshuffle; is not any more
        if violation != "no_secretary" and secretary is not None:
            seats.append(
                BranchCommitteeMember(
                    branch=branch,
                    member=secretary,
                    position=CommitteePosition.SECRETARY,
                    source=BranchCommitteeMember.Source.GRID_WORKER,
                    start_date=start,
                    end_date=end,
                )
            )
        others = rng.sample(pool[3:], min(3, len(pool) - 3))
        for n, member in enumerate(others):
            seats.append(
                BranchCommitteeMember(
                    branch=branch,
                    member=member,
                    position=CommitteePosition.DEPUTY_SECRETARY
                    if n == 0
                    else CommitteePosition.MEMBER,
                    source=rng.choice(sources),
                    start_date=term_start,
                    end_date=term_end,
                )
            )
    for branch in sub_branches:
        seats.append(
            BranchCommitteeMember(
                branch=branch,
                member=rng.choice(committee_members[branch.grid.community_id]),
                position=CommitteePosition.SECRETARY,
                source=BranchCommitteeMember.Source.SENT_DOWN,
                start_date=term_start,
                end_date=term_end,
            )
        )
    BranchCommitteeMember.objects.bulk_create(seats)
    stdout.write(
        f"  branches: {len(branches)} grid + {len(sub_branches)} sub-grid, "
        f"committee seats: {len(seats)}, deliberate violations: {len(VIOLATIONS)}\n"
    )
    _meetings(rng, today, grids, branches, branch_members)


def _meetings(rng, today, grids, branches, branch_members):
    try:
        from service_points.models import ServicePosition

        places = {}
        for position in ServicePosition.objects.filter(grid__isnull=False).order_by("pk"):
            places.setdefault(position.grid_id, position)
    except Exception:  # noqa: BLE001 - service positions are optional for this demo
        places = {}
    meetings = []
    for grid in grids:
        for n in range(3):
            kind = Meeting.Kind.COUNCIL if n == 2 else Meeting.Kind.BRANCH
            place = places.get(grid.pk)
            meetings.append(
                Meeting(
                    branch=branches[grid.pk],
                    kind=kind,
                    held_on=today - datetime.timedelta(days=rng.randint(5, 360)),
                    place=place,
                    place_name="" if place else f"{grid.name}党群服务站",
                    agenda=rng.choice(AGENDAS[kind]),
                    minutes="会议由支部书记主持，与会人员围绕议题充分讨论，形成一致意见并明确责任分工。",
                )
            )
    Meeting.objects.bulk_create(meetings)
    rows = []
    for meeting in Meeting.objects.all().only("id", "branch_id", "kind"):
        rate = rng.uniform(0.7, 0.95)
        for member in branch_members.get(meeting.branch_id, []):
            rows.append(
                MeetingAttendance(
                    meeting_id=meeting.pk, member_id=member.pk, present=rng.random() < rate
                )
            )
        if meeting.kind == Meeting.Kind.COUNCIL:
            rows.append(
                MeetingAttendance(
                    meeting_id=meeting.pk,
                    guest_name="物业公司代表",
                    guest_affiliation="小区物业服务中心",
                )
            )
    MeetingAttendance.objects.bulk_create(rows, batch_size=5000)
