"""locate(): inside, on shared edges, in holes, outside, by date; locate_many agrees with it."""

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from grids.locate import GridIndex, locate, locate_many
from grids.models import AreaGrid
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


# --- The in-process index and the boundaries' change mark (issue 17) ----------------------------

WEST_OF_NEW_EDGE = (113.86, 22.75)  # in A1b; in A1a once their edge moves to 113.87 E


def _edge_moved_east(world):
    """Redraw A1a and A1b as grids.tests.test_redraw does: their shared edge to 113.87 E."""
    from grids.boundary_import import import_boundaries
    from grids.tests.test_redraw import redrawn_a1

    import_boundaries(redrawn_a1(), replace=True, valid_from=timezone.localdate())


def test_the_in_process_answer_agrees_with_the_database(world):
    from grids.locate import _locate_in_database

    SubGridFactory(
        grid=world.grids["A1a"],
        code=world.grids["A1a"].code + "01",
        boundary=MultiPolygon(Polygon.from_bbox((113.80, 22.70, 113.85, 22.75)), srid=4326),
    )
    edges = [113.80, 113.82, 113.85, 113.86, 113.9, 113.95, 114.0, 114.5]
    for x in edges:
        for y in [22.70, 22.75, 22.78, 22.80, 22.85, 22.9, 23.5]:
            point = Point(x, y, srid=4326)
            fast, slow = locate(point), _locate_in_database(point, None)
            assert (fast.grid, fast.subgrid) == (slow.grid, slow.subgrid), (x, y)
            if fast.inside:
                assert fast.grid.community == slow.grid.community
                assert fast.grid.community.street == slow.grid.community.street
                assert fast.grid.name == slow.grid.name


def test_a_located_point_costs_one_query_once_the_index_is_built(world, django_assert_num_queries):
    locate((113.82, 22.75))
    with django_assert_num_queries(1):  # the change mark
        location = locate((113.89, 22.75))
    assert location.grid == world.grids["A1b"]
    # Fresh instances each time: what one caller changes, the next does not see.
    location.grid.name = "changed by a caller"
    assert locate((113.89, 22.75)).grid.name == world.grids["A1b"].name


def test_a_redraw_is_seen_at_once(world):
    assert locate(WEST_OF_NEW_EDGE).grid == world.grids["A1b"]  # the index is built and kept
    _edge_moved_east(world)
    found = locate(WEST_OF_NEW_EDGE).grid
    assert found.code == world.grids["A1a"].code and found != world.grids["A1a"]  # new version


def test_every_level_moves_the_mark_districts_too(world):
    """The mark moves with a write to any level, the districts included (migration grids 0005:
    the map's first view is kept per process under it, grids.selectors.map_view_at_mark)."""
    from django.db import connection

    from grids.locate import boundaries_mark
    from grids.selectors import map_view_at_mark

    if connection.vendor != "postgresql":
        pytest.skip("the mark is a PostgreSQL trigger")
    before = boundaries_mark()
    assert map_view_at_mark(before).bounds == "22.70000,113.80000,22.90000,114.00000"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grids_district SET name = name WHERE id = %s", [world.district.pk])
    assert boundaries_mark() != before


def test_a_write_that_sends_no_signal_is_seen_at_once(world):
    from django.db import connection

    assert locate((113.89, 22.75)).grid == world.grids["A1b"]
    AreaGrid.objects.filter(pk=world.grids["A1b"].pk).update(
        boundary=MultiPolygon(Polygon.from_bbox((113.88, 22.70, 113.90, 22.80)), srid=4326)
    )
    assert locate((113.87, 22.75)).grid is None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE grids_community SET name = 'renamed' WHERE id = %s",
            [world.grids["A1b"].community_id],
        )
    assert locate((113.89, 22.75)).grid.community.name == "renamed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_redraw_committed_by_another_process_is_seen_and_a_rolled_back_one_is_not(
    transactional_db, world
):
    import threading

    from django.db import connection, transaction

    assert locate(WEST_OF_NEW_EDGE).grid == world.grids["A1b"]

    def elsewhere():  # another connection, like another worker process
        try:
            _edge_moved_east(world)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join(timeout=60)
    assert locate(WEST_OF_NEW_EDGE).grid.code == world.grids["A1a"].code

    shrunk = MultiPolygon(Polygon.from_bbox((113.80, 22.70, 113.81, 22.71)), srid=4326)
    current_a1a = AreaGrid.objects.current().get(code=world.grids["A1a"].code)
    with pytest.raises(RuntimeError), transaction.atomic():
        AreaGrid.objects.filter(pk=current_a1a.pk).update(boundary=shrunk)
        assert locate(WEST_OF_NEW_EDGE).grid is None  # this transaction's own write
        raise RuntimeError("roll back")
    assert locate(WEST_OF_NEW_EDGE).grid == current_a1a


# --- The table of cells (grids.locate._Cells, issue 17) -----------------------------------------


def _placer_with_a_sub_grid_and_a_hole(world):
    from grids.locate import _Placer

    SubGridFactory(
        grid=world.grids["A1a"],
        code=world.grids["A1a"].code + "01",
        boundary=MultiPolygon(Polygon.from_bbox((113.80, 22.70, 113.83, 22.73)), srid=4326),
    )
    # East of the district, with a gap between: a grid with a hole.
    shell = [(114.10, 22.70), (114.20, 22.70), (114.20, 22.80), (114.10, 22.80), (114.10, 22.70)]
    hole = [(114.14, 22.74), (114.16, 22.74), (114.16, 22.76), (114.14, 22.76), (114.14, 22.74)]
    AreaGridFactory(
        community=world.grids["B2b"].community,
        code=world.grids["B2b"].code[:-2] + "99",
        boundary=MultiPolygon(Polygon(shell, hole), srid=4326),
    )
    return _Placer(timezone.localdate())


def _answer(location):
    return (location.grid and location.grid.pk, location.subgrid and location.subgrid.pk)


def test_the_cells_answer_as_the_trees_do(world):
    """Random points, every vertex and edge midpoint of the boundaries, and every cell's corners
    (the grids' edges lie on cell edges here): the table's answer is the trees'."""
    import random

    import shapely

    placer = _placer_with_a_sub_grid_and_a_hole(world)
    cells = placer.cells
    rng = random.Random(3)
    points = [
        (
            rng.uniform(cells.x0 - 0.05, cells.x1 + 0.05),
            rng.uniform(cells.y0 - 0.05, cells.y1 + 0.05),
        )
        for _ in range(5000)
    ]
    for geometry in [*placer.grid_tree.geometries, *placer.subgrid_tree.geometries]:
        coordinates = shapely.get_coordinates(geometry)
        points += [tuple(c) for c in coordinates]
        points += [tuple(c) for c in (coordinates[:-1] + coordinates[1:]) / 2]
    points += [
        (cells.x0 + i * cells.size, cells.y0 + j * cells.size)
        for i in range(cells.nx + 1)
        for j in range(cells.ny + 1)
    ]
    answered = 0
    for x, y in points:
        assert _answer(placer.locate(x, y)) == _answer(placer._locate_in_trees(x, y)), (x, y)
        answered += cells.get(x, y) is not None
    # Most points never reach the trees (else the table would be a test that cannot fail).
    assert answered > len(points) * 0.6


def test_a_point_in_a_cell_with_an_answer_never_asks_the_trees(world, monkeypatch):
    placer = _placer_with_a_sub_grid_and_a_hole(world)

    def no_trees(x, y):
        raise AssertionError("asked the trees")

    monkeypatch.setattr(placer, "_locate_in_trees", no_trees)
    assert _answer(placer.locate(113.815, 22.715)) == (
        world.grids["A1a"].pk,
        world.grids["A1a"].subgrids.get().pk,
    )
    assert _answer(placer.locate(113.87, 22.77)) == (world.grids["A1b"].pk, None)
    assert _answer(placer.locate(114.05, 22.75)) == (None, None)  # between the grids
    assert _answer(placer.locate(114.50, 22.75)) == (None, None)  # beyond all of them
    assert _answer(placer.locate(float("nan"), 22.75)) == (None, None)


def test_the_cells_of_a_hole_are_outside_the_grid(world):
    placer = _placer_with_a_sub_grid_and_a_hole(world)
    assert placer.locate(114.15, 22.75).grid is None
    assert placer.cells.get(114.15, 22.75) is not None  # answered by its cell, not the trees
    assert placer.locate(114.12, 22.72).grid.code.endswith("99")
