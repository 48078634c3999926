import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.tests.factories import UserFactory
from grids.models import GridAssignment
from grids.services import assignment_create, grid_head_change, key_place_check_location
from grids.tests.factories import KeyPlaceFactory


def test_an_area_grid_has_one_grid_head_at_a_time(world):
    grid = world.grids["A1a"]
    newcomer = UserFactory(role=Role.GRID_HEAD, node=grid)
    with pytest.raises(ValidationError, match="同一时间只能有一名网格长"):
        assignment_create(
            grid=grid,
            user=newcomer,
            role=GridAssignment.Role.GRID_HEAD,
            start_date=datetime.date(2024, 1, 1),
        )


def test_the_database_refuses_two_open_grid_heads(world):
    grid = world.grids["A1a"]
    with pytest.raises(IntegrityError), transaction.atomic():
        GridAssignment.objects.create(
            grid=grid, user=world.users.grid_worker, role=GridAssignment.Role.GRID_HEAD
        )


def test_changing_the_grid_head_ends_the_old_assignment(world):
    grid = world.grids["A1a"]
    newcomer = UserFactory(role=Role.GRID_HEAD, node=grid)
    grid_head_change(grid=grid, user=newcomer, on=datetime.date(2026, 3, 1))
    heads = GridAssignment.objects.filter(grid=grid, role=GridAssignment.Role.GRID_HEAD)
    assert heads.get(user=world.users.grid_head).end_date == datetime.date(2026, 2, 28)
    assert grid.current_grid_head().user == newcomer


def test_many_grid_workers_may_share_a_grid(world):
    grid = world.grids["A1a"]
    for _ in range(3):
        assignment_create(
            grid=grid,
            user=UserFactory(role=Role.GRID_WORKER, node=grid),
            role=GridAssignment.Role.GRID_WORKER,
        )
    assert grid.assignments.filter(role="grid_worker").count() == 4


def test_a_key_place_must_lie_in_its_grid(world):
    place = KeyPlaceFactory.build(
        grid=world.grids["A1b"], location=world.grids["A1a"].boundary.centroid
    )
    with pytest.raises(ValidationError, match="A1a"):
        key_place_check_location(place)
    place.grid = world.grids["A1a"]
    key_place_check_location(place)
