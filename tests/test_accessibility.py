"""Accessibility (WCAG 2.1 AA) in a real browser, on every page a role can open from its menu.

* axe-core (static/vendor/axe-core) finds no serious or critical violation, logged in as each
  role of the `world` fixture and as a visitor, on each page of their menu, at phone size;
* no two elements share an id, and every id named by aria-describedby / aria-labelledby / a
  label's `for` exists (Django points field errors at `<id>_error`: the ids must be rendered);
* after a failed submit the error summary lists every error and has the focus;
* the focus ring has at least 3:1 contrast with what is around it, on the page and in the red
  header;
* selects do not submit on change (the language switcher has its own button);
* every map is a labelled region, and the dashboard's map pins add no tab stops before its list.
"""

import pytest

from conftest import DESKTOP, PHONE, browser_login, page_settled

pytestmark = pytest.mark.browser

AXE = "/static/vendor/axe-core/axe.min.js"
ROLES = {
    "district_admin": "district",
    "street_staff": "street_a",
    "community_staff": "community_a1",
    "grid_head": "head_a1a",
    "grid_worker": "worker_a1a",
    "party_member": "member_a1a",
}

# Ids and references: duplicates, and references to ids that are not on the page.
ID_CHECK = """() => {
  const seen = {}, duplicates = [], missing = [];
  document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  Object.keys(seen).forEach(id => { if (seen[id] > 1) duplicates.push(id); });
  document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]").forEach(e => {
    const refs = (e.getAttribute("aria-describedby") || "") + " " +
      (e.getAttribute("aria-labelledby") || "") + " " + (e.getAttribute("for") || "");
    refs.split(/\\s+/).filter(Boolean).forEach(id => {
      if (!document.getElementById(id)) { missing.push((e.id || e.tagName) + " → " + id); }
    });
  });
  return {duplicates, missing};
}"""


def axe_violations(page, live_server):
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=live_server.url + AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def site(world, categories):
    """Something on each page: requests in grid A1a at several stages, a service position."""
    from requests_desk import flow
    from requests_desk.models import Request
    from requests_desk.services import request_create
    from service_points.tests.factories import CentreFactory, GridPositionFactory

    grid = world.grids["A1a"]
    point = (grid.boundary.centroid.x, grid.boundary.centroid.y)
    made = [
        request_create(
            source=Request.Source.GRID_PATROL,
            category=categories["E0103"],
            description=f"小区门口有暴露垃圾，第{i}处",
            location=point,
        )
        for i in range(3)
    ]
    flow.transition(case=made[1], action="accept", by=world.users.grid_head)
    flow.transition(case=made[2], action="accept", by=world.users.grid_head)
    flow.transition(case=made[2], action="file", by=world.users.grid_head)
    CentreFactory(community=world.communities["A1"], name="A1社区党群服务中心")
    GridPositionFactory(grid=grid, name="A1a网格党群服务站")
    return made


def menu_pages(page, live_server):
    page.goto(f"{live_server.url}/")
    links = page.eval_on_selector_all(
        "#site-menu nav a", "els => els.map(e => e.getAttribute('href'))"
    )
    return ["/", *links]


def shot_name(who, path, size):
    slug = path.strip("/").replace("/", "_") or "home"
    return f"a11y_{who}_{slug}_{size}.png"


def check_pages(page, live_server, who, extra=(), artifacts=None):
    problems = {}
    for path in [*menu_pages(page, live_server), *extra]:
        response = page.goto(f"{live_server.url}{path}")
        expected = 404 if path == "/no-such-page/" else 200
        assert response.status == expected, (who, path, response.status)
        page_settled(page)
        if artifacts is not None:
            page.screenshot(path=str(artifacts / shot_name(who, path, "phone")), full_page=True)
        found = axe_violations(page, live_server)
        ids = page.evaluate(ID_CHECK)
        if found or ids["duplicates"] or ids["missing"]:
            problems[path] = {"axe": found, **ids}
    return problems


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_menu_page_of_each_role_passes_axe(
    transactional_db, world, site, live_server, page, role, artifacts
):
    browser_login(page, live_server, ROLES[role])
    # Beyond the menu: a case page (its map held focusable zoom buttons inside role="img") and an
    # action's own page, for the roles that handle cases.
    extra = ()
    if role != "party_member":
        code = site[2].code
        extra = (f"/requests/case/{code}/", f"/requests/case/{code}/act/reply/")
    assert check_pages(page, live_server, role, extra, artifacts) == {}


def test_every_public_page_passes_axe(transactional_db, world, site, live_server, page, artifacts):
    extra = (
        f"/requests/t/{site[0].code}/",
        "/requests/track/",
        f"/areas/{world.grids['A1a'].code}/",
        f"/areas/{world.streets['A'].code}/",
        "/no-such-page/",
    )
    assert check_pages(page, live_server, "visitor", extra, artifacts) == {}


@pytest.mark.parametrize("role", ["grid_head", "street_staff"])
def test_the_pages_at_desktop_width(
    transactional_db, world, site, live_server, page, role, artifacts
):
    """Screenshots at 1280 px of the pages a grid head and a street staff member open (the
    phone ones come from the axe test above); wide pages keep the menu inline."""
    page.set_viewport_size(DESKTOP)
    browser_login(page, live_server, ROLES[role])
    extra = [f"/requests/case/{site[2].code}/", "/no-such-page/"]
    for path in [*menu_pages(page, live_server), *extra]:
        page.goto(f"{live_server.url}{path}")
        page_settled(page)
        assert page.locator("#site-menu nav a").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
        page.screenshot(path=str(artifacts / shot_name(role, path, "desktop")), full_page=True)


def test_a_failed_submit_lists_every_error_and_focuses_the_summary(
    transactional_db, world, categories, live_server, page, artifacts
):
    """The resident form with a bad phone number and no place: the summary used to list only the
    place; the field errors pointed at ids that did not exist."""
    page.goto(f"{live_server.url}/requests/new/")
    page.select_option("#id_category", label="暴露垃圾")
    page.fill("#id_description", "小区东门垃圾堆了三天没人清理")
    page.fill("#id_reporter_phone", "12345")
    page.check("#id_consent")
    page.click("main button.primary")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    items = summary.locator("li")
    assert items.count() == 2, items.all_inner_texts()
    assert any("手机" in t for t in items.all_inner_texts())
    ids = page.evaluate(ID_CHECK)
    assert ids == {"duplicates": [], "missing": []}
    phone = page.locator("#id_reporter_phone")
    assert phone.get_attribute("aria-invalid") == "true"
    described = phone.get_attribute("aria-describedby")
    assert "id_reporter_phone_error" in described
    assert "11" in page.locator("#id_reporter_phone_error").inner_text()
    page.screenshot(path=str(artifacts / "a11y_error_summary_phone.png"), full_page=True)


def test_the_queue_filters_errors_are_announced(
    transactional_db, world, categories, live_server, page
):
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/queue/?reported_from=2026-05-02&reported_to=2026-05-01")
    assert page.locator("details.filters-fold").get_attribute("open") is not None
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.evaluate(ID_CHECK) == {"duplicates": [], "missing": []}
    assert "id_reported_to_error" in page.locator("#id_reported_to").get_attribute(
        "aria-describedby"
    )


CONTRAST = """el => {
  function rgb(text) {
    const m = text.match(/[\\d.]+/g).map(Number);
    return m.length > 3 && m[3] === 0 ? null : m;
  }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  let node = el.parentElement, bg = null;
  while (node && !bg) { bg = rgb(getComputedStyle(node).backgroundColor); node = node.parentElement; }
  bg = bg || [255, 255, 255];
  const style = getComputedStyle(el);
  const ring = rgb(style.outlineColor);
  if (style.outlineStyle === "none" || !ring) { return 0; }
  const [a, b] = [lum(ring), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_focus_ring_has_3_to_1_contrast(
    transactional_db, world, site, live_server, page, viewport
):
    page.set_viewport_size(viewport)
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/queue/")
    ratios = {}
    # Tab through the page: the skip link, the header (brand, bell, menu), then the page.
    for step in range(14):
        page.keyboard.press("Tab")
        if page.evaluate("['BODY', 'HTML'].includes(document.activeElement.tagName)"):
            break  # past the last stop
        label = page.evaluate(
            "() => document.activeElement.tagName + ':' + "
            "(document.activeElement.textContent || '').trim().slice(0, 12)"
        )
        ratios[f"{step} {label}"] = page.evaluate_handle("document.activeElement").evaluate(
            CONTRAST
        )
    low = {k: round(v, 2) for k, v in ratios.items() if v < 3}
    assert not low, low


def test_selects_never_submit_on_change(transactional_db, world, site, live_server, page):
    browser_login(page, live_server, "street_a")
    for path in ("/", "/overview/", "/volunteer/staff/registrations/"):
        page.goto(f"{live_server.url}{path}")
        url = page.url
        for select in page.locator("main select, #site-menu select").all():
            if not select.is_visible():
                continue
            select.focus()
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(300)
            assert page.url == url, path
        assert page.locator("#language").evaluate("s => s.form.querySelector('button')") is not None


def test_maps_are_labelled_regions_and_pins_are_not_tab_stops(
    transactional_db, world, site, live_server, page
):
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("#dash-map[data-loaded=true]")
    assert page.locator(".dash-pin").count() >= 1
    assert page.locator(".dash-pin[tabindex]").count() == 0
    # The to-do list comes before the map; from the top, Tab reaches its first case link
    # after the header's few stops.
    first = page.locator("#waiting-title ~ ul .dash-row a").first.get_attribute("href")
    stops, on_map = 0, 0
    while stops < 20:
        stops += 1
        page.keyboard.press("Tab")
        on_map += page.evaluate("!!document.activeElement.closest('#dash-map')")
        if page.evaluate("document.activeElement.getAttribute('href')") == first:
            break
    # The header (skip link, brand, bell, menu), the overview link and the waiting counts.
    assert stops <= 12 and on_map == 0, (stops, on_map)
    for path in ("/dashboard/", "/positions/", "/map/", f"/requests/case/{site[0].code}/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(".leaflet-container")
        roles = page.eval_on_selector_all(
            ".leaflet-container",
            "els => els.map(e => [e.getAttribute('role'), !!e.getAttribute('aria-label')])",
        )
        assert roles and all(r == ["region", True] for r in roles), (path, roles)
