"""The admin obeys the same jurisdiction as every page: lists, change pages, choices."""

import pytest

from accounts.services import user_bind_role
from grids.tests.factories import KeyPlaceFactory


@pytest.fixture
def community_client(client, world):
    staff = world.users.community_staff
    user_bind_role(user=staff, role=staff.role, node=staff.community)
    staff.save()
    client.force_login(staff)
    return client


def test_community_staff_see_only_their_grids_in_the_admin(community_client, world):
    response = community_client.get("/admin/grids/areagrid/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "A1a网格" in body and "A1b网格" in body and "B1a网格" not in body


def test_another_communitys_object_answers_404_in_the_admin(community_client, world):
    place = KeyPlaceFactory(grid=world.grids["B1a"])
    assert community_client.get(f"/admin/grids/keyplace/{place.pk}/change/").status_code in (
        302,
        404,
    )
    own = KeyPlaceFactory(grid=world.grids["A1a"])
    assert community_client.get(f"/admin/grids/keyplace/{own.pk}/change/").status_code == 200


def test_grid_choices_on_a_key_place_form_are_limited_to_the_jurisdiction(community_client, world):
    response = community_client.get("/admin/grids/keyplace/add/")
    form = response.context["adminform"].form
    assert set(form.fields["grid"].queryset.values_list("name", flat=True)) == {
        "A1a网格",
        "A1b网格",
    }


def test_the_admin_is_in_chinese(community_client):
    body = community_client.get("/admin/").content.decode()
    assert "红网格管理后台" in body and "片区网格" in body


def test_community_staff_cannot_grant_themselves_superuser(community_client, world):
    """Accounts are changed on the site's account pages (the same rules everywhere); one's own
    account page has no rights form, and the admin change form is for superusers only."""
    staff = world.users.community_staff
    response = community_client.get(f"/admin/accounts/user/{staff.pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/me/"
    assert "rights_form" not in response.context
    response = community_client.post(
        f"/admin/accounts/user/{staff.pk}/change/",
        {"is_superuser": "on", "is_staff": "on", "may_reveal_personal_data": "on"},
    )
    staff.refresh_from_db()
    assert not staff.is_superuser and not staff.may_reveal_personal_data


def test_admin_sidebar_filters_list_only_areas_inside_the_jurisdiction(community_client, world):
    body = community_client.get("/admin/grids/areagrid/").content.decode()
    assert "A1社区" in body and "B1社区" not in body and "B街道" not in body


def test_adding_a_key_place_outside_the_chosen_grid_is_refused_with_a_message(
    community_client, world
):
    from grids.models import KeyPlace

    data = {
        "grid": world.grids["A1b"].pk,
        "name": "错位小区",
        "kind": "residential_estate",
        "address": "",
        "notes": "",
        "location": '{"type": "Point", "coordinates": [113.82, 22.75]}',
    }
    response = community_client.post("/admin/grids/keyplace/add/", data)
    assert response.status_code == 200
    assert "该位置位于片区网格" in response.content.decode()
    data["grid"] = world.grids["A1a"].pk
    response = community_client.post("/admin/grids/keyplace/add/", data)
    assert response.status_code == 302
    assert KeyPlace.objects.filter(name="错位小区", grid=world.grids["A1a"]).exists()


def test_a_second_open_grid_head_is_refused_in_the_admin(community_client, world):
    data = {
        "grid": world.grids["A1a"].pk,
        "user": world.users.grid_worker.pk,
        "role": "grid_head",
        "start_date": "2026-01-01",
        "end_date": "",
    }
    response = community_client.post("/admin/grids/gridassignment/add/", data)
    assert response.status_code == 200
    assert "同一时间只能有一名网格长" in response.content.decode()
