"""Fixtures of the dashboards' tests: requests in every stage of the world's grid A1a (and a few
elsewhere), made in bulk — the flow itself is the requests desk's to test."""

import datetime

import pytest
from django.utils import timezone

from requests_desk.tests.conftest import make_request  # noqa: F401 - shared fixture


@pytest.fixture
def categories(db):
    from django.apps import apps

    from requests_desk.models import Category

    if not Category.objects.exists():
        # Transactional tests (live_server) flush the seeded categories: seed them again.
        seed = __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"]).seed
        seed(apps, None)
    return {c.code: c for c in Category.objects.filter(parent__isnull=False)}


@pytest.fixture
def populate(world, categories):
    """populate(n) adds n requests of each kind to grid A1a (and n to grid B1a, outside the
    street A staff's jurisdiction) and returns them by kind. Bulk inserts go around the desk's
    services, so the desk's monthly summary is rebuilt afterwards (as the demo and benchmark
    loaders do)."""
    from django.contrib.gis.geos import Point

    from requests_desk.models import Request, Stage
    from requests_desk.monthly import monthly_figures_rebuild

    category = categories["E0103"]

    def make(n=1, grid="A1a", now=None):
        now = now or timezone.now()
        g = world.grids[grid]
        centre = g.boundary.centroid
        kinds = {
            "reported": {"stage": Stage.REPORTED},
            "filed": {"stage": Stage.FILED, "accepted_at": now, "filed_at": now},
            "overdue": {
                "stage": Stage.HANDLING,
                "dispatched_at": now - datetime.timedelta(days=3),
                "due_at": now - datetime.timedelta(hours=5),
                "target": Request.Target.GRID_WORKER,
                "assignee": world.users.grid_worker,
            },
            "nearly": {
                "stage": Stage.DISPATCHED,
                "dispatched_at": now - datetime.timedelta(hours=2),
                "due_at": now + datetime.timedelta(hours=1),
                "target": Request.Target.GRID_WORKER,
                "assignee": world.users.grid_worker,
            },
            "closed": {
                "stage": Stage.CLOSED,
                "closure_type": "normal",
                "closed_at": now,
                "dispatched_at": now - datetime.timedelta(days=1),
            },
        }
        made = {}
        rows = []
        for kind, fields in kinds.items():
            for i in range(n):
                r = Request(
                    source=Request.Source.GRID_PATROL,
                    category=category,
                    description=f"测试诉求 {kind} {i}",
                    location=Point(centre.x + 0.001 * i, centre.y, srid=4326),
                    street=g.community.street,
                    community=g.community,
                    grid=g,
                    created_at=now - datetime.timedelta(hours=i + 1),
                    **fields,
                )
                rows.append(r)
                made.setdefault(kind, []).append(r)
        Request.objects.bulk_create(rows)
        monthly_figures_rebuild()
        return made

    return make


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def households(world):
    """make(n): n households with a tagged resident in grid A1a, never visited (so their visit is
    overdue), the first one paired with the grid worker; and one in B1a."""
    from django.apps import apps

    from care.models import CareTag
    from care.tests.factories import (
        HouseholdFactory,
        PairingFactory,
        ResidentFactory,
        ResidentTagFactory,
    )

    if not CareTag.objects.exists():
        # Transactional tests (live_server) flush the seeded tags: seed them again.
        __import__("care.migrations.0002_care_tags", fromlist=["forwards"]).forwards(apps, None)

    def make(n=1):
        made = []
        for grid, count in (("A1a", n), ("B1a", 1)):
            for _i in range(count):
                household = HouseholdFactory(grid=world.grids[grid])
                ResidentTagFactory(resident=ResidentFactory(household=household, phone=""))
                made.append(household)
        PairingFactory(household=made[0], worker=world.users.grid_worker)
        return made

    return make


@pytest.fixture
def patrol_places(world):
    """make(n): n key places of grid A1a on the patrol plan, never visited."""
    from django.contrib.gis.geos import Point

    from grids.models import KeyPlace
    from patrols.models import PatrolPlan

    def make(n=1):
        grid = world.grids["A1a"]
        centre = grid.boundary.centroid
        start = KeyPlace.objects.count()
        for i in range(n):
            place = KeyPlace.objects.create(
                grid=grid,
                name=f"重点场所{start + i}",
                kind=KeyPlace.Kind.BUILDING_SITE,
                location=Point(centre.x, centre.y + 0.001 * i, srid=4326),
            )
            PatrolPlan.objects.create(grid=grid, key_place=place, frequency_days=7)

    return make
