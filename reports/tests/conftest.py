import datetime

import pytest
from django.contrib.gis.geos import Point

from grids.models import KeyPlace


@pytest.fixture
def places(world):
    """Two key places in grid A1a, one in B2b (the hand-computed fixtures use them)."""
    for grid_key, name in (("A1a", "光明花园"), ("A1a", "科技园"), ("B2b", "工地")):
        grid = world.grids[grid_key]
        KeyPlace.objects.create(
            grid=grid,
            name=name,
            kind=KeyPlace.Kind.OTHER,
            location=Point(grid.boundary.centroid.x, grid.boundary.centroid.y, srid=4326),
        )
    return world


@pytest.fixture
def in_april(time_machine):
    import zoneinfo

    time_machine.move_to(
        datetime.datetime(2026, 4, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True
    )


MARCH = datetime.date(2026, 3, 1)
FEBRUARY = datetime.date(2026, 2, 1)
