"""End to end on a phone-sized screen: a resident reports with a photo and a map tap, gets a
tracking code; staff take the case through to closed; the resident rates it."""

import pytest

from requests_desk.models import Request
from requests_desk.tests.conftest import jpeg_bytes


@pytest.mark.browser
def test_resident_to_closed_case_and_rating(
    transactional_db, world, categories, live_server, page, artifacts, tmp_path
):
    from conftest import browser_login

    photo = tmp_path / "rubbish.jpg"
    photo.write_bytes(jpeg_bytes(size=(320, 240), exif_gps=True))

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(f"{live_server.url}/requests/new/")
    assert page.locator("h1").inner_text() == "我要反映"
    page.select_option("#id_category", label="暴露垃圾")
    page.fill("#id_description", "小区东门垃圾堆了三天没人清理，气味很大")
    page.wait_for_selector("#rq-map[data-loaded=true]")
    box = page.locator("#rq-map").bounding_box()
    page.locator("#rq-map").click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.7})
    assert not [e for e in errors if "favicon" not in e and "404" not in e], errors
    assert page.input_value("#id_lat") and page.input_value("#id_lon")
    page.set_input_files("#id_photos", str(photo))
    page.screenshot(path=str(artifacts / "requests_form_phone.png"), full_page=True)
    page.click("button.primary")
    code = page.locator("#tracking-code").inner_text().strip()
    key = page.locator("#reporter-secret").inner_text().strip()
    assert len(code) == 10
    page.screenshot(path=str(artifacts / "requests_submitted_phone.png"), full_page=True)
    item = Request.objects.get(code=code)
    assert item.grid is not None and item.photos.count() == 1

    # The district dispatches to the grid worker, who handles it; the district verifies and
    # closes (separation of duties: not the one who handled it).
    steps = [
        ("district", "accept", {}),
        ("district", "file", {}),
        ("district", "dispatch", {"select": f"user:{world.users.grid_worker.pk}"}),
        ("worker_a1a", "start", {}),
        ("worker_a1a", "contact", {}),
        ("worker_a1a", "feedback", {"note": "已清运完毕，现场已清洁"}),
        ("district", "verify", {}),
        ("district", "close", {}),
    ]
    who = None
    for username, action, fields in steps:
        if username != who:
            page.context.clear_cookies(name="sessionid")  # the reporter's proof cookie stays
            browser_login(page, live_server, username)
            who = username
        page.goto(f"{live_server.url}/requests/case/{code}/")
        version = page.locator("#case-body").get_attribute("data-version")
        page.click(f"#rq-actions [data-action={action}]")
        page.wait_for_selector(f"form[data-action={action}]")
        if "select" in fields:
            page.select_option("#id_target", fields["select"])
        if "note" in fields:
            page.fill("form[data-action] #id_note", fields["note"])
        page.click(f"form[data-action={action}] button[type=submit]")
        page.wait_for_function(
            "v => document.getElementById('case-body').dataset.version !== v", arg=version
        )
    page.goto(f"{live_server.url}/requests/case/{code}/")
    assert page.locator("#case-stage").inner_text() == "已结案"
    page.screenshot(path=str(artifacts / "requests_case_closed_phone.png"), full_page=True)
    page.context.clear_cookies(name="sessionid")  # log out; the reporter's proof cookie stays

    page.goto(f"{live_server.url}/requests/t/{code}/")
    # One answer (stars with words) rates every aspect; one aspect given apart.
    page.click("#id_score label.rq-score-5")
    page.click(".rq-rating-details summary")
    page.click("#id_service label.rq-score-4")
    if page.locator("#id_proof").count():  # signing staff in and out cleared the proof cookie
        page.fill("#id_proof", key)
    page.fill("#id_comment", "处理很快，谢谢")
    page.click("form.rq-rating button[type=submit]")
    page.wait_for_selector("text=4.75")
    page.screenshot(path=str(artifacts / "requests_rated_phone.png"), full_page=True)
    item.refresh_from_db()
    assert item.stage == "closed" and item.rating.satisfied


@pytest.mark.browser
def test_dispatch_offers_the_assigned_people_and_the_rating_is_on_the_timeline(
    transactional_db, world, make_request, live_server, page, artifacts
):
    import datetime

    from django.utils import timezone

    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from conftest import browser_login
    from grids.tests.factories import GridAssignmentFactory
    from requests_desk import flow
    from requests_desk.tests.test_flow import bring_to

    former = UserFactory(
        username="former_a1a", role=Role.GRID_WORKER, node=world.grids["A1a"], last_name="前"
    )
    GridAssignmentFactory(
        grid=world.grids["A1a"],
        user=former,
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    item = bring_to(make_request(), "filed", world.users.district_admin)
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/case/{item.code}/act/dispatch/")
    options = page.locator("#id_target option").evaluate_all("els => els.map(e => e.value)")
    assert f"user:{world.users.grid_worker.pk}" in options
    assert f"user:{former.pk}" not in options
    page.screenshot(path=str(artifacts / "requests_dispatch_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / "requests_dispatch_desktop.png"), full_page=True)
    page.select_option("#id_target", f"user:{world.users.grid_worker.pk}")
    page.click("form[data-action=dispatch] button[type=submit]")
    page.wait_for_url(f"**/requests/case/{item.code}/")  # the action's own page redirects
    item.refresh_from_db()
    assert item.assignee == world.users.grid_worker

    # The grid worker handles it; the grid head, who did not, verifies and closes.
    worker, head = world.users.grid_worker, world.users.grid_head
    for action, params, by in [
        ("start", {}, worker),
        ("feedback", {"note": "已清理完毕"}, worker),
        ("verify", {}, head),
        ("close", {}, head),
    ]:
        flow.transition(case=item, action=action, by=by, **params)
    scores = {"speed": 1, "result": 2, "service": 1, "feedback_quality": 2}
    flow.transition(case=item, action="rate", by=None, comment="还是很脏", **scores)
    page.goto(f"{live_server.url}/requests/case/{item.code}/")
    timeline = page.locator("body").inner_text()
    assert "居民评价：1.50 / 5 分。" in timeline and "居民不满意" in timeline
    page.screenshot(path=str(artifacts / "requests_rated_timeline_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(artifacts / "requests_rated_timeline_phone.png"), full_page=True)


def _shoot(page, artifacts, name):
    """The page at phone and desktop width (Chinese), for a person to look at."""
    from conftest import DESKTOP, PHONE

    for label, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


@pytest.mark.browser
def test_another_phone_rates_only_with_the_rating_key_and_the_offer_hides_the_code(
    transactional_db, world, categories, live_server, browser, artifacts
):
    from conftest import PHONE
    from requests_desk.tests.test_flow import bring_to

    def phone():
        context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    centre = world.grids["A1a"].boundary.centroid
    first = phone()
    first.goto(f"{live_server.url}/requests/new/")
    first.select_option("#id_category", label="暴露垃圾")
    first.fill("#id_description", "王阿姨家楼下垃圾堆了三天，电话13812345678")
    first.wait_for_selector("#rq-map[data-loaded=true]")
    first.evaluate(
        "([lat, lon]) => { document.querySelector('#id_lat').value = lat;"
        " document.querySelector('#id_lon').value = lon; }",
        [centre.y, centre.x],
    )
    first.fill("#id_reporter_phone", "13812345678")
    first.check("#id_consent")
    first.click("button.primary")
    code = first.locator("#tracking-code").inner_text().strip()
    key = first.locator("#reporter-secret").inner_text().strip()
    assert len(code) == 10 and len(key) == 8
    _shoot(first, artifacts, "requests-submitted-with-key")

    # A neighbour reports the same thing nearby: the +1 offer names no code and no words.
    second = phone()
    second.goto(f"{live_server.url}/requests/new/")
    second.select_option("#id_category", label="暴露垃圾")
    second.fill("#id_description", "这边也有垃圾")
    second.wait_for_selector("#rq-map[data-loaded=true]")
    second.evaluate(
        "([lat, lon]) => { document.querySelector('#id_lat').value = lat;"
        " document.querySelector('#id_lon').value = lon; }",
        [centre.y + 0.0002, centre.x],
    )
    second.click("button.primary")
    offer = second.locator(".rq-nearby").inner_text()
    assert "暴露垃圾" in offer and code not in offer and "王阿姨" not in offer
    _shoot(second, artifacts, "requests-plus-one-offer")
    second.click(".rq-nearby button[type=submit]")
    second.wait_for_selector(".messages")
    assert Request.objects.get(code=code).support_count == 1

    bring_to(Request.objects.get(code=code), "closed", world.users.district_admin)
    # The neighbour knows the code (read out, or from Open311) but cannot rate with it.
    second.goto(f"{live_server.url}/requests/t/{code}/")
    assert second.locator("#id_proof").count() == 1
    second.click("#id_score label.rq-score-1")
    second.fill("#id_proof", "0000")
    second.click("form.rq-rating button[type=submit]")
    second.wait_for_selector(".field-error")
    _shoot(second, artifacts, "requests-rating-refused")
    from requests_desk.models import Rating

    assert not Rating.objects.exists()
    # On yet another phone the reporter types the rating key.
    third = phone()
    third.goto(f"{live_server.url}/requests/t/{code}/")
    third.click("#id_score label.rq-score-5")
    third.fill("#id_proof", key)
    third.click("form.rq-rating button[type=submit]")
    third.wait_for_selector("text=5.00")
    _shoot(third, artifacts, "requests-rated-with-key")
    assert Rating.objects.get().request.code == code


@pytest.mark.browser
def test_staff_see_reopen_requests_and_refusals_in_chinese(
    transactional_db, world, categories, live_server, page, artifacts, make_request, settings
):
    """The pages this work touched, as staff and as a throttled visitor, at both widths."""
    from conftest import browser_login
    from requests_desk.services import request_reopen_ask
    from requests_desk.tests.test_flow import bring_to

    closed = bring_to(
        make_request(source=Request.Source.RESIDENT_FORM), "closed", world.users.district_admin
    )
    request_reopen_ask(case=closed, text="垃圾又堆起来了")
    browser_login(page, live_server, "district")
    page.goto(f"{live_server.url}/requests/queue/?stage=&reopen=on")
    assert closed.code in page.content() and "申请重新办理" in page.content()
    _shoot(page, artifacts, "requests-queue-reopen")
    page.goto(f"{live_server.url}/requests/case/{closed.code}/act/dispatch/")
    assert "不能" in page.content() or "无法" in page.content() or "error-summary" in page.content()
    _shoot(page, artifacts, "requests-action-refused")
    page.goto(f"{live_server.url}/branches/members/?community=abc")
    assert "field-error" in page.content()
    _shoot(page, artifacts, "branches-members-bad-community")
    if page.locator("#site-menu > summary").is_visible():
        page.click("#site-menu > summary")  # on a phone the log-out button is in the menu
    page.click("#site-menu button.link")  # log out
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS = (1, 600)
    page.goto(f"{live_server.url}/requests/t/{closed.code}/")
    page.goto(f"{live_server.url}/requests/t/{closed.code}/")
    assert "请求过于频繁" in page.content()
    _shoot(page, artifacts, "requests-too-many")
