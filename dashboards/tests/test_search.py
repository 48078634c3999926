"""The staff search box: a case by code or words, a household by its whole address (blind index)
or building, a member by name — each within the user's scope."""

import pytest

from care.tests.factories import HouseholdFactory, PairingFactory
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory

ADDRESS = "光明大道88号光明花园3栋1203室"


@pytest.fixture
def data(world, make_request):
    return {
        "case": make_request(grid="A1a", description="小区门口暴露垃圾堆积"),
        "far_case": make_request(grid="B1a", description="别的街道暴露垃圾堆积"),
        "household": HouseholdFactory(
            grid=world.grids["A1a"], address=ADDRESS, building="光明花园3栋"
        ),
        "far_household": HouseholdFactory(grid=world.grids["B1a"], address=ADDRESS),
        "member": PartyMemberFactory(
            name="欧阳红梅",
            community=world.communities["A1"],
            branch=PartyBranchFactory(grid=world.grids["A1a"]),
        ),
        "far_member": PartyMemberFactory(name="欧阳红兵", community=world.communities["B1"]),
    }


def test_a_case_by_its_code_and_by_words_within_the_jurisdiction(client, world, data):
    client.force_login(world.users.street_staff)
    body = client.get("/search/", {"q": data["case"].code.lower()}).content.decode()
    assert data["case"].code in body
    body = client.get("/search/", {"q": "暴露 垃圾"}).content.decode()
    assert data["case"].code in body and data["far_case"].code not in body
    far = client.get("/search/", {"q": data["far_case"].code}).content.decode()
    assert f"/requests/case/{data['far_case'].code}/" not in far


def test_a_household_by_its_whole_address_never_by_a_part(client, world, data):
    staff = world.users.community_staff
    staff.care_role = True
    staff.save()
    client.force_login(staff)
    body = client.get("/search/", {"q": "光明大道８８号 光明花园3栋1203室"}).content.decode()
    assert f"/care/households/{data['household'].pk}/" in body
    assert f"/care/households/{data['far_household'].pk}/" not in body
    assert ADDRESS not in body.replace(f'value="{ADDRESS}"', "")
    assert (
        f"/care/households/{data['household'].pk}/"
        not in client.get("/search/", {"q": "88号"}).content.decode()
    )
    assert (
        f"/care/households/{data['household'].pk}/"
        in client.get("/search/", {"q": "光明花园3栋"}).content.decode()
    )


def test_a_grid_worker_finds_only_their_paired_households(client, world, data):
    client.force_login(world.users.grid_worker)
    assert (
        f"/care/households/{data['household'].pk}/"
        not in client.get("/search/", {"q": ADDRESS}).content.decode()
    )
    PairingFactory(household=data["household"], worker=world.users.grid_worker)
    assert (
        f"/care/households/{data['household'].pk}/"
        in client.get("/search/", {"q": ADDRESS}).content.decode()
    )


def test_a_member_by_name_within_the_jurisdiction(client, world, data):
    client.force_login(world.users.community_staff)
    body = client.get("/search/", {"q": "欧阳"}).content.decode()
    assert "欧阳红梅" in body and "欧阳红兵" not in body
    client.force_login(world.users.grid_worker)  # may not see members
    assert "欧阳红梅" not in client.get("/search/", {"q": "欧阳"}).content.decode()


def test_the_box_is_in_every_staff_page_header_and_not_for_others(client, world):
    client.force_login(world.users.grid_head)
    assert 'id="staff-search-q"' in client.get("/requests/queue/").content.decode()
    client.force_login(world.users.party_member)
    assert 'id="staff-search-q"' not in client.get("/").content.decode()
    assert client.get("/search/", {"q": "x"}).status_code == 403


@pytest.mark.parametrize("query", ["", " ", "%", "_", "'; DROP TABLE x;--", "\u200b", "a" * 500])
def test_odd_queries_are_harmless(client, world, data, query):
    client.force_login(world.users.district_admin)
    assert client.get("/search/", {"q": query}).status_code == 200


def test_the_search_runs_a_fixed_number_of_queries(
    client, world, data, django_assert_max_num_queries
):
    staff = world.users.community_staff
    staff.care_role = True
    staff.save()
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        client.get("/search/", {"q": "光明"})
