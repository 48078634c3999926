import pytest

from party_branches.tests.factories import CommunityCommitteeFactory, PartyBranchFactory


@pytest.fixture
def branch(world):
    """The grid Party branch of area grid A1a (grid head: world.users.grid_head)."""
    return PartyBranchFactory(grid=world.grids["A1a"])


@pytest.fixture
def committee_b1(world):
    return CommunityCommitteeFactory(community=world.communities["B1"])
