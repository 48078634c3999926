"""The dashboards in a real browser: a grid head sees an overdue request pin and dispatches it
inline; a street staff member switches the choropleth indicator and drills down. Both pages pass
axe-core with no serious or critical violation; screenshots at phone and desktop sizes."""

import pytest

from conftest import DESKTOP, browser_login

AXE = "/static/vendor/axe-core/axe.min.js"


def _axe_violations(page, live_server):
    # A same-origin script tag: allowed by the Content-Security-Policy (script-src 'self').
    page.add_script_tag(url=live_server.url + AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _watch_errors(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Failed loads are reported by URL below (the browser's console line does not name it).
    page.on(
        "console",
        lambda msg: msg.type == "error"
        and "Failed to load resource" not in msg.text
        and errors.append(msg.text),
    )
    page.on(
        "response",
        lambda r: r.status >= 400
        and not r.url.endswith("/favicon.ico")
        and errors.append(f"{r.status} {r.url}"),
    )
    return errors


@pytest.mark.browser
def test_grid_head_sees_overdue_pin_and_dispatches_inline(
    transactional_db, world, populate, live_server, page, artifacts
):
    from requests_desk.models import Request

    made = populate(1)
    overdue = made["overdue"][0]
    errors = _watch_errors(page)
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("h1").inner_text().startswith("工作台")
    page.wait_for_selector("#dash-map[data-loaded=true]")
    pin = page.locator(f".dash-pin[data-code='{overdue.code}']")
    assert pin.get_attribute("data-state") == "overdue"
    assert pin.is_visible()
    assert page.locator(".dash-pin.pin-state-overdue").count() == 1
    assert _axe_violations(page, live_server) == []
    page.screenshot(path=str(artifacts / "dashboard_grid_head_phone.png"), full_page=True)

    row = page.locator(f"#overdue-title ~ ul .dash-row[data-code='{overdue.code}']")
    row.locator("[data-inline=dispatch]").click()
    form = row.locator("form[data-action=dispatch]")
    form.wait_for()
    form.locator("select[name=target]").select_option(f"community:{overdue.community_id}")
    form.locator("button[type=submit]").click()
    row.locator(".rq-action-done").wait_for()
    assert row.locator(".rq-action-done").get_attribute("data-stage") == "dispatched"
    overdue.refresh_from_db()
    assert overdue.target == Request.Target.COMMUNITY and overdue.stage == "dispatched"
    assert page.url.endswith("/dashboard/")  # no full page reload
    assert errors == []

    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_selector("#dash-map[data-loaded=true]")
    page.screenshot(path=str(artifacts / "dashboard_grid_head_desktop.png"), full_page=True)
    # Clicking a pin opens its case.
    page.locator(f".dash-pin[data-code='{overdue.code}']").click()
    page.wait_for_url(f"**/requests/case/{overdue.code}/")


@pytest.mark.browser
def test_street_staff_switches_indicator_and_drills_down(
    transactional_db, world, populate, live_server, page, artifacts
):
    from grids.models import AreaGrid

    AreaGrid.objects.update(population=3000)
    populate(2)
    populate(1, grid="A2b")
    errors = _watch_errors(page)
    browser_login(page, live_server, "street_a")
    page.goto(f"{live_server.url}/overview/")
    assert page.locator("h1").inner_text().startswith("总览")
    page.wait_for_selector("#ov-map[data-loaded=true]")
    assert page.locator("#ov-ranking tbody tr").count() == 4
    # On a phone the ranking scrolls sideways; a grid's name stays on one line.
    lines = page.locator("#ov-ranking tbody td:nth-child(2) a").first.evaluate(
        "a => a.getClientRects().length"
    )
    assert lines == 1
    assert page.locator("#ov-map path.leaflet-interactive").count() == 4
    assert _axe_violations(page, live_server) == []
    page.screenshot(path=str(artifacts / "overview_street_phone.png"), full_page=True)

    # The indicator is shown with the form's button (a select never submits on change).
    page.select_option("#ov-indicator", "overdue_rate")
    page.locator("#ov-form button[type=submit]").click()
    page.wait_for_url("**indicator=overdue_rate**")
    page.wait_for_selector("#ov-map[data-indicator=overdue_rate]")
    assert page.locator("#ov-ranking th.ov-chosen").inner_text() == "超期率"

    page.locator("#ov-children a", has_text="A1社区").click()
    page.wait_for_url("**level=community**")
    assert page.locator("#ov-ranking tbody tr").count() == 2
    page.locator("#ov-ranking a", has_text="A1a网格").click()
    page.wait_for_url("**level=grid**")
    assert page.locator("#ov-ranking tbody tr").count() == 1
    assert page.locator(".ov-crumbs li").count() == 3  # street › community › grid
    assert errors == []
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/overview/")
    page.wait_for_selector("#ov-map[data-loaded=true]")
    assert _axe_violations(page, live_server) == []
    page.screenshot(path=str(artifacts / "overview_street_desktop.png"), full_page=True)
