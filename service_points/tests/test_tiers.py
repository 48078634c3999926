"""Tier/parent consistency and the served area checked against the point location."""

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from service_points.models import ServicePosition, Tier
from service_points.services import position_save, position_validate


def _position(**fields):
    defaults = {"name": "新阵地", "address": "测试路", "is_active": True}
    return ServicePosition(**{**defaults, **fields})


def _errors(position):
    with pytest.raises(ValidationError) as exc:
        position_validate(position)
    return exc.value.message_dict


def test_a_grid_position_in_its_grid_under_its_community_centre_is_accepted(world, positions):
    grid = world.grids["A2a"]
    centre = position_save(
        position=_position(
            tier=Tier.CENTRE, community=grid.community, location=Point(113.82, 22.85, srid=4326)
        )
    )
    position = position_save(
        position=_position(
            tier=Tier.GRID_POSITION,
            grid=grid,
            parent=centre,
            location=Point(113.82, 22.85, srid=4326),
        )
    )
    assert position.community == grid.community  # filled from the grid it serves


def test_a_centre_has_no_parent(world, positions):
    errors = _errors(
        _position(
            tier=Tier.CENTRE,
            community=world.communities["A2"],
            parent=positions.centre,
            location=Point(113.82, 22.85, srid=4326),
        )
    )
    assert "parent" in errors


def test_a_grid_position_needs_its_own_communitys_centre_as_parent(world, positions):
    errors = _errors(
        _position(
            tier=Tier.GRID_POSITION,
            grid=world.grids["A1a"],
            parent=positions.other_centre,
            location=Point(113.82, 22.75, srid=4326),
        )
    )
    assert "A1社区" in errors["parent"][0]
    errors = _errors(
        _position(
            tier=Tier.GRID_POSITION,
            grid=world.grids["A1a"],
            parent=positions.micro,
            location=Point(113.82, 22.75, srid=4326),
        )
    )
    assert "parent" in errors


def test_a_micro_site_hangs_under_a_grid_position(world, positions):
    errors = _errors(
        _position(
            tier=Tier.MICRO_SITE,
            grid=world.grids["A1a"],
            parent=positions.centre,
            location=Point(113.82, 22.75, srid=4326),
        )
    )
    assert "parent" in errors
    position_validate(
        _position(
            tier=Tier.MICRO_SITE,
            grid=world.grids["A1a"],
            parent=positions.grid_a,
            location=Point(113.82, 22.75, srid=4326),
        )
    )


def test_a_point_outside_the_served_grid_is_refused(world, positions):
    # 113.87 lies in A1b, east of A1a.
    errors = _errors(
        _position(
            tier=Tier.MICRO_SITE,
            grid=world.grids["A1a"],
            parent=positions.grid_a,
            location=Point(113.87, 22.75, srid=4326),
        )
    )
    assert "A1b网格" in errors["location"][0]


def test_a_centre_must_stand_in_its_community(world, positions):
    errors = _errors(
        _position(
            tier=Tier.CENTRE,
            community=world.communities["A2"],
            location=Point(113.82, 22.75, srid=4326),
        )
    )
    assert "A1社区" in errors["location"][0]


def test_a_point_outside_the_district_is_refused(world, positions):
    errors = _errors(
        _position(
            tier=Tier.MICRO_SITE,
            grid=world.grids["A1a"],
            parent=positions.grid_a,
            location=Point(120.0, 30.0, srid=4326),
        )
    )
    assert errors["location"] == ["该位置不在本区范围内。"]


def test_a_micro_site_serving_a_subgrid_must_stand_in_it(world, positions):
    from grids.tests.factories import SubGridFactory, square

    west = SubGridFactory(grid=world.grids["A1a"], boundary=square(113.80, 22.70, 0.025))
    errors = _errors(
        _position(
            tier=Tier.MICRO_SITE,
            subgrid=west,
            parent=positions.grid_a,
            location=Point(113.84, 22.75, srid=4326),
        )
    )
    assert "location" in errors
    site = _position(
        tier=Tier.MICRO_SITE,
        subgrid=west,
        parent=positions.grid_a,
        location=Point(113.81, 22.71, srid=4326),
    )
    position_validate(site)
    assert site.grid == world.grids["A1a"]


def test_a_second_active_centre_in_a_community_is_refused(world, positions):
    errors = _errors(
        _position(
            tier=Tier.CENTRE,
            community=world.communities["A1"],
            location=Point(113.82, 22.75, srid=4326),
        )
    )
    assert "community" in errors


def test_the_database_refuses_a_centre_with_a_grid(world, positions):
    with pytest.raises(IntegrityError):
        ServicePosition.objects.create(
            name="x",
            tier=Tier.CENTRE,
            community=world.communities["A2"],
            grid=world.grids["A2a"],
            address="x",
            location=Point(113.82, 22.85, srid=4326),
        )
