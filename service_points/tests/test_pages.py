"""Public list and detail pages: no login, Chinese, filters, fixed query count."""

import datetime

import time_machine

from core.periods import time_zone
from service_points.models import Facility, ServicePosition
from service_points.tests.factories import MicroSiteFactory

TZ = time_zone()


def test_the_public_list_needs_no_login_and_is_linked_in_the_navigation(client, positions):
    response = client.get("/positions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/positions/"' in html and "党群服务阵地" in html
    assert "A1社区党群服务中心" in html and "B1社区党群服务中心" in html


def test_the_list_filters_by_tier_and_sorts_by_distance(client, positions):
    html = client.get("/positions/?tier=micro_site").content.decode()
    assert "A1a集装箱微站点" in html and "A1社区党群服务中心" not in html
    here = positions.other_centre.location
    response = client.get(f"/positions/?lat={here.y}&lon={here.x}")
    names = [p.name for p in response.context["page"]]
    assert names[0] == "B1社区党群服务中心"
    assert "按离您的距离由近到远排列" in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(
    client, world, positions, django_assert_max_num_queries, settings
):
    settings.REDGRID_SERVICE_POINTS_ANSWER_CACHE_SECONDS = 0  # rendered each time
    for _ in range(10):
        MicroSiteFactory(grid=world.grids["A1a"], parent=positions.grid_a)
    positions.grid_a.facilities.add(Facility.objects.get(code="book_bar"))
    # The count, the page's positions, their facilities, the form's functions and facilities,
    # the map's extent (cached): not the opening hours, exceptions or parents (issue 17).
    with django_assert_max_num_queries(6):
        response = client.get("/positions/")
    assert response.status_code == 200
    assert Facility.objects.get(code="book_bar").label in response.content.decode()
    with django_assert_max_num_queries(6):
        response = client.get("/positions/?open_now=on")
    assert response.status_code == 200


@time_machine.travel(datetime.datetime(2024, 6, 3, 22, 0, tzinfo=TZ), tick=False)
def test_the_detail_page_shows_hours_state_and_the_grid_served(client, positions):
    html = client.get(f"/positions/{positions.grid_a.pk}/").content.decode()
    assert "现在关闭" in html  # open 08:30–21:00
    assert "08:30–21:00" in html and "A1a网格" in html and "A1社区党群服务中心" in html


def test_an_inactive_position_is_not_public(client, positions):
    ServicePosition.objects.filter(pk=positions.micro.pk).update(is_active=False)
    assert client.get(f"/positions/{positions.micro.pk}/").status_code == 404
    assert "A1a集装箱微站点" not in client.get("/positions/").content.decode()


def test_room_pages_are_for_staff_only(client, world, positions):
    client.force_login(world.users.party_member)
    assert client.get("/positions/rooms/").status_code == 403
    client.force_login(world.users.grid_worker)
    html = client.get("/positions/rooms/").content.decode()
    assert "议事厅" in html and "会议室" not in html  # B1's meeting room is outside
    page = client.get(f"/positions/rooms/{positions.hall.pk}/").content.decode()
    assert "预约此场地" not in page  # grid workers see the calendar but cannot book


def test_distances_read_in_metres_below_a_kilometre_and_kilometres_above():
    from django.utils import translation

    from service_points.templatetags.positions import distance

    with translation.override("zh-hans"):
        assert distance(343.4) == "343米"
        assert distance(999.4) == "999米"
        assert distance(1545.2) == "1.5公里"  # was "1545.2公里"
        assert distance(12_345) == "12.3公里"
        assert distance(5360) == "5.4公里"  # rounded, not cut off
        assert distance(None) == ""
