"""On a 360 px phone: a tap on the resident form's map, or a place search, says which grid the
place belongs to ("这里属于 …网格") and the nearest known place; without tiles the map draws the
communities' names and the known places. Screenshots of the pages this work touched, at 360 and
1280 px (test-artifacts/)."""

import pytest
from django.contrib.gis.geos import Point

from conftest import page_settled
from grids.tests.factories import KeyPlaceFactory
from requests_desk.models import Request
from requests_desk.services import request_create

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def estate(world, categories):
    return KeyPlaceFactory(
        grid=world.grids["A1b"],
        name="光明花园",
        address="华夏路12号",
        location=Point(113.87, 22.75, srid=4326),
    )


def _quiet(page):
    """Leave the site before the test ends: a page still loading (its map, a fetch) would reach
    the live server while the tables are emptied and their seeded rows put back."""
    page.goto("about:blank")
    page.wait_for_timeout(300)


def _errors(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.browser
def test_tap_and_search_name_the_grid_on_a_phone(
    transactional_db, world, estate, live_server, page, artifacts
):
    errors = _errors(page)
    page.goto(f"{live_server.url}/requests/new/")
    page.wait_for_selector("#rq-map[data-loaded=true]")
    assert page.get_attribute("#rq-map", "data-reference") == "true"
    assert page.locator(".rq-ref-label", has_text="A1社区").count() == 1
    box = page.locator("#rq-map").bounding_box()
    page.locator("#rq-map").click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.wait_for_function(
        "() => document.getElementById('rq-place-here').textContent.includes('这里属于')"
    )
    tapped = page.locator("#rq-place-here").inner_text()
    assert "网格" in tapped, tapped
    page.screenshot(path=str(artifacts / "place_tap_phone.png"), full_page=True)

    page.fill("#id_place_q", "华夏路")
    page.click("#rq-place-find")
    page.locator(".rq-place-list button", has_text="光明花园").click()
    page.wait_for_function(
        "() => document.getElementById('rq-place-here').textContent.includes('A1b网格')"
    )
    assert "光明花园" in page.locator("#rq-place-here").inner_text()
    assert page.input_value("#id_lat").startswith("22.75")
    page.screenshot(path=str(artifacts / "place_search_phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / "place_search_desktop.png"), full_page=True)
    _quiet(page)
    assert not errors, errors


@pytest.mark.browser
def test_search_without_javascript(
    transactional_db, world, estate, categories, browser, live_server, artifacts
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/requests/new/")
    page.select_option("#id_category", label="暴露垃圾")
    page.fill("#id_description", "小区东门垃圾堆了三天没人清理")
    page.fill("#id_place_q", "光明花园")
    page.click("#rq-place-find")
    page.wait_for_selector("input[name=place]")
    assert page.input_value("#id_description") == "小区东门垃圾堆了三天没人清理"
    page.screenshot(path=str(artifacts / "place_nojs_results_phone.png"), full_page=True)
    page.click("button.primary")
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Request.objects.get(code=code).grid == world.grids["A1b"]
    _quiet(page)
    context.close()


@pytest.mark.browser
def test_screenshots_of_area_pages_and_placing(
    transactional_db, world, estate, categories, live_server, page, artifacts
):
    from conftest import browser_login

    request_create(
        source=Request.Source.RESIDENT_FORM,
        category=categories["E0103"],
        description="楼下垃圾没人清理，联系 13812345678",
        location=(113.812, 22.751),
    )
    unplaced = request_create(
        source=Request.Source.RESIDENT_FORM,
        category=categories["E0103"],
        description="路口井盖丢了",
        community=world.communities["A1"],
        address="不知道叫什么的路口",
    )
    errors = _errors(page)
    shots = [
        ("areas", "/areas/"),
        ("area_grid", f"/areas/{world.grids['A1a'].code}/"),
        ("area_community", f"/areas/{world.communities['A1'].code}/"),
        ("area_street", f"/areas/{world.streets['A'].code}/"),
        ("alert_stop_invalid", "/areas/alerts/stop/x/"),
    ]
    for size, viewport in (("phone", {"width": 360, "height": 740}), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for name, path in shots:
            page.goto(f"{live_server.url}{path}")
            page_settled(page)
            page.screenshot(path=str(artifacts / f"{name}_{size}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/areas/{world.grids['A1a'].code}/")
    assert page.get_attribute("#area-map", "data-loaded") == "true"
    assert "13812345678" not in page.content()
    page.fill("#id_contact", "resident@example.com")
    page.click("text=有新诉求时提醒我")
    page.wait_for_selector(".messages")
    page.screenshot(path=str(artifacts / "area_subscribed_phone.png"), full_page=True)

    browser_login(page, live_server, "community_a1")
    for size, viewport in (("phone", {"width": 360, "height": 740}), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/requests/queue/?unplaced=on&stage=open")
        page.screenshot(path=str(artifacts / f"queue_unplaced_{size}.png"), full_page=True)
        page.goto(f"{live_server.url}/dashboard/")
        page.screenshot(path=str(artifacts / f"dashboard_unplaced_{size}.png"), full_page=True)
        page.goto(f"{live_server.url}/requests/case/{unplaced.code}/act/place/")
        page.wait_for_selector("#rq-place-map[data-loaded=true]")
        assert page.get_attribute("#rq-place-map", "data-error") is None, page.get_attribute(
            "#rq-place-map", "data-error"
        )
        page.screenshot(path=str(artifacts / f"place_action_{size}.png"), full_page=True)
    box = page.locator("#rq-place-map").bounding_box()
    # The map is fitted to the community's two grids: just left of the centre is in A1a.
    page.locator("#rq-place-map").click(
        position={"x": box["width"] / 2 - 20, "y": box["height"] / 2}
    )
    page.wait_for_function(
        "() => document.getElementById('rq-place-here').textContent.includes('这里属于')"
    )
    page.click("form.rq-action-form button[type=submit]")
    page.wait_for_url(f"**/requests/case/{unplaced.code}/")
    page_settled(page)
    _quiet(page)
    unplaced.refresh_from_db()
    assert unplaced.grid == world.grids["A1a"]
    assert not errors, errors
