"""The number of SQL queries of each dashboard page does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _count(client, url, *, cold=False):
    """The queries of one request; `cold`: after a write to the map tables (the map data is
    read again: its cache key holds their change mark)."""
    if cold:
        from django.db.models import F

        from grids.models import AreaGrid

        AreaGrid.objects.update(name=F("name"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "username,url",
    [
        ("grid_head", "/dashboard/"),
        ("street_staff", "/dashboard/"),
        ("district_admin", "/dashboard/"),
        ("street_staff", "/overview/"),
        ("district_admin", "/overview/"),
    ],
)
def test_query_count_is_constant(
    world, populate, households, patrol_places, client_as, username, url
):
    client = client_as(getattr(world.users, username))
    populate(1)
    populate(1, grid="A2b")
    households(1)
    patrol_places(1)
    client.get(url)  # warm per-process caches (content types, categories)
    small, small_cold = _count(client, url), _count(client, url, cold=True)
    populate(6)
    populate(6, grid="B1a")
    populate(6, grid="A2b")
    households(5)
    patrol_places(5)
    # New key places: the map data is read again (cold), then served from the cache.
    assert _count(client, url) == small_cold
    assert _count(client, url) == small
    assert _count(client, url, cold=True) == small_cold


def test_cases_waiting_for_verification_cost_no_query_each(world, categories, client_as):
    """Whether a person may verify a case asks who handled it (a query, separation of duties);
    the dashboard offers no inline "verify", so its rows do not ask."""
    from django.contrib.gis.geos import Point

    from requests_desk.models import Request, Stage

    grid = world.grids["A1a"]
    centre = grid.boundary.centroid

    def waiting_for_verification(n):
        Request.objects.bulk_create(
            Request(
                source=Request.Source.GRID_PATROL,
                category=categories["E0103"],
                description=f"待核查 {i}",
                location=Point(centre.x, centre.y, srid=4326),
                street=grid.community.street,
                community=grid.community,
                grid=grid,
                stage=Stage.FEEDBACK,
            )
            for i in range(n)
        )

    client = client_as(world.users.grid_head)
    client.get("/dashboard/")  # warm per-process caches (content types, categories)
    waiting_for_verification(1)
    small = _count(client, "/dashboard/")  # built again: the write moved the area's mark
    waiting_for_verification(6)
    assert _count(client, "/dashboard/") == small
