"""The rules that keep every stored file private hold for models, admin forms and settings: a
plain FileField or an undeclared file model fails the system checks, uploads inside a static
folder too, and an admin upload goes through the same content checks as a page's."""

import io

import pytest
from django.db import models
from django.forms import modelform_factory
from django.test.utils import isolate_apps
from django.utils import translation

from core.checks import file_field_errors, media_not_static_check
from core.fields import PrivateImageField
from core.uploads import RandomName, attachment_clean, is_random_name
from tests.reliability import payloads


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@isolate_apps("core")
def test_a_plain_file_field_or_an_undeclared_file_model_fails_the_checks():
    class Leaky(models.Model):  # noqa: DJ008 - a throw-away model
        scan = models.FileField(upload_to="scans/")

    class Undeclared(models.Model):  # noqa: DJ008 - a throw-away model
        photo = PrivateImageField(upload_to=RandomName("x"))

    ids = [error.id for error in file_field_errors([Leaky, Undeclared])]
    assert ids == ["core.E001", "core.E002"]


def test_every_model_of_the_project_keeps_its_files_private():
    from django.apps import apps

    assert file_field_errors(apps.get_models()) == []


def test_uploads_inside_a_static_folder_fail_the_checks(settings):
    assert media_not_static_check() == []
    settings.MEDIA_ROOT = settings.STATIC_ROOT / "uploads"
    assert [e.id for e in media_not_static_check()] == ["core.E003"]


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def test_an_admin_photo_upload_is_re_encoded_and_an_svg_refused(world, media_root):
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


def upload(content: bytes, name="file"):
    data = io.BytesIO(content)
    data.name, data.size = name, len(content)
    return data


def test_an_opendocument_whose_mimetype_is_compressed_is_not_accepted():
    from django.core.exceptions import ValidationError

    odt = payloads._zip(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]
    )
    with pytest.raises(ValidationError):
        attachment_clean(upload(odt, "a.odt"))
    assert attachment_clean(upload(payloads.odf("odt"), "a.odt")).extension == ".odt"


def test_a_zip_with_too_many_members_is_not_a_document():
    from django.core.exceptions import ValidationError

    from core import uploads

    many = payloads._zip(
        [("[Content_Types].xml", b"wordprocessingml.document.main+xml")]
        + [(f"word/{n}.xml", b"") for n in range(uploads.ZIP_MAX_MEMBERS)]
    )
    with pytest.raises(ValidationError):
        attachment_clean(upload(many, "a.docx"))


def test_only_the_allowed_kinds_pass_where_fewer_are_allowed():
    from django.core.exceptions import ValidationError

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        attachment_clean(upload(payloads.PDF, "members.xlsx"), allowed={".xlsx"})
    assert "Excel (xlsx)" in refused.value.messages[0] and "PDF" not in refused.value.messages[0]
    assert attachment_clean(upload(payloads.xlsx()), allowed={".xlsx"}).extension == ".xlsx"


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
