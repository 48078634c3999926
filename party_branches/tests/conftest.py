import pytest

from party_branches.tests.factories import CommunityCommitteeFactory, PartyBranchFactory


@pytest.fixture
def branch(world):
    """The grid Party branch of area grid A1a (grid head: world.users.grid_head)."""
    return PartyBranchFactory(grid=world.grids["A1a"])


@pytest.fixture
def committee_b1(world):
    return CommunityCommitteeFactory(community=world.communities["B1"])


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level assertions read English msgids; pages and the API answer in Chinese (the
    site's language), which their tests check."""
    from django.utils import translation

    with translation.override("en"):
        yield
