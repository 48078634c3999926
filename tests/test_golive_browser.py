"""The pages of going live in a real browser (Debian's chromium), in Chinese, at 360 and 1280 px:
a grid worker registers a household by tapping the map on a phone; every new page (imports and
their previews, the household and resident forms, the queue's export and calendar flag, the case
sheet and its print layout, the staff search, the admin's redraw check) is screenshotted into
test-artifacts/ and fits the phone's width."""

import datetime

import pytest
from django.utils import timezone

from care.models import Household
from care.tests.factories import HouseholdFactory, PairingFactory, ResidentFactory
from conftest import browser_login, page_settled
from grids.tests.sheets import xlsx
from requests_desk.models import Request

WIDTHS = (("phone", 360), ("desktop", 1280))


def shoot(page, artifacts, name, url, live_server, *, check_width=True):
    for label, width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{url}")
        page_settled(page)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        if check_width and label == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, url
        page.screenshot(path=str(artifacts / f"golive-{name}-{label}.png"), full_page=True)


@pytest.fixture
def seeded(transactional_db, world):
    """The data migrations' rows (care tags, categories, holidays), flushed by live-server tests."""
    from django.apps import apps

    from care.models import CareTag
    from requests_desk.models import Category, HolidayCalendarYear

    if not CareTag.objects.exists():
        __import__("care.migrations.0002_care_tags", fromlist=["forwards"]).forwards(apps, None)
    if not Category.objects.exists():
        seed = __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"])
        seed.seed(apps, None)
    for year in (2025, 2026):
        HolidayCalendarYear.objects.get_or_create(year=year)
    return world


@pytest.mark.browser
def test_a_grid_worker_registers_a_household_by_tapping_the_map(
    seeded, live_server, page, artifacts
):
    browser_login(page, live_server, "worker_a1a")
    page.goto(f"{live_server.url}/care/")
    page.click("a[href='/care/households/new/']")
    page.wait_for_selector("#hh-map[data-loaded=true]")
    page.fill("input[name=building]", "光明花园3栋")
    page.fill("input[name=address]", "光明大道88号光明花园3栋1203室")
    # The map draws the district's grids: tap the middle of the south-west one (A1a).
    boxes = [p.bounding_box() for p in page.locator("#hh-map path").all()]
    south_west = min(boxes, key=lambda b: (round(b["x"]), -b["y"]))
    page.mouse.click(
        south_west["x"] + south_west["width"] / 2, south_west["y"] + south_west["height"] / 2
    )
    page.wait_for_selector("#hh-map[data-located]")
    assert page.locator("#hh-map").get_attribute("data-located") == "44031100100101"
    assert "A1a网格" in page.locator("#hh-map-status").inner_text()
    page.screenshot(path=str(artifacts / "golive-household-new-tapped-phone.png"), full_page=True)
    page.click("form button[type=submit].primary")
    page.wait_for_url("**/residents/new/")
    household = Household.objects.get()
    assert household.grid.code == "44031100100101" and household.location is not None
    page.screenshot(path=str(artifacts / "golive-resident-new-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.fill("input[name=name]", "李秀英")
    page.locator("input[name=tags]").first.check()
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/care/households/{household.pk}/")
    assert household.residents.get().tags.count() == 1
    assert "光明大道****" in page.content() and "1203" not in page.content()


@pytest.mark.browser
def test_every_new_page_at_360_and_1280_in_chinese(seeded, live_server, page, artifacts, tmp_path):
    world = seeded
    staff = world.users.community_staff  # community A1, with the care role and reveal rights
    staff.care_role = True
    staff.may_reveal_personal_data = True
    staff.save()
    household = HouseholdFactory(
        grid=world.grids["A1a"], address="光明大道88号光明花园3栋1203室", building="光明花园3栋"
    )
    ResidentFactory(household=household)
    PairingFactory(household=household, worker=world.users.grid_worker)
    from requests_desk.models import Category
    from requests_desk.services import request_create

    g = world.grids["A1a"]
    case = request_create(
        source=Request.Source.GRID_PATROL,
        category=Category.objects.get(code="E0103"),
        description="小区门口暴露垃圾堆积，气味很大",
        location=(g.boundary.centroid.x, g.boundary.centroid.y),
        reporter_name="张小明",
        reporter_phone="13812345678",
        consent=True,
    )
    Request.objects.filter(pk=case.pk).update(
        stage="dispatched",
        dispatched_at=timezone.now(),
        due_at=timezone.now() + datetime.timedelta(days=40),
        due_calendar_missing=True,
    )
    browser_login(page, live_server, "community_a1")
    shoot(page, artifacts, "imports", "/imports/", live_server)
    for kind in ("households", "key_places", "service_positions"):
        shoot(page, artifacts, f"import-{kind}", f"/imports/{kind}/", live_server)
    # A preview with per-row errors.
    path = tmp_path / "households.xlsx"
    path.write_bytes(
        xlsx(
            [
                [
                    "网格编码",
                    "楼栋",
                    "地址",
                    "经度",
                    "纬度",
                    "姓名",
                    "性别",
                    "手机号码",
                    "关爱标签",
                ],
                [
                    "",
                    "光明花园1栋",
                    "光明大道1号光明花园1栋101室",
                    113.82,
                    22.75,
                    "陈桂兰",
                    "女",
                    "13800000001",
                    "独居老人",
                ],
                [
                    "",
                    "光明花园1栋",
                    "光明大道1号光明花园1栋102室",
                    120.5,
                    22.75,
                    "陈志强",
                    "男",
                    "12345",
                    "外星人",
                ],
            ]
        )
    )
    for label, width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/imports/households/")
        page.set_input_files("input[name=file]", str(path))
        page.click("form button[type=submit].primary")
        page.wait_for_selector("[data-testid=preview]")
        assert page.locator("tr.row-error").count() == 1
        page.screenshot(path=str(artifacts / f"golive-import-preview-{label}.png"), full_page=True)
    shoot(page, artifacts, "household-new", "/care/households/new/", live_server)
    shoot(page, artifacts, "household", f"/care/households/{household.pk}/", live_server)
    shoot(
        page,
        artifacts,
        "resident-new",
        f"/care/households/{household.pk}/residents/new/",
        live_server,
    )
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"{live_server.url}/care/households/{household.pk}/")
    page.click("details:has(form[action$='/reveal/']) > summary")
    page.fill("form[action$='/reveal/'] input[name=purpose]", "上门走访核对门牌")
    page.click("form[action$='/reveal/'] button")
    page.wait_for_selector("[data-testid=revealed-address]")
    page.screenshot(path=str(artifacts / "golive-household-revealed-phone.png"), full_page=True)
    shoot(page, artifacts, "queue", "/requests/queue/", live_server, check_width=False)
    assert page.locator("[data-testid=calendar-missing]").count() == 1
    shoot(page, artifacts, "queue-export", "/requests/queue/export/?stage=open", live_server)
    shoot(page, artifacts, "case-sheet", f"/requests/case/{case.code}/sheet/", live_server)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server.url}/requests/case/{case.code}/sheet/")
    assert not page.locator(".site-header").is_visible()
    page.screenshot(path=str(artifacts / "golive-case-sheet-print.png"), full_page=True)
    page.goto(f"{live_server.url}/care/households/{household.pk}/")
    page.screenshot(path=str(artifacts / "golive-household-print.png"), full_page=True)
    page.emulate_media(media="screen")
    shoot(page, artifacts, "search", "/search/?q=光明花园3栋", live_server)
    assert "光明花园3栋" in page.content()
    shoot(
        page,
        artifacts,
        "admin-boundary-import",
        "/admin/grids/areagrid/import/",
        live_server,
        check_width=False,
    )
    shoot(
        page,
        artifacts,
        "admin-household",
        f"/admin/care/household/{household.pk}/change/",
        live_server,
        check_width=False,
    )
    shoot(page, artifacts, "member-import", "/branches/members/import/", live_server)
    page.context.clear_cookies()
    browser_login(page, live_server, "district")  # the holiday calendar is the district's
    shoot(page, artifacts, "import-holidays", "/imports/holidays/", live_server)


@pytest.mark.browser
def test_the_admin_redraw_check_lists_what_moves(seeded, live_server, page, artifacts, tmp_path):
    import json

    from grids.tests.test_redraw import WEST_OF_NEW_EDGE, point, redrawn_a1

    HouseholdFactory(
        grid=seeded.grids["A1b"], location=point(WEST_OF_NEW_EDGE), building="边界花园"
    )
    path = tmp_path / "redraw.geojson"
    path.write_text(json.dumps(redrawn_a1()), encoding="utf-8")
    browser_login(page, live_server, "district")
    for label, width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/grids/areagrid/import/")
        page.set_input_files("input[name=file]", str(path))
        page.check("input[name=replace]")
        page.click("input[name=check]")
        page.wait_for_selector("[data-testid=import-result]")
        assert "边界花园" in page.content()
        page.screenshot(
            path=str(artifacts / f"golive-admin-redraw-check-{label}.png"), full_page=True
        )
