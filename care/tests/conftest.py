"""Care fixtures: households around the shared `world` (see the root conftest's docstring).

* `paired`: a household in grid A1a paired with world's grid worker and Party member;
* `unpaired`: a household in A1a with a tagged resident and no pairing;
* `other`: a household in A1b (paired with a worker of A1b).
Each has one resident (`care.residents[key]`) tagged "elderly living alone".
"""

import importlib
import types

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from care.tests.factories import (
    HouseholdFactory,
    PairingFactory,
    ResidentFactory,
    ResidentTagFactory,
)


def _ensure_care_tags():
    """The tags come from a data migration, which a transactional (browser) test flushes."""
    from care.models import CareTag

    seed = importlib.import_module("care.migrations.0002_care_tags")
    for order, (code, name, days, details) in enumerate(seed.TAGS):
        CareTag.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "default_frequency_days": days,
                "details_label": details,
                "ordering": order,
            },
        )


@pytest.fixture
def care(world):
    _ensure_care_tags()
    users = world.users
    users.care_staff = UserFactory(
        username="care_a1",
        role=Role.COMMUNITY_STAFF,
        node=world.communities["A1"],
        care_role=True,
        may_reveal_personal_data=True,
    )
    users.other_worker = UserFactory(
        username="worker2_a1a", role=Role.GRID_WORKER, node=world.grids["A1a"]
    )
    users.worker_b = UserFactory(
        username="worker_a1b", role=Role.GRID_WORKER, node=world.grids["A1b"]
    )
    households = {
        "paired": HouseholdFactory(grid=world.grids["A1a"]),
        "unpaired": HouseholdFactory(grid=world.grids["A1a"]),
        "other": HouseholdFactory(grid=world.grids["A1b"]),
    }
    residents = {}
    for index, (key, household) in enumerate(households.items()):
        residents[key] = ResidentFactory(
            household=household,
            name=f"张{key}",
            phone=f"1390000{index:04d}",
            id_number=["110101194001010012", "11010119400202001X", "110101194003030017"][index],
        )
        ResidentTagFactory(resident=residents[key], details="二级肢体残疾")
    PairingFactory(
        household=households["paired"], worker=users.grid_worker, members=[users.party_member]
    )
    PairingFactory(household=households["other"], worker=users.worker_b)
    return types.SimpleNamespace(
        world=world, users=users, households=households, residents=residents
    )


@pytest.fixture
def request_category(db):
    """A request sub-class (seeded by requests_desk's migration; recreated after a flush)."""
    from requests_desk.models import Category

    existing = Category.objects.filter(parent__isnull=False, active=True).first()
    if existing is not None:
        return existing
    parent = Category.objects.create(kind="event", code="T-ENV", name="市容环境")
    return Category.objects.create(
        kind="event",
        parent=parent,
        code="T-ENV-01",
        name="暴露垃圾",
        limit_amount=4,
        limit_unit="hours",
    )
