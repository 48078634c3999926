"""The rules that keep every stored file private hold for models and settings: a plain FileField
or an undeclared file model fails the system checks, uploads inside a static folder too; and the
attachment checks' edge cases. (Admin uploads and the upgrade command are tried in
tests/reliability/test_private_files.py, with the apps' models.)"""

import pytest
from django.core.files.base import ContentFile
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from core.checks import file_field_errors, media_not_static_check
from core.fields import PrivateImageField
from core.uploads import RandomName, attachment_clean
from tests.reliability import payloads


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


def upload(content: bytes, name: str = "file") -> "ContentFile[bytes]":
    return ContentFile(content, name=name)


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
