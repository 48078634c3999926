"""The number of SQL queries of each dashboard page does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _count(client, url):
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
    small = _count(client, url)
    populate(6)
    populate(6, grid="B1a")
    populate(6, grid="A2b")
    households(5)
    patrol_places(5)
    assert _count(client, url) == small
