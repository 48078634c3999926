import pytest

from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers.tests.factories import RegistrationFactory


@pytest.fixture
def branch_a1a(world):
    return PartyBranchFactory(grid=world.grids["A1a"])


@pytest.fixture
def member(world, branch_a1a):
    """The Party member record of world.users.party_member (grid A1a), not yet registered."""
    return PartyMemberFactory(branch=branch_a1a, user=world.users.party_member, name="张三")


@pytest.fixture
def registered(world, member):
    return RegistrationFactory(member=member, grid=world.grids["A1a"])


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level assertions read English msgids; pages and the API answer in Chinese (the
    site's language), which their tests check."""
    from django.utils import translation

    with translation.override("en"):
        yield
