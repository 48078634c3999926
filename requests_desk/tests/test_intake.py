"""The resident's form: routing by locate, the community fallback, photos, duplicates, nearby
"+1", rate limits, and that nothing is saved when input is refused."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from requests_desk.models import Request, RequestPhoto
from requests_desk.tests.conftest import jpeg_bytes

URL = reverse("requests_desk:new")


def form_data(world, categories, **overrides):
    grid = world.grids["A1a"]
    data = {
        "category": categories["E0103"].pk,
        "description": "楼下垃圾桶旁边堆满垃圾",
        "lat": grid.boundary.centroid.y,
        "lon": grid.boundary.centroid.x,
        "address": "",
    }
    data.update(overrides)
    return data


def test_point_is_routed_to_its_grid_by_locate(client, world, categories):
    grid = world.grids["B2b"]
    response = client.post(
        URL,
        form_data(world, categories, lat=grid.boundary.centroid.y, lon=grid.boundary.centroid.x),
    )
    item = Request.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "requests_desk:status", args=[item.code]
    )
    assert (item.grid, item.community, item.street) == (grid, grid.community, grid.community.street)
    assert item.source == Request.Source.RESIDENT_FORM and item.stage == "reported"
    assert len(item.code) == 10 and not item.code.isdigit()


def test_status_page_confirms_the_new_request_once_without_a_session_row(client, world, categories):
    from django.contrib.sessions.models import Session

    response = client.post(URL, form_data(world, categories), follow=True)
    item = Request.objects.get()
    confirmation = "您的诉求已收到"
    assert confirmation in response.content.decode()
    assert not Session.objects.exists()
    # Shown once: the cookie is cleared by the status page, and a forged one is ignored.
    again = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert confirmation not in again
    client.cookies["rg_new_request"] = item.code  # unsigned
    forged = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert confirmation not in forged


def test_without_a_point_the_chosen_community_is_used(client, world, categories):
    community = world.communities["B1"]
    client.post(
        URL,
        form_data(
            world, categories, lat="", lon="", community=community.pk, address="B1社区 3 栋门口"
        ),
    )
    item = Request.objects.get()
    assert item.community == community and item.street == community.street and item.grid is None


def test_a_point_outside_the_district_is_refused(client, world, categories):
    response = client.post(URL, form_data(world, categories, lat=23.5, lon=114.5))
    assert response.status_code == 200 and not Request.objects.exists()
    assert "该位置不在本区范围内" in response.content.decode()


def test_no_place_at_all_is_refused(client, world, categories):
    response = client.post(URL, form_data(world, categories, lat="", lon=""))
    assert response.status_code == 200 and not Request.objects.exists()


def test_contact_details_need_consent_and_are_encrypted(client, world, categories):
    client.post(URL, form_data(world, categories, reporter_phone="13812345678"))
    assert not Request.objects.exists()
    client.post(
        URL,
        form_data(
            world, categories, reporter_phone="13812345678", reporter_name="李明", consent="on"
        ),
    )
    item = Request.objects.get()
    assert item.reporter_phone == "13812345678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM requests_desk_request WHERE id=%s", [item.pk])
        assert "13812345678" not in cursor.fetchone()[0]


def test_photo_is_reencoded_without_exif_or_gps(
    client, world, categories, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("p.jpg", jpeg_bytes(exif_gps=True), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # re-encoded after the commit
        client.post(URL, {**form_data(world, categories), "photos": [upload]})
    photo = RequestPhoto.objects.get()
    with Image.open(photo.image.path) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif()


def test_png_and_webp_are_accepted(client, world, categories, django_capture_on_commit_callbacks):
    files = [
        SimpleUploadedFile("a.png", jpeg_bytes(fmt="PNG"), content_type="image/png"),
        SimpleUploadedFile("b.webp", jpeg_bytes(fmt="WEBP"), content_type="image/webp"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**form_data(world, categories), "photos": files})
    assert RequestPhoto.objects.count() == 2


def _refused(client, world, categories, upload):
    response = client.post(URL, {**form_data(world, categories), "photos": [upload]})
    assert response.status_code == 200
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()
    return response.content.decode()


def test_php_file_named_jpg_is_refused_and_nothing_saved(client, world, categories):
    upload = SimpleUploadedFile(
        "shell.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )
    assert "shell.jpg" in _refused(client, world, categories, upload)


def test_fifty_megabyte_body_is_refused_with_413_and_nothing_saved(client, world, categories):
    big = io.BytesIO(jpeg_bytes() + b"\0" * (50 * 1024 * 1024))
    upload = SimpleUploadedFile("big.jpg", big.getvalue(), content_type="image/jpeg")
    response = client.post(URL, {**form_data(world, categories), "photos": [upload]})
    assert response.status_code == 413 and "25 MB" in response.content.decode()
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()


def test_nine_megabyte_photo_is_refused_and_nothing_saved(client, world, categories):
    big = io.BytesIO(jpeg_bytes() + b"\0" * (9 * 1024 * 1024))
    upload = SimpleUploadedFile("big.jpg", big.getvalue(), content_type="image/jpeg")
    assert "big.jpg" in _refused(client, world, categories, upload)


def test_decompression_bomb_is_refused_and_nothing_saved(client, world, categories):
    # A tiny PNG whose header claims 30000 × 30000 pixels (900 MP once decoded).
    out = io.BytesIO()
    Image.new("1", (8, 8)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = struct.pack(">II", 30000, 30000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    upload = SimpleUploadedFile("bomb.png", bytes(data), content_type="image/png")
    assert "bomb.png" in _refused(client, world, categories, upload)


def test_more_than_four_photos_are_refused(client, world, categories):
    files = [
        SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(5)
    ]
    client.post(URL, {**form_data(world, categories), "photos": files})
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()


def test_same_resident_same_thing_within_minutes_is_a_duplicate(client, world, categories):
    data = form_data(world, categories, reporter_phone="13912345678", consent="on")
    client.post(URL, data)
    first = Request.objects.get()
    data["confirm_new"] = "on"  # even past the "+1" offer
    response = client.post(URL, data)
    assert Request.objects.count() == 1
    # The browser that sent it holds its proof, so it is told the code again…
    assert first.code in response.content.decode()
    # …another phone typing the same number is refused without it.
    response = type(client)().post(URL, data)
    assert Request.objects.count() == 1
    assert first.code not in response.content.decode() and "几分钟前" in response.content.decode()


def test_the_same_browser_without_a_phone_is_a_duplicate_at_the_same_place(
    client, world, categories
):
    data = form_data(world, categories, confirm_new="on")
    client.post(URL, data)
    client.post(URL, data)
    assert Request.objects.count() == 1
    client.post(URL, form_data(world, categories, confirm_new="on", **_elsewhere(world)))
    assert Request.objects.count() == 2


def _elsewhere(world):
    centre = world.grids["B2b"].boundary.centroid
    return {"lat": centre.y, "lon": centre.x}


def test_nearby_open_request_of_same_subclass_is_offered_for_plus_one(client, world, categories):
    grid = world.grids["A1a"]
    lat, lon = grid.boundary.centroid.y, grid.boundary.centroid.x
    client.post(URL, form_data(world, categories, lat=lat, lon=lon), REMOTE_ADDR="10.0.0.1")
    first = Request.objects.get()
    other = type(client)()  # another resident
    data = form_data(world, categories, lat=lat + 0.0003, lon=lon, description="这里也有垃圾没清")
    response = other.post(URL, data, REMOTE_ADDR="10.0.0.2")
    assert Request.objects.count() == 1
    page = response.content.decode()
    # Category, rough place and stage; never the other resident's words or tracking code.
    assert "暴露垃圾" in page and first.community.name in page
    assert first.code not in page and first.description not in page
    action = page.split('action="/requests/support/')[1].split('"')[0]
    support_url = f"/requests/support/{action}"
    other.post(support_url, REMOTE_ADDR="10.0.0.2")
    other.post(support_url, REMOTE_ADDR="10.0.0.2")
    first.refresh_from_db()
    assert first.support_count == 1
    assert other.post("/requests/support/forged:token/").status_code == 404
    # Choosing "send mine as new" creates it.
    response = other.post(URL, {**data, "confirm_new": "on"}, REMOTE_ADDR="10.0.0.2")
    assert Request.objects.count() == 2


def test_rate_limit_per_ip(client, world, categories, settings):
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (2, 3600)
    for i in range(2):
        client.post(URL, form_data(world, categories, category=list(categories.values())[i].pk))
    response = client.post(URL, form_data(world, categories, category=categories["E0105"].pk))
    assert Request.objects.count() == 2
    assert "12345" in response.content.decode()


def test_rate_limit_per_phone_across_addresses(client, world, categories, settings):
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_PHONE = (1, 3600)
    client.post(
        URL,
        form_data(world, categories, reporter_phone="13700000000", consent="on"),
        REMOTE_ADDR="10.1.1.1",
    )
    response = client.post(
        URL,
        form_data(
            world,
            categories,
            category=categories["E0105"].pk,
            reporter_phone="13700000000",
            consent="on",
        ),
        REMOTE_ADDR="10.1.1.2",
    )
    assert Request.objects.count() == 1 and "12345" in response.content.decode()


def test_form_page_is_chinese_and_has_no_inline_script(client, world, categories):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200 and "<script>" not in page
    assert "暴露垃圾" in page


def test_new_request_notifies_the_grid_head(world, make_request):
    from notifications.models import Notification

    item = make_request(source=Request.Source.RESIDENT_FORM)
    note = Notification.objects.get(kind="request_new")
    assert note.recipient == world.users.grid_head and item.code in note.subject


def test_the_grid_head_is_notified_on_the_channels_they_chose(world, make_request):
    """The head, their phone and their preference come in one query (requests_desk.notices)."""
    from notifications.models import Notification, NotificationPreference

    head = world.users.grid_head
    head.phone = "13800138000"
    head.save()
    NotificationPreference.objects.create(
        user=head, channels={"request_new": ["inbox", "sms"]}, quiet_hours_enabled=False
    )
    item = make_request(source=Request.Source.RESIDENT_FORM)
    sent = Notification.objects.filter(kind="request_new", recipient=head)
    assert sorted(sent.values_list("channel", "address", "not_before")) == [
        ("inbox", "", None),
        ("sms", "13800138000", None),
    ]
    assert all(item.code in note.subject for note in sent)


def test_a_change_of_grid_head_address_or_preference_is_seen_at_once(world, make_request):
    """notify_new_request keeps today's heads in memory keyed on a change mark that triggers
    move with every write to the assignments, the accounts and the preferences."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from grids.models import GridAssignment
    from notifications.models import Notification, NotificationPreference

    def notified():
        item = make_request(source=Request.Source.RESIDENT_FORM)
        note = Notification.objects.filter(kind="request_new", subject__contains=item.code)
        return sorted(note.values_list("recipient_id", "channel", "address"))

    from django.contrib.auth.models import update_last_login

    from requests_desk.notices import heads_mark

    head = world.users.grid_head
    assert notified() == [(head.pk, "inbox", "")]  # the heads are kept from here on
    mark = heads_mark()
    update_last_login(None, head)  # a login writes the account but not its address
    assert heads_mark() == mark
    NotificationPreference.objects.create(
        user=head, channels={"request_new": ["inbox", "sms"]}, quiet_hours_enabled=False
    )
    with connection.cursor() as cursor:  # a write no signal reports
        cursor.execute("UPDATE accounts_user SET phone = '13800138000' WHERE id = %s", [head.pk])
    assert notified() == [(head.pk, "inbox", ""), (head.pk, "sms", "13800138000")]
    today = timezone.localdate()
    GridAssignment.objects.filter(user=head, role="grid_head").update(
        end_date=today - datetime.timedelta(days=1)
    )
    newcomer = UserFactory()
    GridAssignment.objects.create(
        grid=world.grids["A1a"], user=newcomer, role="grid_head", start_date=today
    )
    assert notified() == [(newcomer.pk, "inbox", "")]


@pytest.mark.parametrize("html", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_html_in_input_is_never_rendered(client, world, categories, html):
    client.post(URL, form_data(world, categories, description=f"垃圾 {html}"))
    item = Request.objects.get()
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert html not in page


def test_nearby_open_is_measured_in_metres(world, make_request, categories):
    """The same check as tests/test_spatialite_smoke.py, on PostGIS: 5 m and 90 m away are
    nearby, 150 m is not, another sub-class never."""
    from requests_desk.services import nearby_open

    item = make_request()
    here = item.location
    metre = 1 / 111_320

    def found(dy, code="E0103"):
        point = (here.x, here.y + dy * metre)
        return [r.pk for r in nearby_open(category=categories[code], location=point)]

    assert found(5) == [item.pk] and found(90) == [item.pk]
    assert found(150) == []
    other = next(code for code in categories if code != "E0103")
    assert found(5, other) == []


def test_a_tracking_code_taken_already_is_drawn_again(client, world, categories, monkeypatch):
    """The request's INSERT has no savepoint of its own: a taken code reruns the creation
    (requests_desk.services._code_retried), and the failed try leaves nothing behind."""
    from requests_desk.models import MonthlyRequestFigures, RequestEvent

    client.post(URL, form_data(world, categories))
    taken = Request.objects.get().code
    drawn = iter([taken, "QQQQQQQQQQ"])
    monkeypatch.setattr(Request._meta.get_field("code"), "_get_default", lambda: next(drawn))
    response = client.post(URL, form_data(world, categories, category=categories["C0201"].pk))
    assert response.status_code == 302
    assert sorted(Request.objects.values_list("code", flat=True)) == sorted([taken, "QQQQQQQQQQ"])
    assert RequestEvent.objects.filter(action="report").count() == 2
    assert sum(MonthlyRequestFigures.objects.values_list("reports", flat=True)) == 2
