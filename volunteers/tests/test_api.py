from django.urls import reverse
from rest_framework.test import APIClient

from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers.models import Registration, SignUp
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_member_registers_and_signs_up_through_the_api(world, member):
    client = api(world.users.party_member)
    response = client.post(
        reverse("api-volunteer-registration-list"),
        {"grid": world.grids["A1a"].pk, "skills": "法律咨询"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    registration_id = response.json()["id"]
    staff = api(world.users.community_staff)
    assert (
        staff.post(
            reverse("api-volunteer-registration-approve", args=[registration_id])
        ).status_code
        == 200
    )
    activity = ActivityFactory(community=world.communities["A1"], capacity=1)
    listed = client.get(reverse("api-volunteer-activity-list")).json()["results"]
    assert [a["id"] for a in listed] == [activity.pk]
    response = client.post(
        reverse("api-volunteer-signup-list"), {"activity": activity.pk}, format="json"
    )
    assert response.status_code == 201
    other = PartyMemberFactory(community=world.communities["A1"])
    RegistrationFactory(member=other, grid=world.grids["A1a"])
    other_user = world.users.grid_worker
    other.user = other_user
    other.save()
    response = api(other_user).post(
        reverse("api-volunteer-signup-list"), {"activity": activity.pk}, format="json"
    )
    assert response.status_code == 400 and "名额已满" in str(response.json())
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_return_without_reason_is_refused(world, member):
    registration = RegistrationFactory(
        member=member,
        grid=world.grids["A1a"],
        status=Registration.Status.SUBMITTED,
        confirmed_on=None,
    )
    staff = api(world.users.community_staff)
    url = reverse("api-volunteer-registration-return", args=[registration.pk])
    assert staff.post(url, {"reason": ""}, format="json").status_code == 400
    assert staff.post(url, {"reason": "请补充居住地址"}, format="json").status_code == 200


def test_api_is_scoped_to_the_jurisdiction(world):
    inside = RegistrationFactory(
        grid=world.grids["A1a"], member=PartyMemberFactory(community=world.communities["A1"])
    )
    outside = RegistrationFactory(
        grid=world.grids["B1a"], member=PartyMemberFactory(community=world.communities["B1"])
    )
    staff = api(world.users.community_staff)
    ids = [r["id"] for r in staff.get(reverse("api-volunteer-registration-list")).json()["results"]]
    assert ids == [inside.pk]
    assert (
        staff.get(reverse("api-volunteer-registration-detail", args=[outside.pk])).status_code
        == 404
    )
    ActivityFactory(community=world.communities["B1"])
    assert staff.get(reverse("api-volunteer-activity-list")).json()["count"] == 0


def test_branch_and_member_api_mask_and_scope(world):
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    PartyBranchFactory(grid=world.grids["B1a"])
    member = PartyMemberFactory(branch=branch, phone="13912345678")
    staff = api(world.users.community_staff)
    branches = staff.get(reverse("api-branch-list")).json()["results"]
    assert [b["id"] for b in branches] == [branch.pk]
    assert branches[0]["compliant"] is False and branches[0]["failures"]
    body = staff.get(reverse("api-party-member-detail", args=[member.pk])).json()
    assert body["phone_masked"] == "139****5678" and "phone" not in body
    assert "13912345678" not in str(body) and member.id_number not in str(body)
    response = staff.post(
        reverse("api-party-member-reveal", args=[member.pk]),
        {"field": "phone", "purpose": "通知开会"},
        format="json",
    )
    assert response.status_code == 403
    response = staff.post(
        reverse("api-branch-committee", args=[branch.pk]),
        {"member": member.pk, "position": "secretary", "source": "resident"},
        format="json",
    )
    assert response.status_code == 400 and "书记任职规定" in str(response.json())


def test_member_api_create_validates_id_number(world):
    staff = api(world.users.community_staff)
    data = {
        "name": "周一",
        "gender": "male",
        "birth_date": "1980-01-01",
        "id_number": "123",
        "joined_on": "2000-07-01",
        "community": world.communities["A1"].pk,
    }
    response = staff.post(reverse("api-party-member-list"), data, format="json")
    assert response.status_code == 400 and "id_number" in response.json()
    data["community"] = world.communities["B1"].pk
    response = staff.post(reverse("api-party-member-list"), data, format="json")
    assert "community" in response.json()
