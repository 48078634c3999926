"""locate(): inside, on shared edges, in holes, outside, by date; locate_many agrees with it."""

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from grids.locate import GridIndex, locate, locate_many
from grids.tests.factories import AreaGridFactory, SubGridFactory


def test_a_point_inside_a_grid_is_located_in_it(world):
    location = locate((113.82, 22.75))
    assert location.inside and location.grid == world.grids["A1a"]
    assert location.subgrid is None


def test_a_point_outside_the_district_is_outside(world):
    location = locate((114.50, 22.75))
    assert not location.inside and location.grid is None


def test_a_point_on_a_shared_edge_goes_to_the_lowest_code(world):
    # x = 113.85 is the edge between A1a (…00101) and A1b (…00102).
    assert locate((113.85, 22.75)).grid == world.grids["A1a"]
    # The corner shared by four grids of two communities.
    assert locate((113.85, 22.80)).grid == world.grids["A1a"]


def test_a_point_on_the_outer_edge_of_the_district_is_inside(world):
    assert locate((113.80, 22.75)).grid == world.grids["A1a"]


def test_a_point_in_a_hole_is_not_in_the_grid_with_the_hole(db):
    shell = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    hole = [(4, 4), (6, 4), (6, 6), (4, 6), (4, 4)]
    AreaGridFactory(boundary=MultiPolygon(Polygon(shell, hole), srid=4326))
    assert locate((5, 5)).grid is None
    assert locate((2, 2)).inside


def test_a_point_is_placed_in_the_sub_grid_too(world):
    sub = SubGridFactory(
        grid=world.grids["A1a"],
        code=world.grids["A1a"].code + "01",
        boundary=MultiPolygon(Polygon.from_bbox((113.80, 22.70, 113.85, 22.75)), srid=4326),
    )
    location = locate(Point(113.81, 22.71, srid=4326))
    assert location.grid == world.grids["A1a"] and location.subgrid == sub
    assert locate((113.81, 22.78)).subgrid is None


def test_locate_uses_the_hierarchy_in_force_on_the_date(world):
    old = world.grids["A1a"]
    old.valid_to = datetime.date(2025, 1, 1)
    old.save()
    new = AreaGridFactory(
        community=old.community,
        code=old.code,
        boundary=old.boundary,
        valid_from=datetime.date(2025, 1, 1),
    )
    assert locate((113.82, 22.75), on=datetime.date(2024, 12, 31)).grid == old
    assert locate((113.82, 22.75), on=datetime.date(2025, 1, 1)).grid == new


def test_locate_many_agrees_with_locate(world):
    points = [(113.82, 22.75), (113.85, 22.75), (113.97, 22.85), (114.5, 22.0), (113.85, 22.80)]
    index = GridIndex()
    expected = [locate(p).grid.id if locate(p).inside else None for p in points]
    assert locate_many(points, index=index) == expected


@pytest.mark.parametrize("count", [1, 1000])
def test_locate_many_answers_every_point(world, count):
    import random

    rng = random.Random(1)
    points = [(rng.uniform(113.80, 114.00), rng.uniform(22.70, 22.90)) for _ in range(count)]
    ids = locate_many(points)
    assert len(ids) == count and None not in ids
