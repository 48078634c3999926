from django.urls import reverse

from conftest import login_verified
from party_branches.models import PartyMember
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from privacy.models import AuditLogEntry


def test_phone_and_id_are_encrypted_at_rest(world, branch):
    member = PartyMemberFactory(branch=branch, phone="13912345678")
    raw = PartyMember.objects.filter(pk=member.pk).values_list("phone", "id_number").query
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, id_number FROM party_branches_partymember WHERE id = %s", [member.pk]
        )
        phone, id_number = cursor.fetchone()
    assert "13912345678" not in phone and member.id_number not in id_number
    assert raw is not None


def test_member_pages_are_masked_and_reveal_is_logged(
    world, branch, client, django_assert_max_num_queries
):
    member = PartyMemberFactory(branch=branch, phone="13912345678", name="孙丽")
    for _ in range(10):
        PartyMemberFactory(branch=branch)
    client.force_login(world.users.community_staff)
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("party_branches:members")).content.decode()
    assert "139****5678" in listing and "13912345678" not in listing
    detail = client.get(reverse("party_branches:member", args=[member.pk])).content.decode()
    assert "13912345678" not in detail and member.id_number not in detail
    # no reveal rights: refused
    response = client.post(
        reverse("party_branches:member", args=[member.pk]),
        {"field": "phone", "purpose": "联系参加支部会议"},
    )
    assert response.status_code == 403
    assert not AuditLogEntry.objects.exists()
    world.users.community_staff.may_reveal_personal_data = True
    world.users.community_staff.save()
    login_verified(client, world.users.community_staff)  # after the second-factor step
    response = client.post(
        reverse("party_branches:member", args=[member.pk]),
        {"field": "phone", "purpose": "联系参加支部会议"},
    )
    assert "13912345678" in response.content.decode()
    entry = AuditLogEntry.objects.get()
    assert entry.action == "reveal" and entry.fields == "phone"
    assert entry.purpose == "联系参加支部会议" and entry.actor == world.users.community_staff
    # a purpose is required
    response = client.post(
        reverse("party_branches:member", args=[member.pk]), {"field": "id_number", "purpose": ""}
    )
    assert member.id_number not in response.content.decode()
    assert AuditLogEntry.objects.count() == 1


def test_branches_and_members_outside_the_jurisdiction_are_404(world, branch, client):
    other = PartyBranchFactory(grid=world.grids["B1a"])
    outsider = PartyMemberFactory(branch=other)
    client.force_login(world.users.community_staff)
    assert client.get(reverse("party_branches:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("party_branches:member", args=[outsider.pk])).status_code == 404
    names = [b.name for b in client.get(reverse("party_branches:list")).context["branches"]]
    assert names == [branch.name]
    client.force_login(world.users.grid_head)
    assert client.get(reverse("party_branches:detail", args=[branch.pk])).status_code == 200
    client.force_login(world.users.other_grid_head)
    assert client.get(reverse("party_branches:detail", args=[branch.pk])).status_code == 404
    client.force_login(world.users.party_member)  # not a staff role
    assert client.get(reverse("party_branches:list")).status_code == 403


def test_meeting_recorded_with_attendance_rates(world, branch, client):
    members = [PartyMemberFactory(branch=branch) for _ in range(4)]
    client.force_login(world.users.grid_head)
    for present in (members[:3], members[:1]):
        response = client.post(
            reverse("party_branches:detail", args=[branch.pk]),
            {
                "action": "meeting",
                "kind": "branch",
                "held_on": "2026-03-01",
                "place_name": "党群服务站",
                "agenda": "学习传达会议精神",
                "minutes": "",
                "present": [m.pk for m in present],
                "guests": "李经理, 物业公司",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("party_branches:detail", args=[branch.pk]))
    assert page.context["attendance"]["rate"] == 50.0  # 4 present of 8 invited
    rates = {m.pk: m.attendance_rate for m in page.context["members"]}
    assert rates[members[0].pk] == 100.0 and rates[members[3].pk] == 0.0
    from party_branches.selectors import meetings_held

    held = meetings_held(
        level="community",
        node_id=world.communities["A1"].pk,
        start=__import__("datetime").date(2026, 1, 1),
        end=__import__("datetime").date(2026, 12, 31),
    )
    assert held == {"total": 2, "branch": 2, "council": 0, "attendance_rate": 50.0}
