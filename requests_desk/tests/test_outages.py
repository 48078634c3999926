"""Outside systems failing under a resident's submission: the storage, the cache, the database."""

import errno
import os
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from requests_desk.models import Request, RequestPhoto
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_intake import URL, form_data


def test_a_full_disk_answers_with_a_clear_message_and_leaves_no_rows_or_files(
    client, world, categories, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    real_save = FileSystemStorage._save
    calls = {"n": 0}

    def second_write_fails(self, name, content):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, name, content)

    photos = [
        SimpleUploadedFile(f"{n}.jpg", jpeg_bytes(), content_type="image/jpeg") for n in range(2)
    ]
    with mock.patch.object(FileSystemStorage, "_save", second_write_fails):
        response = client.post(URL, {**form_data(world, categories), "photos": photos})
    assert response.status_code == 200
    assert "存储" in response.content.decode()
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_disk_that_fills_up_during_the_write_leaves_no_half_written_file(
    client, world, categories, settings, tmp_path
):
    """The file is created, then writing its content fails (ENOSPC): the storage removes it."""
    import django.core.files.storage.filesystem as filesystem

    settings.MEDIA_ROOT = tmp_path
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()

    photo = SimpleUploadedFile("1.jpg", jpeg_bytes(), content_type="image/jpeg")
    with mock.patch.object(
        filesystem.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode))
    ):
        response = client.post(URL, {**form_data(world, categories), "photos": [photo]})
    assert response.status_code == 200
    assert "存储" in response.content.decode()
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_failed_write_never_removes_a_file_that_was_already_there(tmp_path):
    from django.core.files.base import ContentFile

    from redgrid.storage import CleanFileSystemStorage

    storage = CleanFileSystemStorage(location=tmp_path)
    (tmp_path / "kept.jpg").write_bytes(b"earlier")
    failing = mock.patch.object(FileSystemStorage, "_save", side_effect=OSError(errno.EIO, "I/O"))
    with failing, pytest.raises(OSError):
        storage._save("kept.jpg", ContentFile(b"new"))
    assert (tmp_path / "kept.jpg").read_bytes() == b"earlier"


def test_submissions_still_succeed_when_the_cache_is_down(client, world, categories):
    from django.core.cache import cache

    with (
        mock.patch.object(cache, "add", side_effect=ConnectionError("redis down")),
        mock.patch.object(cache, "get", side_effect=ConnectionError("redis down")),
    ):
        response = client.post(URL, form_data(world, categories))
    assert response.status_code == 302
    assert Request.objects.count() == 1


def test_a_lost_database_answers_503_with_retry_after(client, db):
    with mock.patch("requests_desk.views._map_context", side_effect=OperationalError("gone")):
        response = client.get(URL)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "一分钟后再试" in response.content.decode()
