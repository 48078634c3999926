"""The one rule of who may look after whose account (accounts.rules), level by level."""

import pytest

from accounts import rules
from accounts.models import Role
from accounts.tests.factories import UserFactory


def test_each_level_creates_only_the_levels_below_it(world):
    users = world.users
    assert rules.manageable_roles(users.district_admin) == [
        Role.STREET_STAFF,
        Role.COMMUNITY_STAFF,
        Role.GRID_HEAD,
        Role.GRID_WORKER,
        Role.PARTY_MEMBER,
    ]
    assert rules.manageable_roles(users.street_staff) == [
        Role.COMMUNITY_STAFF,
        Role.GRID_HEAD,
        Role.GRID_WORKER,
        Role.PARTY_MEMBER,
    ]
    assert rules.manageable_roles(users.community_staff) == [
        Role.GRID_HEAD,
        Role.GRID_WORKER,
        Role.PARTY_MEMBER,
    ]
    for grid_level in (users.grid_head, users.grid_worker, users.party_member, users.no_role):
        assert rules.manageable_roles(grid_level) == []


def test_a_place_outside_the_jurisdiction_or_at_the_wrong_level_is_refused(world):
    street = world.users.street_staff  # street A
    assert rules.may_hold(street, role=Role.COMMUNITY_STAFF, node=world.communities["A1"])
    assert not rules.may_hold(street, role=Role.COMMUNITY_STAFF, node=world.communities["B1"])
    assert not rules.may_hold(street, role=Role.COMMUNITY_STAFF, node=world.grids["A1a"])
    assert not rules.may_hold(street, role=Role.STREET_STAFF, node=world.streets["A"])


@pytest.mark.parametrize(
    "actor,target,allowed",
    [
        ("district_admin", "street_staff", True),
        ("district_admin", "grid_worker", True),
        ("street_staff", "community_staff", True),
        ("street_staff", "other_street_staff", False),  # a peer in another street
        ("street_staff", "street_staff", False),  # oneself
        ("community_staff", "grid_head", True),
        ("community_staff", "street_staff", False),  # above
        ("grid_head", "grid_worker", False),  # grid heads look after no accounts
        ("grid_head", "party_member", False),
        ("street_staff", "no_role", False),  # roleless: superusers only
    ],
)
def test_who_may_manage_whom(world, actor, target, allowed):
    users = world.users
    assert rules.may_manage(getattr(users, actor), getattr(users, target)) is allowed


def test_a_peer_in_the_same_street_is_not_manageable(world):
    peer = UserFactory(username="street_a2", role=Role.STREET_STAFF, node=world.streets["A"])
    assert not rules.may_manage(world.users.street_staff, peer)


def test_superusers_manage_everyone_but_themselves_and_only_superusers_manage_superusers(world):
    root = UserFactory(username="root", is_superuser=True)
    other_root = UserFactory(username="root2", is_superuser=True)
    assert rules.may_manage(root, world.users.no_role)
    assert rules.may_manage(root, other_root)
    assert not rules.may_manage(root, root)
    assert not rules.may_manage(world.users.district_admin, root)
