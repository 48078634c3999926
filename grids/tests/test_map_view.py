"""Maps open on the district's own boundary (grids.selectors.map_view), not on constants."""

import pytest

from grids.admin import MapAdmin
from grids.boundary_import import import_boundaries
from grids.models import KeyPlace
from grids.selectors import NO_DISTRICT_VIEW, map_view


def test_without_a_district_the_map_opens_on_the_whole_country(db):
    assert map_view() == NO_DISTRICT_VIEW


def test_the_first_view_is_the_extent_of_the_district(world):
    view = map_view()
    assert (view.south, view.west, view.north, view.east) == pytest.approx(
        (22.70, 113.80, 22.90, 114.00)
    )
    assert view.center == pytest.approx((22.80, 113.90))
    assert view.zoom == 12  # 0.2° is 582 px at zoom 12: the largest zoom that fits 600 px
    assert view.bounds == "22.70000,113.80000,22.90000,114.00000"


def test_a_new_district_moves_the_first_view_once_imported(db, django_capture_on_commit_callbacks):
    assert map_view() == NO_DISTRICT_VIEW  # cached
    square = [[[100.0, 30.0], [100.02, 30.0], [100.02, 30.02], [100.0, 30.02], [100.0, 30.0]]]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": square},
                "properties": {"level": "district", "code": "513300", "name": "示例区"},
            }
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        import_boundaries(data)
    view = map_view()
    assert view.center == pytest.approx((30.01, 100.01))
    assert view.zoom == 15


def test_the_admin_map_widgets_open_on_the_district(world):
    from django.contrib import admin

    overrides = MapAdmin(KeyPlace, admin.site).settings_overrides
    assert overrides["DEFAULT_CENTER"] == pytest.approx((22.80, 113.90))
    assert overrides["DEFAULT_ZOOM"] == 12


def test_map_pages_carry_the_bounds_for_redgrid_map_js(world, client):
    page = client.get("/map/")
    assert 'data-map-bounds="22.70000,113.80000,22.90000,114.00000"' in page.content.decode()
