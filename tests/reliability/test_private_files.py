"""Stored files tried as an attacker would: every file belongs to an owner and is served only by
core.files under the owner's rules, under a random name, never from /media/; uploads are checked
by content so nothing can run in the site's origin; import sheets do not outlive their import;
photos keep no metadata; oversized bodies are refused before they are read.

Each test here failed on the code before the private-file mechanism (guessable /media/ paths
served to anyone, meeting attachments stored as uploaded, sheets kept, JPEG comments kept, a
50 MB body read in full)."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.utils import timezone

from care.models import VisitPhoto
from care.services import visit_record
from care.tests.factories import HouseholdFactory, PairingFactory
from core.uploads import is_random_name
from party_branches.models import Meeting, MeetingAttachment, MemberImportBatch
from party_branches.tests.factories import PartyBranchFactory, fresh_id_number
from requests_desk.models import RequestEvent
from requests_desk.uploads import photos_save
from tests.reliability import payloads
from tests.reliability.conftest import files_under

NOT_FOUND = 404


def get(client, url, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.fixture
def worker_b2b(world):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    return UserFactory(username="worker_b2b", role=Role.GRID_WORKER, node=world.grids["B2b"])


@pytest.fixture
def visits(world, media_root, worker_b2b):
    """A visit with a photo in a household of A1a (recorded by its grid head) and one of B2b
    (recorded by the grid worker paired with it)."""
    a1a = HouseholdFactory(grid=world.grids["A1a"])
    b2b = HouseholdFactory(grid=world.grids["B2b"])
    PairingFactory(household=b2b, worker=worker_b2b)
    photos = {}
    for key, household, visitor in (
        ("A1a", a1a, world.users.grid_head),
        ("B2b", b2b, worker_b2b),
    ):
        visit = visit_record(
            household=household,
            visitor=visitor,
            visited_on=timezone.localdate(),
            mode="in_person",
            photos=[payloads.jpeg()],
        )
        photos[key] = VisitPhoto.objects.get(visit=visit)
    return photos


def reply_with_photo(item, *, public: bool):
    event = RequestEvent.objects.create(
        request=item,
        action="reply",
        from_stage=item.stage,
        to_stage=item.stage,
        actor_label="网格员",
        note="已处理，附照片",
        public=public,
    )
    (photo,) = photos_save(case=item, files=[payloads.jpeg(color=(1, 2, 3))], event=event)
    return photo


@pytest.fixture
def request_photos(make_request, media_root):
    """Photos of a request a resident reported (its report photo, a photo on a public reply,
    one on an internal note) and of a request from a household visit (on a public reply)."""
    resident = make_request(source="resident_form", photos=[payloads.jpeg()])
    visit = make_request(source="household_visit", code="C0102")
    return {
        "report": resident.photos.get(event__isnull=True),
        "public_reply": reply_with_photo(resident, public=True),
        "internal_note": reply_with_photo(resident, public=False),
        "visit_request_reply": reply_with_photo(visit, public=True),
    }


# --- Who may read a file -----------------------------------------------------------------------


def test_another_households_visit_photo_is_404_to_anonymous_and_another_grids_worker(
    client, world, visits, worker_b2b
):
    url = visits["A1a"].image.url
    assert re.fullmatch(r"/files/visit-photo/\d+/[0-9a-f]{32}\.jpg", url)
    assert get(client, url).status_code == NOT_FOUND
    assert get(client, url, worker_b2b).status_code == NOT_FOUND
    assert get(client, url, world.users.other_grid_head).status_code == NOT_FOUND
    assert get(client, url, world.users.party_member).status_code == NOT_FOUND
    # The same people open the photos that are theirs to see.
    assert get(client, visits["B2b"].image.url, worker_b2b).status_code == 200
    response = get(client, url, world.users.grid_head)
    assert response.status_code == 200
    with visits["A1a"].image.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_a_patrol_finding_photo_is_seen_by_its_worker_and_the_areas_staff_only(
    client, world, worker_b2b, media_root
):
    from patrols.models import FindingPhoto
    from patrols.services import finding_record, patrol_start

    worker = world.users.grid_worker
    finding = finding_record(
        patrol=patrol_start(worker=worker),
        by=worker,
        kind="rubbish",
        description="楼道堆放杂物，堵塞通道",
        photos=[payloads.jpeg()],
    )
    url = FindingPhoto.objects.get(finding=finding).image.url
    assert re.fullmatch(r"/files/finding-photo/\d+/[0-9a-f]{32}\.jpg", url)
    for outsider in (None, worker_b2b, world.users.other_grid_head, world.users.party_member):
        assert get(client, url, outsider).status_code == NOT_FOUND, outsider
    for insider in (worker, world.users.grid_head, world.users.street_staff):
        assert get(client, url, insider).status_code == 200, insider
    page = client.get(f"/patrols/{finding.patrol_id}/").content.decode()
    assert url in page and "/media/" not in page


def test_service_position_photos_are_public_only_while_the_position_is(client, world, media_root):
    from core.uploads import files_store
    from service_points.models import PositionPhoto
    from service_points.tests.factories import CentreFactory

    position = CentreFactory(community=world.communities["A1"])
    photo = PositionPhoto(position=position, caption="服务大厅")
    files_store([(photo.image, "photo.jpg", payloads.jpeg())])
    photo.save()
    assert get(client, photo.image.url).status_code == 200
    assert photo.image.url in client.get(f"/positions/{position.pk}/").content.decode()
    type(position).objects.filter(pk=position.pk).update(is_active=False)
    assert get(client, photo.image.url).status_code == NOT_FOUND
    assert get(client, photo.image.url, world.users.other_street_staff).status_code == NOT_FOUND
    assert get(client, photo.image.url, world.users.community_staff).status_code == 200


def test_guessing_ids_names_or_kinds_finds_nothing(client, world, visits):
    photo = visits["A1a"]
    name = photo.image.name.rsplit("/", 1)[1]
    client.force_login(world.users.grid_head)
    for url in (
        f"/files/visit-photo/{photo.pk}/visit-{photo.visit_id}-1.jpg",  # the old guessable name
        f"/files/visit-photo/{photo.pk}/{'0' * 32}.jpg",
        f"/files/visit-photo/{photo.pk + 1000}/{name}",
        f"/files/finding-photo/{photo.pk}/{name}",
        f"/files/no-such-kind/{photo.pk}/{name}",
        f"/files/visit-photo/{photo.pk}/..%2F..%2Fsettings.py",
        f"/files/visit-photo/99999999999999999999999999/{name}",  # beyond bigint: no 500
    ):
        assert client.get(url).status_code == NOT_FOUND, url


def test_a_request_photo_is_public_only_on_a_public_reply_of_a_residents_own_request(
    client, world, request_photos
):
    public = request_photos["public_reply"]
    for key in ("report", "internal_note", "visit_request_reply"):
        assert get(client, request_photos[key].image.url).status_code == NOT_FOUND, key
    assert get(client, public.image.url).status_code == 200
    status = get(client, f"/requests/t/{public.request.code}/").content.decode()
    assert public.image.url in status
    assert request_photos["report"].image.url not in status
    assert request_photos["internal_note"].image.url not in status
    listed = {r["service_request_id"]: r for r in client.get("/open311/v2/requests.json").json()}
    assert listed[public.request.code]["media_url"] == "http://testserver" + public.image.url
    # A household visit's request is not listed publicly at all (requests_desk.public).
    assert request_photos["visit_request_reply"].request.code not in listed


def test_staff_outside_the_jurisdiction_get_404_for_request_photos(client, world, request_photos):
    report = request_photos["report"].image.url
    assert get(client, report, world.users.other_street_staff).status_code == NOT_FOUND
    assert get(client, report, world.users.other_grid_head).status_code == NOT_FOUND
    assert get(client, report, world.users.party_member).status_code == NOT_FOUND
    assert get(client, report, world.users.grid_head).status_code == 200
    case = client.get(f"/requests/case/{request_photos['report'].request.code}/").content
    assert report.encode() in case and b"/media/" not in case


def test_the_old_media_paths_are_404_in_every_mode(client, world, make_request, served_media_root):
    """Files stored in the configured MEDIA_ROOT (the folder the old /media/ route served) are
    reachable through their owner's rule only, never by their storage path."""
    household = HouseholdFactory(grid=world.grids["A1a"])
    visit = visit_record(
        household=household,
        visitor=world.users.grid_head,
        visited_on=timezone.localdate(),
        mode="in_person",
        photos=[payloads.jpeg()],
    )
    item = make_request(source="resident_form", photos=[payloads.jpeg()])
    stored = [VisitPhoto.objects.get(visit=visit).image, item.photos.get().image]
    for image in stored:
        assert is_random_name(image.name), image.name
        assert get(client, image.url, world.users.grid_head).status_code == 200
        for user in (None, world.users.district_admin, world.users.grid_head):
            for prefix in ("/media/", "/static/", "/static/../media/"):
                response = get(client, prefix + image.name, user)
                assert response.status_code == NOT_FOUND, (prefix, image.name, user)


def test_photos_are_served_inline_but_sandboxed(client, world, visits):
    response = get(client, visits["A1a"].image.url, world.users.grid_head)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert response["Cache-Control"].startswith("private")


def test_behind_nginx_the_view_authorises_and_nginx_sends_the_bytes(
    client, world, visits, settings
):
    settings.REDGRID_FILES_X_ACCEL = True
    photo = visits["A1a"]
    response = get(client, photo.image.url, world.users.grid_head)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_private_files/" + photo.image.name
    assert response["Content-Type"] == "image/jpeg"
    refused = get(client, photo.image.url, world.users.other_grid_head)
    assert refused.status_code == NOT_FOUND and "X-Accel-Redirect" not in refused


# --- Nothing uploaded runs in the site's origin -------------------------------------------------


@pytest.fixture
def post_meeting(client, world, media_root):
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    client.force_login(world.users.grid_head)

    def post(name, content, content_type="application/octet-stream"):
        return client.post(
            f"/branches/{branch.pk}/",
            {
                "action": "meeting",
                "kind": "branch",
                "held_on": "2026-03-01",
                "place_name": "党群服务站",
                "agenda": "学习会议精神",
                "attachment": SimpleUploadedFile(name, content, content_type=content_type),
            },
        )

    return post


REFUSED_ATTACHMENTS = [
    ("an HTML page", "minutes.html", payloads.HTML, "text/html"),
    ("an SVG with a script", "logo.svg", payloads.SVG_SCRIPT, "image/svg+xml"),
    ("a JavaScript file", "app.js", payloads.JS, "application/javascript"),
    ("a GIF header followed by HTML", "photo.gif", payloads.polyglot_gif_html(), "image/gif"),
    ("HTML named .pdf", "minutes.pdf", payloads.HTML, "application/pdf"),
    ("a web page with a .docx after it", "minutes.docx", payloads.html_then_docx(), ""),
    ("a macro-enabled Word file", "minutes.docx", payloads.ooxml("docm"), ""),
    ("a Word 97 file with macros", "minutes.doc", payloads.ole(["WordDocument"], ("Macros",)), ""),
    ("an empty file", "minutes.pdf", b"", "application/pdf"),
]


@pytest.mark.parametrize(
    "label, name, content, content_type",
    REFUSED_ATTACHMENTS,
    ids=[r[0] for r in REFUSED_ATTACHMENTS],
)
def test_hostile_attachments_are_refused_with_a_translated_error(
    post_meeting, media_root, label, name, content, content_type
):
    response = post_meeting(name, content, content_type or "application/octet-stream")
    assert response.status_code == 200, label
    page = response.content.decode()
    assert "不是可接受的文件类型" in page or "含有宏" in page or "空文件" in page, label
    assert not Meeting.objects.exists() and not MeetingAttachment.objects.exists()
    assert files_under(media_root) == []


ACCEPTED_ATTACHMENTS = [
    ("PDF", "minutes.pdf", payloads.PDF),
    ("Word", "minutes.docx", payloads.ooxml("docx")),
    ("Excel", "sign-in.xlsx", payloads.xlsx()),
    ("PowerPoint", "slides.pptx", payloads.ooxml("pptx")),
    ("OpenDocument text", "minutes.odt", payloads.odf("odt")),
    ("OpenDocument spreadsheet", "sign-in.ods", payloads.odf("ods")),
    ("Word 97", "minutes.doc", payloads.doc()),
    ("Excel 97", "sign-in.xls", payloads.xls()),
]


@pytest.mark.parametrize(
    "label, name, content", ACCEPTED_ATTACHMENTS, ids=[a[0] for a in ACCEPTED_ATTACHMENTS]
)
def test_allowed_documents_are_kept_as_sent_and_served_only_as_sandboxed_downloads(
    client, world, post_meeting, label, name, content
):
    assert post_meeting(name, content).status_code == 302, label
    attachment = MeetingAttachment.objects.get()
    assert attachment.title == name and is_random_name(attachment.file.name)
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")
    assert "html" not in response["Content-Type"] and "script" not in response["Content-Type"]


def test_a_pdf_carrying_html_is_only_ever_a_sandboxed_pdf_download(client, post_meeting):
    assert post_meeting("notes.html", payloads.polyglot_pdf_html(), "text/html").status_code == 302
    attachment = MeetingAttachment.objects.get()
    assert attachment.file.name.endswith(".pdf")
    response = client.get(attachment.file.url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="notes.html.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")


def test_a_jpeg_carrying_html_is_re_encoded_without_its_payload(client, post_meeting):
    assert post_meeting("photo.jpg", payloads.polyglot_jpeg_html(), "image/jpeg").status_code == 302
    attachment = MeetingAttachment.objects.get()
    response = client.get(attachment.file.url)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8") and b"<script" not in body and b"<html" not in body
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment")


def test_meeting_attachments_follow_the_meeting(client, world, post_meeting):
    post_meeting("minutes.pdf", payloads.PDF)
    url = MeetingAttachment.objects.get().file.url
    page = client.get(f"/branches/{Meeting.objects.get().branch_id}/").content.decode()
    assert url in page and "/media/" not in page
    assert get(client, url).status_code == NOT_FOUND
    assert get(client, url, world.users.other_grid_head).status_code == NOT_FOUND
    assert get(client, url, world.users.other_street_staff).status_code == NOT_FOUND
    assert get(client, url, world.users.street_staff).status_code == 200


def test_a_throttled_visitor_cannot_make_the_server_decode_photos(
    client, world, categories, settings, monkeypatch, media_root
):
    """The public form's photo field only counts and measures; photos are decoded after the
    abuse limits, so a refused visitor costs no image decoding."""
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (1, 3600)
    centre = world.grids["A1a"].boundary.centroid
    form = {
        "category": str(categories["E0103"].pk),
        "description": "井盖破损，附照片",
        "lat": str(centre.y),
        "lon": str(centre.x),
        "confirm_new": "on",
    }
    assert client.post("/requests/new/", form).status_code == 302  # the one allowed
    decoded = []
    monkeypatch.setattr("core.uploads.photo_reencode", lambda *args: decoded.append(args) or b"")
    photos = [
        SimpleUploadedFile(f"{n}.jpg", payloads.jpeg(), content_type="image/jpeg") for n in range(4)
    ]
    response = client.post("/requests/new/", {**form, "photos": photos})
    assert response.status_code == 200 and "分钟后再试" in response.content.decode()
    assert decoded == [] and files_under(media_root) == []


# --- Admin uploads and the upgrade of old files -----------------------------------------------


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def test_an_admin_photo_upload_is_re_encoded_and_an_svg_refused(world, media_root):
    """The admin's forms get the same content checks (the model fields choose the form fields)."""
    from service_points.models import PositionPhoto
    from service_points.tests.factories import CentreFactory

    form_class = modelform_factory(PositionPhoto, fields=["position", "image", "caption"])
    position = CentreFactory(community=world.communities["A1"])
    refused = form_class(
        {"position": position.pk}, {"image": _upload(payloads.SVG_SCRIPT, "a.png")}
    )
    assert not refused.is_valid() and "image" in refused.errors
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(png, "PNG")
    form = form_class({"position": position.pk}, {"image": _upload(png.getvalue(), "logo.png")})
    assert form.is_valid(), form.errors
    photo = form.save()
    assert is_random_name(photo.image.name) and photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as stored:
        assert stored.read(2) == b"\xff\xd8"
    assert photo.image.url.startswith(f"/files/position-photo/{photo.pk}/")


def test_an_admin_attachment_upload_is_checked_by_content(world, media_root):
    from party_branches.models import MeetingAttachment

    form_class = modelform_factory(MeetingAttachment, fields=["title", "file"])
    field = form_class.base_fields["file"]
    assert "application/pdf" in field.widget.attrs["accept"]
    refused = form_class({"title": "x"}, {"file": _upload(payloads.HTML, "minutes.pdf")})
    assert not refused.is_valid() and "file" in refused.errors


def test_files_secure_renames_re_encodes_and_re_checks_old_files(
    world, media_root, capsys, django_capture_on_commit_callbacks
):
    """The one-time upgrade: a guessable, metadata-carrying visit photo and an HTML attachment
    stored before private files get random names; the photo loses its metadata, the HTML becomes
    an opaque .bin download; the dry run changes nothing."""
    from django.core.management import call_command

    from care.models import Visit, VisitPhoto
    from care.tests.factories import HouseholdFactory
    from party_branches.models import MeetingAttachment
    from party_branches.services import meeting_record
    from party_branches.tests.factories import PartyBranchFactory

    def legacy(name: str, content: bytes) -> str:
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(content)
        return name

    visit = Visit.objects.create(
        household=HouseholdFactory(grid=world.grids["A1a"]),
        visitor=world.users.grid_head,
        visited_on="2025-01-02",
    )
    photo = VisitPhoto.objects.create(
        visit=visit,
        image=legacy(f"care/visits/2025/01/visit-{visit.pk}-1.jpg", payloads.jpeg_with_metadata()),
    )
    meeting = meeting_record(
        branch=PartyBranchFactory(grid=world.grids["A1a"]),
        kind="branch",
        held_on="2025-01-02",
        agenda="学习",
    )
    page = MeetingAttachment.objects.create(
        meeting=meeting, title="evil.html", file=legacy("meetings/2025/01/evil.html", payloads.HTML)
    )
    call_command("files_secure")
    assert "2 files would be renamed" in capsys.readouterr().out
    assert (media_root / "meetings/2025/01/evil.html").exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("files_secure", "--commit")
    photo.refresh_from_db()
    page.refresh_from_db()
    assert is_random_name(photo.image.name) and is_random_name(page.file.name)
    assert page.file.name.endswith(".bin")
    with photo.image.open("rb") as stored:
        assert set(payloads.jpeg_markers(stored.read())) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}
    assert not (media_root / "meetings/2025/01/evil.html").exists()
    assert not (media_root / f"care/visits/2025/01/visit-{visit.pk}-1.jpg").exists()


# --- Photos keep no metadata ---------------------------------------------------------------------

ALLOWED_MARKERS = {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}  # JFIF, tables, frame, scan


def assert_no_metadata(data: bytes):
    markers = set(payloads.jpeg_markers(data))
    assert markers <= ALLOWED_MARKERS, sorted(hex(m) for m in markers - ALLOWED_MARKERS)
    for trace in (b"TestCam", b"13912345678", b"xmpmeta", b"ICC_PROFILE", b"Exif"):
        assert trace not in data, trace


def test_a_jpeg_comment_exif_gps_xmp_and_icc_profile_are_stripped_everywhere(
    client, world, categories, media_root, post_meeting, visits, django_capture_on_commit_callbacks
):
    original = payloads.jpeg_with_metadata()
    assert {0xE1, 0xE2, 0xFE} <= set(payloads.jpeg_markers(original))  # the payload has them
    centre = world.grids["A1a"].boundary.centroid
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):  # re-encoded after the commit
        response = client.post(
            "/requests/new/",
            {
                "category": str(categories["E0103"].pk),
                "description": "井盖破损，附照片",
                "lat": str(centre.y),
                "lon": str(centre.x),
                "confirm_new": "on",
                "photos": [SimpleUploadedFile("p.jpg", original, content_type="image/jpeg")],
            },
        )
    assert response.status_code == 302
    client.force_login(world.users.grid_head)
    assert post_meeting("p.jpg", original, "image/jpeg").status_code == 302
    household = visits["A1a"].visit.household
    visit_record(
        household=household,
        visitor=world.users.grid_head,
        visited_on=timezone.localdate(),
        mode="in_person",
        photos=[SimpleUploadedFile("p.jpg", original, content_type="image/jpeg")],
    )
    stored = [p for p in files_under(media_root) if p.suffix == ".jpg"]
    assert len(stored) == 5  # 2 visit photos of the fixture, the report, attachment, new visit
    for path in stored:
        assert_no_metadata(path.read_bytes())


# --- Import sheets do not outlive their import ---------------------------------------------------


def member_sheet(name="members.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    from party_branches.tests.test_import import HEADER, row

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(row("李一", fresh_id_number()))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def uploaded_sheet(client, world, media_root):
    PartyBranchFactory(grid=world.grids["A1a"])
    client.force_login(world.users.street_staff)
    response = client.post("/branches/members/import/", {"file": member_sheet()})
    assert response.status_code == 302
    batch = MemberImportBatch.objects.get()
    assert len(files_under(media_root)) == 1 and is_random_name(batch.file.name)
    return batch


def test_the_sheet_is_deleted_once_the_import_is_committed(
    client, uploaded_sheet, media_root, django_capture_on_commit_callbacks
):
    url = f"/branches/members/import/{uploaded_sheet.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"mode": "all"}).status_code == 302
    batch = MemberImportBatch.objects.get()
    assert batch.committed_at and batch.imported_count == 1 and not batch.file
    assert files_under(media_root) == []


def test_the_sheet_is_deleted_when_the_import_is_abandoned(
    client, uploaded_sheet, media_root, django_capture_on_commit_callbacks
):
    url = f"/branches/members/import/{uploaded_sheet.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"mode": "abandon"}).status_code == 302
    assert not MemberImportBatch.objects.exists() and files_under(media_root) == []


def test_sheets_of_imports_left_pending_are_deleted_after_a_day(
    uploaded_sheet, media_root, time_machine, django_capture_on_commit_callbacks
):
    from party_branches.tasks import import_sheets_purge

    time_machine.move_to(timezone.now() + datetime.timedelta(hours=23))
    assert import_sheets_purge() == 0 and len(files_under(media_root)) == 1
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_sheets_purge() == 1
    assert not MemberImportBatch.objects.exists() and files_under(media_root) == []


def test_a_web_page_named_xlsx_is_not_accepted_as_a_member_sheet(client, world, media_root):
    client.force_login(world.users.street_staff)
    upload = SimpleUploadedFile(
        "members.xlsx", payloads.HTML, content_type="application/vnd.ms-excel"
    )
    response = client.post("/branches/members/import/", {"file": upload})
    assert response.status_code == 200 and "不是可接受的文件类型" in response.content.decode()
    assert not MemberImportBatch.objects.exists() and files_under(media_root) == []


def test_another_user_cannot_read_a_pending_sheet(client, world, uploaded_sheet):
    url = uploaded_sheet.file.url
    assert get(client, url, world.users.street_staff).status_code == 200
    assert get(client, url, world.users.district_admin).status_code == NOT_FOUND
    assert get(client, url).status_code == NOT_FOUND


# --- Bodies over the upload limit are refused before they are read -------------------------------


class UnreadableBody(io.RawIOBase):
    """A WSGI input that records any attempt to read it."""

    def __init__(self):
        self.reads = 0

    def readable(self):
        return True

    def read(self, *args):
        self.reads += 1
        return b""

    readline = readinto = read


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/requests/new/", "最多 25 MB"),
        ("/api/v1/requests/", '"code": "too_large"'),
        ("/open311/v2/requests.json", '"code": 413'),
    ],
)
def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, db, path, expected):
    body = UnreadableBody()
    response = client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(25 * 1024 * 1024 + 1),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert expected in response.content.decode()
    assert body.reads == 0


def test_the_413_page_follows_the_chosen_language(client, db):
    client.cookies["django_language"] = "en"
    response = client.generic("POST", "/requests/new/", b"", CONTENT_LENGTH=str(26 * 1024 * 1024))
    assert response.status_code == 413 and "at most 25 MB in all" in response.content.decode()
