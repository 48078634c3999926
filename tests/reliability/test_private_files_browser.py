"""Private files in a real browser (Debian's chromium, in Chinese, at 360 and 1280 px): a grid head
attaches a photo to a visit and a PDF to a branch meeting through the pages; the household page,
the case page, the resident's status page and the branch page show the files through /files/
(the page's own Content-Security-Policy lets them load), a photo opened on its own still shows
despite its sandbox, and an attachment is a download. Screenshots go to test-artifacts/."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from conftest import DESKTOP, browser_login, page_settled
from tests.reliability import payloads

pytestmark = pytest.mark.browser


def picture(label_color=(192, 57, 43)) -> bytes:
    """A recognisable photo: sky, a street and a red marker."""
    image = Image.new("RGB", (640, 480), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(90, 90, 90))
    draw.rectangle((280, 200, 360, 330), fill=label_color)
    draw.ellipse((40, 40, 140, 140), fill=(250, 210, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def images_loaded(page, selector: str) -> list[int]:
    page_settled(page)
    return page.eval_on_selector_all(
        selector, "images => images.map(i => i.complete ? i.naturalWidth : 0)"
    )


def both_sizes(page, artifacts, name: str):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    page.screenshot(path=str(artifacts / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.reload()
    page_settled(page)
    page.screenshot(path=str(artifacts / f"{name}-1280.png"), full_page=True)


def test_a_visit_photo_uploaded_on_a_phone_shows_only_through_the_file_view(
    transactional_db, world, live_server, page, artifacts, tmp_path, settings
):
    from care.tests.factories import HouseholdFactory, ResidentFactory

    settings.MEDIA_ROOT = tmp_path
    household = HouseholdFactory(grid=world.grids["A1a"])
    ResidentFactory(household=household, name="李秀英")
    photo = tmp_path / "visit.jpg"
    photo.write_bytes(picture())
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/care/households/{household.pk}/visit/")
    page.fill("input[name=met]", "本人")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/care/households/{household.pk}/")
    sources = page.eval_on_selector_all("main img", "images => images.map(i => i.src)")
    assert len(sources) == 1 and "/files/visit-photo/" in sources[0] and "/media/" not in sources[0]
    assert images_loaded(page, "main img") == [640]
    both_sizes(page, artifacts, "files-household-visit")
    # Opened on its own (sandboxed, nosniff), the photo is still shown.
    page.goto(sources[0])
    assert page.eval_on_selector("img", "i => i.naturalWidth") == 640
    # Logged out, the same URL is a 404 page.
    page.context.clear_cookies()
    assert page.goto(sources[0]).status == 404


def test_case_and_status_pages_show_request_photos_through_the_file_view(
    transactional_db, world, live_server, page, artifacts, tmp_path, settings
):
    from requests_desk.models import Category, Request, RequestEvent
    from requests_desk.services import request_create
    from requests_desk.uploads import photos_save

    settings.MEDIA_ROOT = tmp_path
    if not Category.objects.exists():
        from django.apps import apps

        __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"]).seed(
            apps, None
        )
    category = Category.objects.get(code="E0103")
    centre = world.grids["A1a"].boundary.centroid
    item = request_create(
        source=Request.Source.RESIDENT_FORM,
        category=category,
        description="小区门口有暴露垃圾，没人清理",
        location=(centre.x, centre.y),
        photos=[picture(), picture((40, 120, 60))],
    )
    reply = RequestEvent.objects.create(
        request=item,
        action="reply",
        from_stage=item.stage,
        to_stage=item.stage,
        actor_label="网格员",
        note="垃圾已清运，附现场照片。",
        public=True,
        created_at=timezone.now(),
    )
    photos_save(case=item, files=[picture((30, 30, 160))], event=reply)
    page.goto(f"{live_server.url}/requests/t/{item.code}/")
    assert images_loaded(page, ".rq-timeline img") == [640]
    both_sizes(page, artifacts, "files-status-page")
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/case/{item.code}/")
    assert images_loaded(page, ".rq-photos img") == [640, 640, 640]
    sources = page.eval_on_selector_all(".rq-photos img", "images => images.map(i => i.src)")
    assert all("/files/request-photo/" in s for s in sources)
    both_sizes(page, artifacts, "files-case-page")


def test_a_meeting_attachment_is_uploaded_listed_and_downloaded(
    transactional_db, world, live_server, page, artifacts, tmp_path, settings
):
    from party_branches.tests.factories import PartyBranchFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    pdf = tmp_path / "会议纪要.pdf"
    pdf.write_bytes(payloads.PDF)
    svg = tmp_path / "logo.svg"
    svg.write_bytes(payloads.SVG_SCRIPT)
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/branches/{branch.pk}/")
    page.select_option("select[name=kind]", "branch")
    page.fill("input[name=held_on]", "2026-03-01")
    page.fill("input[name=place_name]", "党群服务站")
    page.fill("textarea[name=agenda]", "学习会议精神")
    page.set_input_files("input[name=attachment]", str(svg))
    page.click("form:has(input[name=attachment]) button[type=submit]")
    page.wait_for_load_state()
    assert "不是可接受的文件类型" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "files-meeting-refused-svg-360.png"), full_page=True)
    page.set_input_files("input[name=attachment]", str(pdf))
    page.fill("input[name=held_on]", "2026-03-01")
    page.fill("textarea[name=agenda]", "学习会议精神")
    page.click("form:has(input[name=attachment]) button[type=submit]")
    page.wait_for_url(f"**/branches/{branch.pk}/")
    link = page.locator("a[href^='/files/meeting-attachment/']")
    assert link.count() == 1 and link.inner_text() == "会议纪要.pdf"
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "会议纪要.pdf"
    assert Path(download.value.path()).read_bytes() == payloads.PDF
    both_sizes(page, artifacts, "files-meeting-attachment")
