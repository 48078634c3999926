"""The queue page's option lists kept per process behind their marks (queue_options): the same
lists as the queries, each change shown at once, each jurisdiction's grids only its own."""

import pytest

from grids.models import AreaGrid
from grids.tests.factories import AreaGridFactory
from requests_desk import queue_options
from requests_desk.models import Category, Department
from requests_desk.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _read(user):
    return (
        queue_options.category_rows(),
        queue_options.grid_rows(user),
        queue_options.department_rows(),
    )


def test_the_kept_lists_are_the_queries_and_follow_every_write(world, categories):
    street = world.users.street_staff
    DepartmentFactory(name="城管")
    first = queue_options.options_for(street)
    assert (first.categories, first.grids, first.departments) == _read(street)
    assert len(first.categories) > 3 and len(first.grids) == 4 and len(first.departments) >= 1
    # Kept: the same tuples again, one statement.
    again = queue_options.options_for(street)
    assert again.categories is first.categories and again.grids is first.grids
    Category.objects.filter(code="E0103").update(name="改过的名字")
    DepartmentFactory(name="水务")
    Department.objects.filter(name="城管").update(active=False)
    AreaGridFactory(community=world.communities["A1"], code="44031100100199", name="新网格")
    changed = queue_options.options_for(street)
    assert (changed.categories, changed.grids, changed.departments) == _read(street)
    assert any(row[1] == "改过的名字" for row in changed.categories)
    assert [name for _pk, name in changed.departments].count("城管") == 0
    assert "新网格" in [name for _pk, name, _code in changed.grids]
    AreaGrid.objects.filter(code="44031100100199").delete()
    assert queue_options.options_for(street).grids == first.grids


def test_each_jurisdiction_gets_its_own_grids(world):
    a, b = world.users.street_staff, world.users.other_street_staff
    for _ in range(2):  # alternately: each from memory the second time
        mine, theirs = queue_options.options_for(a).grids, queue_options.options_for(b).grids
        assert mine == queue_options.grid_rows(a) and theirs == queue_options.grid_rows(b)
        assert not set(mine) & set(theirs)
    head = queue_options.options_for(world.users.grid_head).grids
    assert [name for _pk, name, _code in head] == ["A1a网格"]


def test_a_list_read_while_its_mark_moved_is_not_kept(world, monkeypatch):
    street = world.users.street_staff
    queue_options.options_for(street)
    real = queue_options.grid_rows

    def renamed_meanwhile(user):
        rows = real(user)
        AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(name="改名中")
        return rows

    AreaGridFactory(community=world.communities["A1"], code="44031100100199", name="新网格")
    monkeypatch.setattr(queue_options, "grid_rows", renamed_meanwhile)
    stale = queue_options.options_for(street).grids
    assert "改名中" not in [name for _pk, name, _code in stale]
    monkeypatch.setattr(queue_options, "grid_rows", real)
    assert "改名中" in [name for _pk, name, _code in queue_options.options_for(street).grids]


def test_the_bulk_dispatch_lists_a_new_department_at_once(client, world, make_request):
    from conftest import login_verified

    make_request(grid="A1a")
    login_verified(client, world.users.street_staff)
    page = client.get("/requests/queue/").content.decode()
    assert 'name="target"' in page and "新的部门" not in page
    DepartmentFactory(name="新的部门")
    assert "新的部门" in client.get("/requests/queue/").content.decode()


def test_the_rows_names_are_the_joined_names_and_follow_every_rename(client, world, make_request):
    from conftest import login_verified
    from requests_desk.selectors import queue_page, requests_for

    for grid in ("A1a", "A2b", "A1b"):
        make_request(grid=grid)
    user = world.users.street_staff

    def shown():
        return {
            row.code: (row.category_name, row.category_name_en, row.grid_name, row.community_name)
            for row in queue_page(requests_for(user), page_size=100).rows
        }

    joined = {
        code: (category, category_en, grid, community)
        for code, category, category_en, grid, community in requests_for(user).values_list(
            "code", "category__name", "category__name_en", "grid__name", "community__name"
        )
    }
    assert shown() == joined and len(joined) == 3
    login_verified(client, user)
    assert "A1a网格" in client.get("/requests/queue/").content.decode()
    AreaGrid.objects.filter(pk=world.grids["A1a"].pk).update(name="改名的网格")
    page = client.get("/requests/queue/").content.decode()
    assert "改名的网格" in page and "A1a网格" not in page.split("<tbody>")[1]


def test_a_name_missing_from_the_kept_maps_is_read(world, make_request):
    from requests_desk.selectors import queue_page, requests_for

    case = make_request(grid="A1a")
    names = queue_options.row_names()
    lacking = queue_options.RowNames(categories={}, grids={}, communities={})
    (row,) = queue_page(requests_for(world.users.street_staff), names=lacking).rows
    (expected,) = queue_page(requests_for(world.users.street_staff), names=names).rows
    assert row == expected and row.code == case.code and row.grid_name == "A1a网格"
