"""The status page shows the proved reporter their own request — their words, their photos and
the "after" photo of the handling's feedback — next to the steps; nobody else (attack tests over
HTTP: another browser, a stolen photo URL, a guessed photo id)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_desk import flow
from requests_desk.models import Request, Stage
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_flow import bring_to, handler_of
from requests_desk.tests.test_intake import URL, form_data

DESCRIPTION = "三栋楼下垃圾桶旁边堆满垃圾，已经三天"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def reported(client, world, categories, django_capture_on_commit_callbacks):
    """A request sent from `client`'s browser with a photo (re-encoded after the commit),
    handled with an "after" photo."""
    data = form_data(world, categories, description=DESCRIPTION, address="三栋东侧")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**data, "photos": [photo()]})
    assert response.status_code == 302
    item = Request.objects.get()
    item = bring_to(item, Stage.HANDLING, world.users.district_admin)
    flow.transition(
        case=item,
        action="feedback",
        by=handler_of(item),
        note="已清运",
        photos=[photo("after.jpg")],
    )
    return item


def photo_urls(page):
    return re.findall(r'src="(/requests/t/[^"]+/photo/[^"]+)"', page)


def test_the_reporter_sees_their_words_and_photos_next_to_the_steps(client, reported):
    page = client.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    assert "您反映的内容" in page and DESCRIPTION in page and "三栋东侧" in page
    assert page.index('class="rq-steps"') < page.index('id="own"')
    assert "您上传的照片" in page and "处理后" in page
    urls = photo_urls(page)
    assert len(urls) == 2
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_nobody_else_sees_them_nor_fetches_the_photos(client, reported):
    page = client.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    urls = photo_urls(page)
    other = Client()
    page = other.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    assert DESCRIPTION not in page and "三栋东侧" not in page and 'id="own"' not in page
    assert not photo_urls(page)
    for url in urls:
        assert other.get(url).status_code == 404
    # A forged proof cookie, or the device cookie alone, is no proof.
    other.cookies["rg_reporter"] = f"{reported.code}:AAAAAAAA"
    other.cookies["rg_device"] = client.cookies["rg_device"].value
    for url in urls:
        assert other.get(url).status_code == 404
    assert (
        DESCRIPTION
        not in other.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    )


def test_the_reporter_cannot_fetch_another_requests_photos_through_their_own(
    client, world, categories, reported, django_capture_on_commit_callbacks
):
    """The proof is for one request: another request's photo id under the reporter's code is
    404."""
    other_browser = Client()
    far = world.grids["B2b"].boundary.centroid
    data = form_data(world, categories, description="另一处也有垃圾", lat=far.y, lon=far.x)
    with django_capture_on_commit_callbacks(execute=True):
        other_browser.post(URL, {**data, "photos": [photo()]})
    theirs = Request.objects.exclude(pk=reported.pk).get().photos.get()
    url = reverse(
        "requests_desk:reporter_photo",
        args=[reported.code, theirs.pk, theirs.image.name.rsplit("/", 1)[-1]],
    )
    assert client.get(url).status_code == 404
    page = client.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    assert len(photo_urls(page)) == 2


def test_a_wrong_file_name_is_404(client, reported):
    page = client.get(reverse("requests_desk:status", args=[reported.code])).content.decode()
    url = photo_urls(page)[0]
    assert client.get(url.rsplit("/", 1)[0] + "/other.jpg").status_code == 404
