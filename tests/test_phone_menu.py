"""The menu on a 360 px phone: a button instead of 13 links wrapping into four rows (225 of 780
px). It opens with a tap, the keyboard or without JavaScript (a <details> disclosure), Escape
closes it; from 1000 px the links are laid out in the header."""

import pytest

from conftest import DESKTOP, PHONE, browser_login

pytestmark = pytest.mark.browser


def test_the_phone_menu(transactional_db, world, live_server, page, artifacts):
    browser_login(page, live_server, "district")
    page.goto(f"{live_server.url}/dashboard/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, header
    menu = page.locator("#site-menu")
    links = menu.locator("nav a")
    assert links.count() >= 12
    assert not links.first.is_visible()
    assert page.locator("main h1").bounding_box()["y"] < 140  # the page starts near the top
    page.screenshot(path=str(artifacts / "menu_closed_phone.png"))

    menu.locator("summary").click()
    assert menu.get_attribute("open") is not None
    assert links.first.is_visible() and links.last.is_visible()
    current = menu.locator("nav a[aria-current=page]")
    assert current.inner_text() == "工作台"
    page.screenshot(path=str(artifacts / "menu_open_phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Escape closes it and gives the focus back to its button; Enter on the button opens it.
    links.first.focus()
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    assert menu.locator("summary").inner_text().strip() == "菜单"

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert links.first.is_visible() and not menu.locator("summary").is_visible()
    page.screenshot(path=str(artifacts / "menu_desktop.png"))


def test_the_menu_works_without_javascript(transactional_db, world, live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/dashboard/")
    menu = page.locator("#site-menu")
    assert not menu.locator("nav a").first.is_visible()
    menu.locator("summary").click()
    menu.locator("nav a", has_text="诉求案件队列").click()
    page.wait_for_url("**/requests/queue/")
    # The language switcher has its own button (no submit on change).
    page.locator("#site-menu summary").click()
    page.select_option("#language", "en")
    assert "/requests/queue/" in page.url
    page.locator("#site-menu .lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()
