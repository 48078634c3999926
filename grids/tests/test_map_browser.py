"""The public grid map and the Chinese admin, in Debian's chromium."""

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_a_visitor_opens_the_map_clicks_a_grid_and_sees_its_name(
    transactional_db, world, live_server, page, artifacts
):
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#grid-map[data-loaded=true]")
    assert "8" in page.text_content("#map-status")
    # Search by code, then click the grid polygon that the map zoomed to.
    page.fill("#grid-search-input", "44031100100102")
    page.click("#grid-search button[type=submit]")
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "A1b网格" in popup.text_content()
    page.click(".leaflet-popup-close-button")
    page.locator("path.leaflet-interactive").first.click(force=True)
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = popup.text_content()
    assert "网格" in text and "社区" in text
    # A visitor is not told the grid head's name (REDGRID_PUBLIC_STAFF_NAMES is off).
    assert "网格长" not in text and "head_a1a" not in text
    page.screenshot(path=str(artifacts / "grid-map-phone.png"), full_page=True)


def test_which_grid_am_i_in_uses_the_browser_location(
    transactional_db, world, live_server, browser
):
    context = browser.new_context(
        viewport=DESKTOP,
        geolocation={"longitude": 113.97, "latitude": 22.85},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#grid-map[data-loaded=true]")
    page.click("#where-am-i")
    expect(page.locator("#map-status")).to_contain_text("B2b网格")
    assert "您位于" in page.text_content("#map-status")
    context.close()


def test_street_staff_log_in_to_the_admin_in_chinese(
    transactional_db, world, live_server, page, artifacts
):
    staff = world.users.street_staff
    staff.is_staff = True
    staff.save()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "street_a")  # the admin's login is the site's login page
    page.fill("#id_password", "pw-for-tests-1")
    page.click("main button[type=submit]")
    page.wait_for_selector("#site-name")
    assert "红网格管理后台" in page.text_content("#site-name")
    page.goto(f"{live_server.url}/admin/grids/areagrid/")
    assert "选择 片区网格 来修改" in page.content() or "片区网格" in page.text_content("h1")
    assert page.locator("#result_list tbody tr").count() == 4
    page.screenshot(path=str(artifacts / "admin-grids-zh.png"), full_page=True)
