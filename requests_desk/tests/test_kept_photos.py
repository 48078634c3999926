"""The form keeps the resident's photos whenever it comes back: after any error and with the "+1"
offer of a nearby open request, the already validated and re-encoded photos wait under
MEDIA_ROOT/pending/ behind a signed token bound to the browser (its device cookie) and are attached
when the resident sends the form; forged, expired or someone else's tokens are refused with a
translated message and save nothing; old pending photos are purged; nothing serves them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from requests_desk import pending
from requests_desk.models import Request, RequestPhoto
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_intake import URL, form_data


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="p.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(exif_gps=True), content_type="image/jpeg")


@pytest.fixture
def offered(client, world, categories):
    """A first request, then a second resident's form with 2 photos shown again with the +1
    offer; returns (the second resident's form data, the page)."""
    grid = world.grids["A1a"]
    lat, lon = grid.boundary.centroid.y, grid.boundary.centroid.x
    client.post(URL, form_data(world, categories, lat=lat, lon=lon), REMOTE_ADDR="10.0.0.1")
    # The second resident is another phone: none of the first one's cookies.
    client.cookies.clear()
    data = form_data(world, categories, lat=lat + 0.0003, lon=lon, description="这里也有垃圾没清")
    response = client.post(
        URL, {**data, "photos": [photo("a.jpg"), photo("b.png")]}, REMOTE_ADDR="10.0.0.2"
    )
    assert Request.objects.count() == 1 and not RequestPhoto.objects.exists()
    return data, response.content.decode()


def token_in(page):
    return re.search(r'name="pending_photos" value="([^"]+)"', page).group(1)


def test_photos_are_kept_when_the_form_is_shown_again(client, offered, media):
    data, page = offered
    token = token_in(page)
    assert "已保留您上传的 2 张照片" in page  # the translated note
    kept = list((media / "pending").glob("*/*.jpg"))
    assert len(kept) == 2 and all(b"TestCam" not in p.read_bytes() for p in kept)
    # Shown as inline previews; the kept files themselves are never served.
    assert page.count('src="data:image/jpeg;base64,') == 2 and "/media/" not in page
    response = client.post(
        URL, {**data, "confirm_new": "on", "pending_photos": token}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    second = Request.objects.latest("created_at")
    assert second.photos.count() == 2
    assert not list((media / "pending").iterdir())  # removed once used


def test_new_photos_are_added_to_the_kept_ones_up_to_the_limit(
    client, offered, django_capture_on_commit_callbacks
):
    data, page = offered
    token = token_in(page)
    response = client.post(
        URL,
        {
            **data,
            "confirm_new": "on",
            "pending_photos": token,
            "photos": [photo(), photo(), photo()],
        },
        REMOTE_ADDR="10.0.0.2",
    )
    assert Request.objects.count() == 1
    assert "最多 4 张照片" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the new photo's re-encoding
        response = client.post(
            URL,
            {**data, "confirm_new": "on", "pending_photos": token, "photos": [photo()]},
            REMOTE_ADDR="10.0.0.2",
        )
    assert response.status_code == 302
    assert Request.objects.latest("created_at").photos.count() == 3


def test_a_forged_token_is_refused_and_saves_nothing(client, offered, media):
    data, page = offered
    token = token_in(page)
    other = token.replace(token.split(":")[0], "0" * 32)
    for forged in (other, "../../etc:abc:def", token + "x"):
        response = client.post(
            URL, {**data, "confirm_new": "on", "pending_photos": forged}, REMOTE_ADDR="10.0.0.2"
        )
        assert response.status_code == 200
        assert "请重新选择" in response.content.decode()
    assert Request.objects.count() == 1 and not RequestPhoto.objects.exists()


def test_kept_photos_expire_after_an_hour(client, offered, media, time_machine):
    data, page = offered
    token = token_in(page)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=61))
    response = client.post(
        URL, {**data, "confirm_new": "on", "pending_photos": token}, REMOTE_ADDR="10.0.0.2"
    )
    assert "已过期" in response.content.decode()
    assert Request.objects.count() == 1
    assert pending.pending_photos_purge() == 1
    assert not list((media / "pending").iterdir())


def test_storing_new_photos_purges_the_expired_ones(media, time_machine):
    old = pending.pending_photos_store(photos=[jpeg_bytes()], owner="device:a")
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    fresh = pending.pending_photos_store(photos=[jpeg_bytes()], owner="device:a")
    assert [p.name for p in (media / "pending").iterdir()] == [fresh.split("-")[0]]
    assert len(pending.pending_photos_load(fresh, owner="device:a")) == 1
    with pytest.raises(ValidationError):  # expired
        pending.pending_photos_load(old, owner="device:a")
    with pytest.raises(ValidationError):  # someone else's
        pending.pending_photos_load(fresh, owner="device:b")


def test_photos_are_kept_across_every_form_error(client, world, categories, media):
    """A missing description, then a missing place: the photos chosen at the first try are
    still there at the third, which sends them, plus one chosen at the second."""
    data = form_data(world, categories, description="")
    response = client.post(URL, {**data, "photos": [photo("a.jpg"), photo("b.jpg")]})
    page = response.content.decode()
    assert response.status_code == 200 and "已保留您上传的 2 张照片" in page
    assert page.count('src="data:image/jpeg;base64,') == 2
    token = token_in(page)
    data = form_data(world, categories, lat="", lon="", address="")
    response = client.post(URL, {**data, "pending_photos": token, "photos": [photo("c.jpg")]})
    page = response.content.decode()
    assert response.status_code == 200 and "已保留您上传的 3 张照片" in page
    assert not Request.objects.exists()
    response = client.post(URL, {**form_data(world, categories), "pending_photos": token_in(page)})
    assert response.status_code == 302
    assert Request.objects.get().photos.count() == 3
    assert not list((media / "pending").iterdir())


def test_another_browser_cannot_attach_or_see_someone_elses_pending_photos(
    client, world, categories, media
):
    data = form_data(world, categories, description="")
    page = client.post(URL, {**data, "photos": [photo()]}).content.decode()
    token = token_in(page)
    directory = token.split("-")[0]
    # Another browser (no device cookie of the first) holding the token: refused, nothing saved,
    # no preview shown.
    other = Client()
    response = other.post(URL, {**form_data(world, categories), "pending_photos": token})
    assert response.status_code == 200
    assert "请重新选择" in response.content.decode()
    assert 'src="data:image' not in response.content.decode()
    assert not Request.objects.exists()
    # A device cookie of its own does not help either.
    other.cookies["rg_device"] = "f" * 32
    response = other.post(URL, {**form_data(world, categories), "pending_photos": token})
    assert response.status_code == 200 and not Request.objects.exists()
    # Nothing serves the pending folder.
    for url in (f"/media/pending/{directory}/0.jpg", f"/files/pending/{directory}/0.jpg"):
        assert other.get(url).status_code == 404
        assert client.get(url).status_code == 404
    # The owner still sends them.
    response = client.post(URL, {**form_data(world, categories), "pending_photos": token})
    assert response.status_code == 302 and Request.objects.get().photos.count() == 1
