from django.urls import reverse

from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers.tests.factories import ActivityFactory, RegistrationFactory

ADMIN_MODELS = [
    "party_branches_streetcommittee",
    "party_branches_communitycommittee",
    "party_branches_partybranch",
    "party_branches_partymember",
    "party_branches_branchcommitteemember",
    "party_branches_communitycommitteemember",
    "party_branches_meeting",
    "volunteers_registration",
    "volunteers_needslistitem",
    "volunteers_activity",
    "volunteers_signup",
    "volunteers_team",
    "volunteers_activitycategory",
]


def test_admin_changelists_open_in_chinese_and_are_scoped(world, client):
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    outside = PartyBranchFactory(grid=world.grids["B1a"])
    member = PartyMemberFactory(branch=branch, phone="13912345678")
    RegistrationFactory(member=member, grid=world.grids["A1a"])
    ActivityFactory(community=world.communities["A1"])
    for model in ADMIN_MODELS:
        user = {
            "volunteers_activitycategory": world.users.district_admin,
            "party_branches_streetcommittee": world.users.street_staff,
        }.get(model, world.users.community_staff)
        client.force_login(user)
        response = client.get(reverse(f"admin:{model}_changelist"))
        assert response.status_code == 200, model
        content = response.content.decode()
        assert "13912345678" not in content
        if model == "party_branches_partybranch":
            assert branch.name in content and outside.name not in content
            assert "网格党支部" in content


def test_admin_member_form_masks_and_validates_the_id_number(world, client):
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    member = PartyMemberFactory(branch=branch, phone="13912345678")
    client.force_login(world.users.community_staff)
    page = client.get(reverse("admin:party_branches_partymember_change", args=[member.pk]))
    content = page.content.decode()
    assert "139****5678" in content and "13912345678" not in content
    assert member.id_number not in content
    response = client.post(
        reverse("admin:party_branches_partymember_add"),
        {
            "name": "吴新",
            "gender": "male",
            "birth_date": "1980-01-01",
            "joined_on": "2001-07-01",
            "workplace_kind": "none",
            "kind": "resident",
            "community": world.communities["A1"].pk,
            "must_register": "on",
            "new_id_number": "440311198001010000",
        },
    )
    assert response.status_code == 200 and "校验码不正确" in response.content.decode()


def test_branch_list_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    for key in ("A1a", "A1b", "A2a", "A2b"):
        branch = PartyBranchFactory(grid=world.grids[key])
        for _ in range(3):
            PartyMemberFactory(branch=branch)
    client.force_login(world.users.street_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("party_branches:list"))
    assert len(response.context["branches"]) == 4
    assert response.context["non_compliant"] == 4  # no secretaries yet
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse("party_branches:compliance")).context["rows"]) == 4
