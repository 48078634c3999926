"""Photo uploads on the resident's form: polyglot files, decompression bombs and wrong types are
refused with a clear error before anything is written (no request, no row, no file); a polyglot
that is a real photo is accepted only as a re-encoded JPEG that no longer carries the payload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from requests_desk.models import Request, RequestPhoto
from tests.reliability import payloads
from tests.reliability.conftest import files_under, has_form_error


@pytest.fixture
def submit(world, categories, client, media_root, django_capture_on_commit_callbacks):
    centre = world.grids["A1a"].boundary.centroid
    addresses = iter(range(1, 250))

    def post(*files):
        data = {
            "category": str(categories["E0103"].pk),
            "description": "井盖破损，附照片",
            "lat": str(centre.y),
            "lon": str(centre.x),
            "confirm_new": "on",
            "photos": list(files),
        }
        # The photos are re-encoded after the commit (requests_desk.uploads).
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/requests/new/", data, REMOTE_ADDR=f"10.4.0.{next(addresses)}")

    return post


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def seven_thousand_square() -> bytes:
    """49 megapixels: within Pillow's own limit, above the app's PHOTO_MAX_PIXELS (40 M)."""
    out = io.BytesIO()
    Image.new("L", (7000, 7000)).save(out, "PNG", optimize=True)
    return out.getvalue()


REFUSED = [
    (
        "decompression bomb (30,000² PNG)",
        lambda: upload("bomb.png", payloads.png_bomb(), "image/png"),
        "像素",
    ),
    ("49-megapixel PNG", lambda: upload("big.png", seven_thousand_square(), "image/png"), "像素"),
    ("SVG with a script named .jpg", lambda: upload("x.jpg", payloads.SVG_SCRIPT), "JPEG"),
    ("PDF named .jpg", lambda: upload("x.jpg", payloads.PDF), "JPEG"),
    ("HTML named .png", lambda: upload("x.png", payloads.HTML, "image/png"), "JPEG"),
    ("GIF", lambda: upload("x.gif", payloads.gif(), "image/gif"), "JPEG"),
    ("TIFF", lambda: upload("x.tif", payloads.tiff(), "image/tiff"), "JPEG"),
    ("truncated JPEG", lambda: upload("x.jpg", payloads.jpeg()[:200]), "JPEG"),
    ("empty file", lambda: upload("x.jpg", b""), ""),
    ("too large (9 MB)", lambda: upload("x.jpg", payloads.jpeg() + b"\0" * 9 * 1024 * 1024), "MB"),
]


@pytest.mark.parametrize("label, make, hint", REFUSED, ids=[r[0] for r in REFUSED])
def test_hostile_uploads_are_refused_and_nothing_is_written(submit, media_root, label, make, hint):
    response = submit(make())
    assert response.status_code == 200, label
    page = response.content.decode()
    assert has_form_error(page)
    if hint:
        assert hint in page, label
    assert Request.objects.count() == 0 and RequestPhoto.objects.count() == 0
    assert files_under(media_root) == []


def test_five_photos_are_refused(submit, media_root):
    response = submit(*[upload(f"{i}.jpg", payloads.jpeg()) for i in range(5)])
    assert response.status_code == 200 and "4" in response.content.decode()
    assert Request.objects.count() == 0 and files_under(media_root) == []


def test_one_bad_photo_among_good_ones_refuses_the_whole_submission(submit, media_root):
    response = submit(upload("a.jpg", payloads.jpeg()), upload("b.jpg", payloads.PDF))
    assert response.status_code == 200
    assert Request.objects.count() == 0 and files_under(media_root) == []


@pytest.mark.parametrize("make", [payloads.polyglot_jpeg_html, payloads.polyglot_jpeg_zip])
def test_a_polyglot_photo_is_stored_re_encoded_without_its_payload(submit, media_root, make):
    response = submit(upload("holiday.jpg", make()))
    assert response.status_code == 302
    photo = RequestPhoto.objects.get()
    stored = files_under(media_root)
    assert len(stored) == 1 and stored[0].suffix == ".jpg"
    content = stored[0].read_bytes()
    assert content.startswith(b"\xff\xd8") and content.rstrip(b"\0").endswith(b"\xff\xd9")
    for marker in (b"<script", b"<html", b"PK\x03\x04", b"evil.sh"):
        assert marker not in content
    assert (photo.width, photo.height) == (64, 48)


def test_the_stored_photo_name_is_chosen_by_the_server(submit, media_root):
    submit(upload("../../../etc/passwd.jpg", payloads.jpeg()))
    (stored,) = files_under(media_root)
    assert "passwd" not in stored.name and stored.is_relative_to(media_root)
