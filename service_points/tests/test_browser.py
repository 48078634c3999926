"""The public map of positions on a phone, filtered to "open now"."""

import datetime

import pytest
import time_machine

from core.periods import time_zone
from service_points.models import OpeningException
from service_points.services import opening_hours_set

TZ = time_zone()

pytestmark = pytest.mark.browser


def test_the_public_map_filtered_to_open_now_on_a_phone(
    transactional_db, world, positions, page, live_server, artifacts
):
    monday = datetime.date(2024, 6, 3)
    OpeningException.objects.create(
        position=positions.centre, date=monday, is_closed=True, note="临时闭馆"
    )
    opening_hours_set(
        position=positions.micro,
        weekly={d: [(datetime.time(18), datetime.time(2))] for d in range(7)},
    )
    with time_machine.travel(datetime.datetime(2024, 6, 3, 10, 0, tzinfo=TZ), tick=True):
        page.goto(f"{live_server.url}/positions/")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        page.wait_for_selector("#position-map[data-loaded=true]")
        assert page.locator("#position-map").get_attribute("data-count") == "5"
        assert page.locator(".position-item").count() == 5

        page.get_by_label("现在开放").check()
        page.get_by_role("button", name="显示").click()
        page.wait_for_selector("#position-map[data-loaded=true]")
        assert "open_now=on" in page.url
        names = page.locator(".position-item .position-name").all_inner_texts()
        assert sorted(names) == sorted(
            ["A1a网格党群服务站", "A1b网格党群服务站", "B1社区党群服务中心"]
        )
        assert page.locator("#position-map").get_attribute("data-count") == "3"
        # The pins draw on one canvas (positions.js): the map's own count is what it drew.
        # the page fits a phone: no horizontal scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(artifacts / "service_points_open_now_phone.png"), full_page=True)

        # "nearest to me": the browser's location goes into the filters, nearest first
        here = positions.other_centre.location
        page.context.grant_permissions(["geolocation"], origin=live_server.url)
        page.context.set_geolocation({"latitude": here.y, "longitude": here.x})
        page.get_by_role("button", name="离我最近").click()
        page.wait_for_url("**lat=*")
        page.wait_for_selector("#position-map[data-loaded=true]")
        page.wait_for_selector(".position-item .distance")  # the list of the new address
        first = page.locator(".position-item").first
        assert first.locator(".position-name").inner_text() == "B1社区党群服务中心"
        assert first.locator(".distance").inner_text() == "0米"
        assert "open_now=on" in page.url  # the other filters are kept

        page.locator(".position-name", has_text="A1a网格党群服务站").click()
        assert page.locator("h1").inner_text() == "A1a网格党群服务站"
        assert page.locator("#open-state").inner_text() == "现在开放"


def test_nearest_to_me_on_a_phone_shows_metres_and_kilometres_and_the_nearest_pins(
    transactional_db, world, positions, page, live_server, artifacts
):
    """ "离我最近" printed metres as kilometres ("1545.2公里" for about 1.5 km) and zoomed to the
    visitor alone, leaving the nearest pins off-screen."""
    from django.contrib.gis.geos import Point

    from service_points.models import ServicePosition

    # About 1.5 km north of the A1a grid position (and of its micro-site, at the same place).
    target = positions.grid_a.location
    here = Point(target.x, target.y + 1545 / 111_320, srid=4326)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": here.y, "longitude": here.x})
    page.goto(f"{live_server.url}/positions/")
    page.wait_for_selector("#position-map[data-loaded=true]")
    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=*")
    page.wait_for_selector("#position-map[data-view]")
    items = page.locator(".position-item")
    first = items.first.locator(".distance")
    metres = int(first.get_attribute("data-metres"))
    assert 1500 < metres < 1600
    assert first.inner_text() == f"{metres / 1000:.1f}公里"  # 1.5公里, not 1545.2公里
    for i in range(items.count()):
        shown = items.nth(i).locator(".distance")
        m = int(shown.get_attribute("data-metres"))
        text = shown.inner_text()
        if m < 1000:
            assert text == f"{m}米"
        else:
            assert text.endswith("公里") and abs(float(text[:-2]) * 1000 - m) <= 50, text
    # The visitor and the nearest positions are all on the map's screen.
    west, south, east, north = map(
        float, page.locator("#position-map").get_attribute("data-view").split(",")
    )
    names = items.locator(".position-name").all_inner_texts()[:3]
    for name in names:
        p = ServicePosition.objects.get(name=name).location
        assert west <= p.x <= east and south <= p.y <= north, name
    assert west <= here.x <= east and south <= here.y <= north
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "positions_nearest_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.wait_for_selector("#position-map[data-view]")
    page.screenshot(path=str(artifacts / "positions_nearest_desktop.png"), full_page=True)
