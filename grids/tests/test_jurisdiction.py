"""The jurisdiction matrix: every role × objects at every level, through the one scoping mechanism."""

import pytest
from django.http import Http404

from grids.jurisdiction import get_scoped_object_or_404, scope_queryset
from grids.models import AreaGrid, Community, KeyPlace, Street
from grids.tests.factories import KeyPlaceFactory

# role → the grids (by key) whose objects it sees
VISIBLE_GRIDS = {
    "district_admin": {"A1a", "A1b", "A2a", "A2b", "B1a", "B1b", "B2a", "B2b"},
    "street_staff": {"A1a", "A1b", "A2a", "A2b"},
    "community_staff": {"A1a", "A1b"},
    "grid_head": {"A1a"},
    "grid_worker": {"A1a"},
    "party_member": {"A1a"},
    "other_grid_head": {"A1b"},
    "other_street_staff": {"B1a", "B1b", "B2a", "B2b"},
    "no_role": set(),
}


@pytest.fixture
def places(world):
    return {
        key: KeyPlaceFactory(grid=grid, name=f"place-{key}") for key, grid in world.grids.items()
    }


@pytest.mark.parametrize("role", sorted(VISIBLE_GRIDS))
def test_each_role_sees_exactly_the_key_places_of_its_jurisdiction(world, places, role):
    user = getattr(world.users, role)
    seen = set(scope_queryset(KeyPlace.objects.all(), user).values_list("name", flat=True))
    assert seen == {f"place-{key}" for key in VISIBLE_GRIDS[role]}


@pytest.mark.parametrize("role", sorted(VISIBLE_GRIDS))
def test_each_role_sees_exactly_the_area_grids_of_its_jurisdiction(world, role):
    user = getattr(world.users, role)
    seen = set(scope_queryset(AreaGrid.objects.all(), user).values_list("name", flat=True))
    assert seen == {f"{key}网格" for key in VISIBLE_GRIDS[role]}


def test_objects_above_the_users_level_are_outside_the_jurisdiction(world):
    assert not scope_queryset(Community.objects.all(), world.users.grid_head).exists()
    assert list(scope_queryset(Community.objects.all(), world.users.community_staff)) == [
        world.communities["A1"]
    ]
    assert list(scope_queryset(Street.objects.all(), world.users.street_staff)) == [
        world.streets["A"]
    ]


def test_grid_head_of_grid_a_gets_404_for_grid_b_objects(world, places):
    head = world.users.grid_head
    assert get_scoped_object_or_404(KeyPlace.objects, head, pk=places["A1a"].pk) == places["A1a"]
    with pytest.raises(Http404):
        get_scoped_object_or_404(KeyPlace.objects, head, pk=places["A1b"].pk)


def test_superuser_sees_everything_and_anonymous_nothing(world, places, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    admin = django_user_model.objects.create_superuser("root", password="x")
    assert scope_queryset(KeyPlace.objects.all(), admin).count() == 8
    assert scope_queryset(KeyPlace.objects.all(), AnonymousUser()).count() == 0


def test_users_list_is_scoped_across_levels(world, django_user_model):
    seen = set(
        scope_queryset(django_user_model.objects.all(), world.users.street_staff).values_list(
            "username", flat=True
        )
    )
    assert seen == {"street_a", "community_a1", "head_a1a", "worker_a1a", "member_a1a", "head_a1b"}
