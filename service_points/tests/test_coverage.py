"""Coverage: area grids without a grid service position; sub-grids without a micro-site within
walking distance (configurable)."""

from django.contrib.gis.geos import Point

from grids.tests.factories import SubGridFactory, square
from service_points.selectors import coverage_report
from service_points.tests.factories import MicroSiteFactory


def test_grids_without_a_grid_position_are_listed(world, positions):
    report = coverage_report(world.users.district_admin)
    codes = {g.code for g in report.grids_without_position}
    # A1a and A1b have positions; the other six grids do not
    assert world.grids["A1a"].code not in codes and world.grids["A1b"].code not in codes
    assert len(codes) == 6 and report.grid_count == 8


def test_the_report_is_scoped_to_the_users_jurisdiction(world, positions):
    report = coverage_report(world.users.community_staff)  # community A1
    assert report.grids_without_position == [] and report.grid_count == 2
    report = coverage_report(world.users.street_staff)  # street A: A2a, A2b uncovered
    assert {g.name for g in report.grids_without_position} == {"A2a网格", "A2b网格"}


def test_sub_grids_far_from_any_micro_site_are_listed(world, positions):
    # two sub-grids of A1b (113.85–113.90): west half and east half; a micro-site in the west one
    west = SubGridFactory(grid=world.grids["A1b"], boundary=square(113.85, 22.70, 0.025))
    east = SubGridFactory(grid=world.grids["A1b"], boundary=square(113.875, 22.70, 0.025))
    west_centre = west.boundary.point_on_surface
    MicroSiteFactory(
        grid=world.grids["A1b"],
        subgrid=west,
        parent=positions.grid_b,
        location=Point(west_centre.x + 0.001, west_centre.y, srid=4326),
    )
    report = coverage_report(world.users.district_admin, walking_distance_m=500)
    assert [s.pk for s in report.subgrids_without_micro_site] == [east.pk]
    # at 3 km the same micro-site (about 2.6 km from the east sub-grid's centre) covers both
    report = coverage_report(world.users.district_admin, walking_distance_m=3000)
    assert report.subgrids_without_micro_site == []


def test_the_coverage_page_is_for_staff(client, world, positions):
    assert client.get("/positions/coverage/").status_code == 302
    client.force_login(world.users.party_member)
    assert client.get("/positions/coverage/").status_code == 403
    client.force_login(world.users.street_staff)
    response = client.get("/positions/coverage/?distance=800")
    assert response.status_code == 200
    assert "A2a网格" in response.content.decode()
    gaps = response.context["gap_codes"]["grids"]
    assert world.grids["A2a"].code in gaps and world.grids["A1a"].code not in gaps
    assert 'id="coverage-gaps"' in response.content.decode()  # the map's data, no inline script
