"""A grid worker records a visit on a phone (360×740), end to end in a real browser."""

import pytest

from care.models import Visit
from conftest import browser_login


@pytest.mark.browser
def test_grid_worker_records_a_visit_on_a_phone(
    transactional_db, care, live_server, page, artifacts
):
    household = care.households["paired"]
    browser_login(page, live_server, "worker_a1a")
    page.goto(f"{live_server.url}/care/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click(f"a[href='/care/households/{household.pk}/']")
    page.click(f"a[href='/care/households/{household.pk}/visit/']")
    page.check("input[name=mode][value=phone]")
    page.fill("input[name=met]", "本人")
    page.fill("textarea[name=condition]", "身体状况稳定，按时服药")
    page.fill("textarea[name=needs]", "希望安装卫生间扶手")
    page.screenshot(path=str(artifacts / "care-visit-form-phone.png"), full_page=True)
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/care/households/{household.pk}/")
    assert page.locator(".messages li.success").count() == 1
    assert "希望安装卫生间扶手" in page.content()
    page.screenshot(path=str(artifacts / "care-visit-recorded-phone.png"), full_page=True)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    visit = Visit.objects.get(household=household)
    assert (visit.mode, visit.met, visit.visitor) == ("phone", "本人", care.users.grid_worker)


@pytest.mark.browser
def test_a_household_need_offers_to_become_a_request_on_phone_and_desktop(
    transactional_db, care, request_category, live_server, page, artifacts
):
    import datetime

    from care.services import visit_record

    household = care.households["paired"]
    visit = visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 6, 1),
        mode="in_person",
        needs=["楼道灯坏了，老人夜间出行不便"],
    )
    need = visit.needs.get()
    browser_login(page, live_server, "worker_a1a")
    for name, width in (("phone", 360), ("desktop", 1280)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/care/households/{household.pk}/")
        form = page.locator(f"form[action='/care/needs/{need.pk}/to-request/']")
        assert form.is_visible() and "转为诉求" in form.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"care-household-need-{name}.png"), full_page=True)
