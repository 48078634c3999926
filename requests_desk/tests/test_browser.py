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
    assert len(code) == 10
    page.screenshot(path=str(artifacts / "requests_submitted_phone.png"), full_page=True)
    item = Request.objects.get(code=code)
    assert item.grid is not None and item.photos.count() == 1

    browser_login(page, live_server, "district")
    steps = [
        ("accept", {}),
        ("file", {}),
        ("dispatch", {"select": "#id_target"}),
        ("start", {}),
        ("contact", {}),
        ("feedback", {"note": "已清运完毕，现场已清洁"}),
        ("verify", {}),
        ("close", {}),
    ]
    for action, fields in steps:
        page.goto(f"{live_server.url}/requests/case/{code}/")
        page.click(f"[data-action={action}]")
        page.wait_for_selector(f"form[data-action={action}]")
        if "select" in fields:
            page.select_option(fields["select"], index=1)
        if "note" in fields:
            page.fill("form[data-action] #id_note", fields["note"])
        page.click(f"form[data-action={action}] button[type=submit]")
        page.wait_for_selector(".rq-action-done, .messages")
    page.goto(f"{live_server.url}/requests/case/{code}/")
    assert (
        "已结案" in page.locator("#case-stage").inner_text()
        or Request.objects.get(code=code).stage == "closed"
    )
    page.screenshot(path=str(artifacts / "requests_case_closed_phone.png"), full_page=True)
    page.click("button.link")  # log out

    page.goto(f"{live_server.url}/requests/t/{code}/")
    for name, score in (("speed", 5), ("result", 5), ("service", 4), ("feedback_quality", 5)):
        page.check(f"input[name={name}][value='{score}']")
    page.fill("#id_comment", "处理很快，谢谢")
    page.click("form.rq-rating button[type=submit]")
    page.wait_for_selector("text=4.75")
    page.screenshot(path=str(artifacts / "requests_rated_phone.png"), full_page=True)
    item.refresh_from_db()
    assert item.stage == "closed" and item.rating.satisfied
