import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers import services
from volunteers.models import Activity, NeedsListItem, Team
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


def _served(world, n=6):
    """n registered members of A1 with certified hours on one past activity."""
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    activity = ActivityFactory(
        community=world.communities["A1"], organiser_branch=branch, grid=world.grids["A1a"]
    )
    team = Team.objects.create(name="A1红色先锋志愿服务队", community=world.communities["A1"])
    members = []
    for i in range(n):
        member = PartyMemberFactory(branch=branch, name=f"志愿者{i}")
        RegistrationFactory(member=member, grid=world.grids["A1a"])
        signup = services.signup_create(activity=activity, member=member)
        services.signup_check(signup=signup, method="staff", now=activity.starts_at)
        services.signup_check(
            signup=signup,
            method="staff",
            now=activity.starts_at + datetime.timedelta(minutes=60 + 20 * i),
        )
        team.members.add(member)
        members.append(member)
    services.activity_certify(
        activity=activity,
        by=world.users.community_staff,
        now=activity.ends_at + datetime.timedelta(hours=1),
    )
    return activity, team, members


def test_rankings_per_team_branch_community_street_and_export(
    world, client, django_assert_max_num_queries
):
    _served(world)
    client.force_login(world.users.street_staff)
    for by in ("team", "branch", "community", "street", "member"):
        with django_assert_max_num_queries(15):
            response = client.get(reverse("volunteers:stats"), {"by": by})
        ranking = response.context["ranking"]
        assert len(ranking) == (6 if by == "member" else 1)
    # 60, 80, 100, 120, 140, 160 minutes -> 1 + 1.5 + 1.5 + 2 + 2.5 + 2.5 = 11 hours
    response = client.get(reverse("volunteers:stats"), {"by": "team"})
    assert float(response.context["ranking"][0]["hours"]) == 11.0
    export = client.post(reverse("volunteers:stats"), {"by": "street"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[2]][1:3] == ["A街道", 11.0]
    client.force_login(world.users.other_street_staff)  # street B sees nothing of street A
    for by in ("team", "street", "member"):
        assert client.get(reverse("volunteers:stats"), {"by": by}).context["ranking"] == []


def test_staff_publish_activity_roster_and_certify(world, client):
    activity, _team, _members = _served(world, n=2)
    client.force_login(world.users.community_staff)
    start = (timezone.localtime() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("volunteers:activities"),
        {
            "title": "茅洲河巡河护河",
            "category": activity.category.pk,
            "community": world.communities["A1"].pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 20,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    created = Activity.objects.get(title="茅洲河巡河护河")
    page = client.get(reverse("volunteers:activity", args=[created.pk]))
    assert page.status_code == 200 and "qr.svg" in page.content.decode()
    # a grid from another community is refused with a message, nothing saved
    response = client.post(
        reverse("volunteers:activities"),
        {
            "title": "错误活动",
            "category": activity.category.pk,
            "community": world.communities["A1"].pk,
            "grid": world.grids["A2a"].pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 20,
        },
    )
    assert response.status_code == 200 and not Activity.objects.filter(title="错误活动").exists()
    assert client.get(reverse("volunteers:activity", args=[created.pk])).status_code == 200
    client.force_login(world.users.other_street_staff)
    assert client.get(reverse("volunteers:activity", args=[created.pk])).status_code == 404


def test_needs_list_published_taken_up_and_done(world, registered, member, client):
    client.force_login(world.users.community_staff)
    client.post(
        reverse("volunteers:needs"),
        {
            "kind": "small_wish",
            "title": "为独居老人更换灯泡",
            "community": world.communities["A1"].pk,
            "requester": "李阿婆",
        },
    )
    need = NeedsListItem.objects.get()
    client.force_login(world.users.party_member)
    assert "为独居老人更换灯泡" in client.get(reverse("volunteers:mine")).content.decode()
    client.post(reverse("volunteers:take_need", args=[need.pk]))
    need.refresh_from_db()
    assert need.status == NeedsListItem.Status.TAKEN and need.taken_by == member
    client.force_login(world.users.community_staff)
    client.post(reverse("volunteers:needs"), {"done": need.pk, "note": "已更换"})
    need.refresh_from_db()
    assert need.status == NeedsListItem.Status.DONE and need.done_note == "已更换"


def test_staff_home_shows_rate_and_list_pages_have_bounded_queries(
    world, client, django_assert_max_num_queries
):
    _served(world, n=8)
    client.force_login(world.users.community_staff)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("volunteers:staff_home"))
    assert page.context["totals"][0]["rate"] == 100.0
    for name in ("registrations", "activities", "needs"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(f"volunteers:{name}")).status_code == 200
    client.force_login(world.users.party_member)
    assert client.get(reverse("volunteers:staff_home")).status_code == 403
