"""`Jurisdiction.contains(obj)` (read from the object in memory) gives exactly the answer of
`scope_queryset` (the database), for every object of every scoped model and every node of the
hierarchy as a jurisdiction — the grid, community, street and district of each object, nodes
that hold nothing, sub-grids, and the unrestricted jurisdiction."""

import datetime
import types

import pytest
from django.apps import apps

from accounts.models import Role
from accounts.tests.factories import UserFactory
from care.tests.factories import HouseholdFactory, PairingFactory, ResidentFactory, VisitFactory
from grids.jurisdiction import (
    ALL,
    Jurisdiction,
    jurisdiction_of,
    jurisdiction_paths,
    scope_queryset,
)
from grids.models import NODE_MODELS
from grids.tests.factories import KeyPlaceFactory, SubGridFactory
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from requests_desk.tests.factories import RequestFactory
from service_points.tests.factories import CentreFactory, GridPositionFactory
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


def _scoped(model) -> bool:
    if getattr(model, "jurisdiction_q", None) is not None:
        return True
    try:
        jurisdiction_paths(model)
    except (TypeError, AttributeError):
        return False
    return True


def _as_user(jurisdiction: Jurisdiction):
    """A stand-in user holding `jurisdiction` (scope_queryset reads only these attributes)."""
    return types.SimpleNamespace(
        is_authenticated=True,
        is_active=True,
        is_superuser=jurisdiction.unrestricted,
        jurisdiction=jurisdiction,
    )


@pytest.fixture
def populated(world, categories):
    """Objects of many scoped models in every grid, at every level of the hierarchy."""
    from reports.models import ReportRun
    from reports.services import reports_generate

    for key, grid in world.grids.items():
        SubGridFactory(grid=grid)
        KeyPlaceFactory(grid=grid)
        RequestFactory(grid=grid)
        household = HouseholdFactory(grid=grid)
        ResidentFactory(household=household)
        PairingFactory(household=household, worker=world.users.grid_worker)
        VisitFactory(household=household, visitor=world.users.grid_worker)
        branch = PartyBranchFactory(grid=grid)
        member = PartyMemberFactory(branch=branch)
        RegistrationFactory(member=member, grid=grid)
        if key.endswith("a"):
            CentreFactory(community=grid.community)
            GridPositionFactory(grid=grid)
            ActivityFactory(community=grid.community)
    for street in world.streets.values():
        UserFactory(role=Role.STREET_STAFF, node=street)
    reports_generate(
        period=datetime.date(2025, 1, 1),
        run=ReportRun.objects.create(period=datetime.date(2025, 1, 1)),
    )
    return world


def _jurisdictions():
    found = [ALL]
    for level, model in NODE_MODELS.items():
        found += [Jurisdiction(level, pk) for pk in model.objects.values_list("pk", flat=True)]
    return found


@pytest.mark.django_db
def test_contains_agrees_with_scope_queryset_for_every_object_and_node(populated):
    jurisdictions = _jurisdictions()
    assert len(jurisdictions) > 1 + 1 + 2 + 4 + 8  # the world's nodes, sub-grids included
    checked = models_checked = 0
    for model in apps.get_models():
        if not _scoped(model):
            continue
        objects = list(model._default_manager.all()[:60])
        if not objects:
            continue
        models_checked += 1
        for jurisdiction in jurisdictions:
            inside = set(
                scope_queryset(model._default_manager.all(), _as_user(jurisdiction)).values_list(
                    "pk", flat=True
                )
            )
            for obj in objects:
                assert jurisdiction.contains(obj) == (obj.pk in inside), (
                    f"{model.__name__} {obj.pk} in {jurisdiction}"
                )
                checked += 1
    # Hierarchy nodes, key places, assignments, users, requests, households, residents, pairings,
    # visits, branches, members, registrations, positions, activities, reports, summaries…
    assert models_checked >= 15
    assert checked > 3000


@pytest.mark.django_db
def test_contains_agrees_for_the_world_users(populated):
    """The same through real users: jurisdiction_of(user).contains(obj) == obj in the user's
    scoped queryset (a user without a role sees nothing and has no jurisdiction)."""
    from requests_desk.models import Request

    requests = list(Request.objects.all())
    for user in vars(populated.users).values():
        jurisdiction = jurisdiction_of(user)
        inside = set(scope_queryset(Request.objects.all(), user).values_list("pk", flat=True))
        if jurisdiction is None:
            assert inside == set()
            continue
        assert {r.pk for r in requests if jurisdiction.contains(r)} == inside


@pytest.mark.django_db
def test_contains_reads_denormalised_keys_without_queries(populated, django_assert_num_queries):
    """A request carries its street, community and grid: below district level, no query."""
    from requests_desk.models import Request

    request = Request.objects.first()
    with django_assert_num_queries(0):
        assert Jurisdiction("grid", request.grid_id).contains(request)
        assert Jurisdiction("community", request.community_id).contains(request)
        assert not Jurisdiction("street", request.street_id + 10_000).contains(request)
