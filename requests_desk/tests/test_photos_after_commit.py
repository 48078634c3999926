"""A resident's photo is re-encoded after the request is saved (requests_desk.uploads): the
resident gets their code at once; until the photo is clean its raw upload (EXIF, GPS and all) is
served to nobody — not the reporter, not staff, not the public, not Open311 — over HTTP; a photo
that cannot be decoded is removed; the periodic safety net finishes photos a lost task left."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import login_verified
from requests_desk import flow
from requests_desk.models import Request, RequestPhoto, Stage
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_flow import bring_to, handler_of

URL = reverse("requests_desk:new")
GPS = b"TestCam"  # the EXIF "Make" jpeg_bytes(exif_gps=True) writes, next to the GPS block


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def submit(client, world, categories, data: bytes, name="p.jpg"):
    centre = world.grids["A1a"].boundary.centroid
    response = client.post(
        URL,
        {
            "category": categories["E0103"].pk,
            "description": "井盖破损，附照片",
            "lat": centre.y,
            "lon": centre.x,
            "confirm_new": "on",
            "photos": [SimpleUploadedFile(name, data, content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302  # the code at once
    return Request.objects.get()


def urls_everywhere(world, item, raw):
    """What each audience could fetch or read: the raw file's URLs and the pages and APIs."""
    name = raw.image.name.rsplit("/", 1)[-1]
    return {
        "file": reverse("core:file", kwargs={"kind": "request-photo", "pk": raw.pk, "name": name}),
        "reporter_file": reverse("requests_desk:reporter_photo", args=[item.code, raw.pk, name]),
        "status": reverse("requests_desk:status", args=[item.code]),
        "case": reverse("requests_desk:case", args=[item.code]),
        "open311": f"/open311/v2/requests/{item.code}.json",
        "open311_list": "/open311/v2/requests.json",
        "name": name,
    }


def assert_served_to_nobody(client, world, item, raw):
    at = urls_everywhere(world, item, raw)
    staff, head, public = Client(), Client(), Client()
    login_verified(staff, world.users.street_staff)
    login_verified(head, world.users.grid_head)
    for who in (client, staff, head, public):  # the reporter (proof cookie), staff, anyone
        assert who.get(at["file"]).status_code == 404
        assert who.get(at["reporter_file"]).status_code == 404
        for page in (at["status"], at["case"], at["open311"], at["open311_list"]):
            response = who.get(page)
            assert at["name"] not in response.content.decode()
            assert f"/photo/{raw.pk}/" not in response.content.decode()
    case_page = staff.get(at["case"])
    assert case_page.status_code == 200 and item.code in case_page.content.decode()


def test_the_raw_upload_is_served_to_nobody_until_it_is_clean(
    client, world, categories, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        item = submit(client, world, categories, jpeg_bytes(size=(64, 48), exif_gps=True))
    raw = RequestPhoto.all_objects.get(request=item)
    assert raw.pending and raw.image.name.endswith(".bin")
    assert GPS in Path(raw.image.path).read_bytes()  # the upload as it came
    assert not item.photos.exists() and not RequestPhoto.objects.exists()
    assert_served_to_nobody(client, world, item, raw)

    for callback in callbacks:  # the commit: the task re-encodes it (eager in the tests)
        callback()
    photo = item.photos.get()
    assert photo.pk == raw.pk and not photo.pending and (photo.width, photo.height) == (64, 48)
    (stored,) = files_in(media)
    assert stored.suffix == ".jpg" and GPS not in stored.read_bytes()
    with Image.open(stored) as image:
        assert image.format == "JPEG" and not image.getexif()
    staff = Client()
    login_verified(staff, world.users.street_staff)
    name = photo.image.name.rsplit("/", 1)[-1]
    file_url = reverse("core:file", kwargs={"kind": "request-photo", "pk": photo.pk, "name": name})
    assert file_url in staff.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    response = staff.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    own = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert re.search(rf"/requests/t/{item.code}/photo/{photo.pk}/{name}", own)


def test_a_photo_that_cannot_be_decoded_is_removed_and_never_shown(
    client, world, categories, media, django_capture_on_commit_callbacks
):
    whole = jpeg_bytes(size=(400, 300))
    truncated = whole[: len(whole) // 2]  # a JPEG header and half its data: Pillow's open works
    with django_capture_on_commit_callbacks(execute=True):
        item = submit(client, world, categories, truncated)
    assert not RequestPhoto.all_objects.filter(request=item).exists()
    assert files_in(media) == []
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "/photo/" not in page and item.code in page


def test_a_pending_photo_on_a_public_reply_is_not_shown_either(world, make_request, media):
    """The default manager hides a pending row wherever photos are listed: the public status
    page and Open311 list public replies' photos."""
    item = bring_to(
        make_request(source=Request.Source.RESIDENT_FORM),
        Stage.HANDLING,
        world.users.district_admin,
    )
    flow.transition(case=item, action="feedback", by=handler_of(item), note="已清运")
    stored = media / "requests/2026/01" / ("a" * 32 + ".bin")
    stored.parent.mkdir(parents=True)
    stored.write_bytes(jpeg_bytes(exif_gps=True))
    raw = RequestPhoto.all_objects.create(
        request=item,
        event=item.events.get(action="feedback"),
        pending=True,
        image="requests/2026/01/" + "a" * 32 + ".bin",
    )
    public = Client()
    status = reverse("requests_desk:status", args=[item.code])
    for page in (status, f"/open311/v2/requests/{item.code}.json", "/open311/v2/requests.json"):
        content = public.get(page).content.decode()
        assert "a" * 32 not in content and f"/{raw.pk}/" not in content
    # The same row once clean is shown: the check above could fail.
    RequestPhoto.all_objects.filter(pk=raw.pk).update(pending=False)
    assert f"/request-photo/{raw.pk}/" in public.get(status).content.decode()


def test_the_safety_net_finishes_a_photo_whose_task_never_ran(
    client, world, categories, media, django_capture_on_commit_callbacks
):
    from requests_desk.uploads import photos_finish_stale

    with django_capture_on_commit_callbacks():  # the broker was down: nothing ran
        item = submit(client, world, categories, jpeg_bytes(exif_gps=True))
    assert photos_finish_stale() == (0, 0)  # not yet stale
    later = timezone.now() + datetime.timedelta(minutes=6)
    assert photos_finish_stale(now=later) == (1, 0)
    assert item.photos.count() == 1 and not RequestPhoto.all_objects.filter(pending=True).exists()
    assert [p.suffix for p in files_in(media)] == [".jpg"]
