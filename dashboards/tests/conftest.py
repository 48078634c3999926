"""Fixtures of the dashboards' tests: requests in every stage of the world's grid A1a (and a few
elsewhere), made in bulk — the flow itself is the requests desk's to test."""

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def categories(db):
    from django.apps import apps

    from requests_desk.models import Category

    if not Category.objects.exists():
        # Transactional tests (live_server) flush the seeded categories: seed them again.
        seed = __import__("requests_desk.migrations.0002_seed_categories",
                          fromlist=["seed"]).seed
        seed(apps, None)
    return {c.code: c for c in Category.objects.filter(parent__isnull=False)}


@pytest.fixture
def populate(world, categories):
    """populate(n) adds n requests of each kind to grid A1a (and n to grid B1a, outside the
    street A staff's jurisdiction) and returns them by kind."""
    from django.contrib.gis.geos import Point

    from requests_desk.models import Request, Stage

    category = categories["E0103"]

    def make(n=1, grid="A1a", now=None):
        now = now or timezone.now()
        g = world.grids[grid]
        centre = g.boundary.centroid
        kinds = {
            "reported": dict(stage=Stage.REPORTED),
            "filed": dict(stage=Stage.FILED, accepted_at=now, filed_at=now),
            "overdue": dict(stage=Stage.HANDLING, dispatched_at=now - datetime.timedelta(days=3),
                            due_at=now - datetime.timedelta(hours=5),
                            target=Request.Target.GRID_WORKER, assignee=world.users.grid_worker),
            "nearly": dict(stage=Stage.DISPATCHED, dispatched_at=now - datetime.timedelta(hours=2),
                           due_at=now + datetime.timedelta(hours=1),
                           target=Request.Target.GRID_WORKER, assignee=world.users.grid_worker),
            "closed": dict(stage=Stage.CLOSED, closure_type="normal", closed_at=now,
                           dispatched_at=now - datetime.timedelta(days=1)),
        }
        made = {}
        rows = []
        for kind, fields in kinds.items():
            for i in range(n):
                r = Request(source=Request.Source.GRID_PATROL, category=category,
                            description=f"测试诉求 {kind} {i}",
                            location=Point(centre.x + 0.001 * i, centre.y, srid=4326),
                            street=g.community.street, community=g.community, grid=g,
                            created_at=now - datetime.timedelta(hours=i + 1), **fields)
                rows.append(r)
                made.setdefault(kind, []).append(r)
        Request.objects.bulk_create(rows)
        return made

    return make


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login
