"""The resident's side on a 360 px phone (Debian's chromium): a form error keeps the photos
(previews, then sent with the request), "我的诉求" with the SMS code read from the test SMS
backend, and the star rating that warns before an unsatisfied score sends the case back (with
JavaScript; the server's confirmation step without). Each page is also shot at 1280 px."""

import re

import pytest

from notifications.sms import LocmemSmsBackend
from requests_desk.models import Request, Stage
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_flow import bring_to

PHONE_SIZE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def shots(page, artifacts, name):
    """Full-page screenshots at 360 and 1280 px (test-artifacts/residents_<name>_*.png)."""
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(300)  # the layout settles at the new width
    page.screenshot(path=str(artifacts / f"residents_{name}_1280.png"), full_page=True)
    page.set_viewport_size(PHONE_SIZE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"residents_{name}_360.png"), full_page=True)


def no_errors(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    return errors


@pytest.fixture
def sms(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


@pytest.mark.browser
def test_a_form_error_keeps_the_photos(
    transactional_db, world, categories, live_server, page, artifacts, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    errors = no_errors(page)
    photos = []
    for n in range(2):
        path = tmp_path / f"photo{n}.jpg"
        path.write_bytes(jpeg_bytes(size=(320 + n * 40, 240)))
        photos.append(str(path))
    page.goto(f"{live_server.url}/")
    page.click("a.resident-report")
    assert page.locator("h1").inner_text() == "我要反映"
    page.select_option("#id_category", label="暴露垃圾")
    page.wait_for_selector("#rq-map[data-loaded=true]")
    box = page.locator("#rq-map").bounding_box()
    page.locator("#rq-map").click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.7})
    # The large button opens the picker; two choices add up, with previews.
    with page.expect_file_chooser() as chooser:
        page.click(".rq-upload-button")
    chooser.value.set_files(photos[0])
    with page.expect_file_chooser() as chooser:
        page.click(".rq-upload-button")
    chooser.value.set_files(photos[1])
    assert page.locator(".rq-photo-previews img").count() == 2
    assert "已选择 2 张照片" in page.locator(".rq-photo-count").inner_text()
    # The send button stays at the bottom of the phone's screen.
    bar = page.locator(".rq-submit-bar").bounding_box()
    assert bar["y"] + bar["height"] <= PHONE_SIZE["height"] + 1
    shots(page, artifacts, "form_photos_chosen")
    # No description: the form comes back with the error, and the photos are kept.
    page.click(".rq-submit-bar button")
    page.wait_for_selector(".error-summary")
    assert "已保留您上传的 2 张照片" in page.locator(".rq-kept-photos").inner_text()
    assert page.locator(".rq-kept-photos img").count() == 2
    shots(page, artifacts, "form_error_photos_kept")
    page.fill("#id_description", "小区东门垃圾堆了三天没人清理")
    page.click(".rq-submit-bar button")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Request.objects.get(code=code).photos.count() == 2
    # The reporter sees their words and photos on the status page.
    assert "小区东门垃圾堆了三天没人清理" in page.locator("#own").inner_text()
    assert page.locator("#own img").count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('#own img')].every(i => i.naturalWidth > 0)"
    )
    shots(page, artifacts, "status_reporter")
    assert not [e for e in errors if "favicon" not in e], errors


@pytest.mark.browser
def test_my_requests_with_the_sms_code(
    transactional_db, world, categories, make_request, live_server, page, artifacts, sms
):
    errors = no_errors(page)
    item = make_request(reporter_phone="13812345678", consent=True, description="路灯不亮")
    bring_to(item, Stage.CLOSED, world.users.district_admin)
    page.goto(f"{live_server.url}/")
    shots(page, artifacts, "home")
    page.click(".resident-more a[href$='/requests/mine/']")
    assert page.locator("h1").inner_text() == "我的诉求"
    shots(page, artifacts, "mine_phone")
    page.fill("#id_phone", "13812345678")
    page.click("main button.primary")
    page.wait_for_selector("#id_code")
    assert "如果该号码反映过诉求" in page.content()
    shots(page, artifacts, "mine_code")
    code = re.search(r"\b(\d{6})\b", sms[-1]["text"]).group(1)
    page.fill("#id_code", code)
    page.click("main button.primary")
    page.wait_for_selector(".rq-mine-list")
    assert item.code in page.locator(".rq-mine-list").inner_text()
    assert "等待您的评价" in page.locator(".rq-mine-list").inner_text()
    shots(page, artifacts, "mine_list")
    page.click(f"a[href$='/requests/t/{item.code}/']")
    assert "路灯不亮" in page.locator("#own").inner_text()
    assert page.locator("input[name=proof]").count() == 0  # the SMS code proved it
    assert not [e for e in errors if "favicon" not in e], errors


@pytest.mark.browser
def test_star_rating_warns_before_sending_the_case_back(
    transactional_db, world, categories, make_request, live_server, browser, page, artifacts
):
    item = make_request(reporter_phone="13812345678", consent=True)
    bring_to(item, Stage.CLOSED, world.users.district_admin)
    url = f"{live_server.url}/requests/t/{item.code}/"
    # Without JavaScript: the server asks first.
    context = browser.new_context(viewport=PHONE_SIZE, java_script_enabled=False)
    plain = context.new_page()
    plain.goto(url)
    plain.check("input[name=score][value='2']", force=True)
    plain.fill("#id_proof", "5678")
    plain.click("form.rq-rating button[type=submit]")
    plain.wait_for_selector(".rq-confirm-low")
    assert "退回重新办理" in plain.locator(".rq-confirm-low").inner_text()
    shots(plain, artifacts, "rating_confirm_nojs")
    plain.click(".rq-confirm-low button[name=change]")
    plain.wait_for_selector("form.rq-rating")
    assert plain.locator("input[name=score][value='2']").is_checked()
    context.close()
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED
    # With JavaScript: the warning shows as soon as a low score is chosen.
    page.goto(url)
    assert page.locator("#id_score .rq-star-word").all_inner_texts() == [
        "非常满意",
        "满意",
        "一般",
        "不满意",
        "非常不满意",
    ]
    page.click("#id_score label.rq-score-4")
    assert page.locator("#rq-low-warning").is_hidden()
    page.click("#id_score label.rq-score-2")
    assert page.locator("#rq-low-warning").is_visible()
    assert page.locator("form.rq-rating button[type=submit]").inner_text() == "提交并退回重办"
    page.fill("#id_proof", "5678")
    shots(page, artifacts, "rating_warning")
    page.click("form.rq-rating button[type=submit]")
    page.wait_for_selector(".rq-rated")
    item.refresh_from_db()
    assert item.stage == Stage.DISPATCHED and not item.rating.satisfied
    assert "不满意" in page.locator(".rq-rated").inner_text()
    shots(page, artifacts, "rating_done")
