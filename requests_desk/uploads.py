"""Saving a request's photos. The checks and the re-encoding (no metadata, no payload) are the
base layer's photo pipeline, core.uploads; the files are served only through core.files.

A photo given as a RawPhoto (checked by its header only: requests_desk.services.request_create
for the resident's form) is stored as it came, `pending` — hidden from every page, API and file
view by RequestPhoto's default manager — and re-encoded by a task once the request's transaction
has committed (`photos_finish`): the resident gets their tracking code without waiting for Pillow,
and the photo appears when it is clean. One that cannot be decoded is removed, file and row. Beat
runs `photos_finish_stale` as the safety net for a task that never ran (broker down)."""

import datetime
import io
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core.uploads import RawPhoto, files_store, photo_reencode, photos_clean

logger = logging.getLogger(__name__)

# A pending photo older than this is finished by the periodic safety net.
STALE_AFTER = datetime.timedelta(minutes=5)


def photos_save(*, case, files, event=None):
    """Save the photos of the Request `case`: bytes from photos_clean or uploads (cleaned now),
    and RawPhotos (stored pending and re-encoded after the commit). Returns the clean ones."""
    from requests_desk.models import RequestPhoto

    items = list(files or ())
    raw = [item for item in items if isinstance(item, RawPhoto)]
    cleaned = photos_clean([item for item in items if not isinstance(item, RawPhoto)])
    photos = [RequestPhoto(request=case, event=event) for _ in cleaned]
    files_store(
        (photo.image, "photo.jpg", data) for photo, data in zip(photos, cleaned, strict=True)
    )
    for photo, data in zip(photos, cleaned, strict=True):
        # After the file is stored: saving the file resets the image's dimension fields.
        with Image.open(io.BytesIO(data)) as reencoded:
            photo.width, photo.height = reencoded.size
        photo.save()
    if raw:
        waiting = [RequestPhoto(request=case, event=event, pending=True) for _ in raw]
        # ".bin": not a type core.files would serve as an image, should anything ever try.
        files_store(
            (photo.image, "upload.bin", item.data) for photo, item in zip(waiting, raw, strict=True)
        )
        for photo, item in zip(waiting, raw, strict=True):
            # The header's size (nothing decoded); the clean copy's once re-encoded.
            with Image.open(io.BytesIO(item.data)) as header:
                photo.width, photo.height = header.size
            photo.save()
        ids = [photo.pk for photo in waiting]
        transaction.on_commit(lambda: _finish_later(ids), robust=True)
    return photos


def _finish_later(ids: list[int]) -> None:
    """Ask a worker to re-encode; if the broker is down, the periodic task does it later."""
    from requests_desk.tasks import request_photos_finish

    try:
        request_photos_finish.apply_async(args=[ids], ignore_result=True, retry=False)
    except Exception:  # noqa: BLE001 - the rows wait for photos_finish_stale
        logger.warning("Could not reach the Celery broker; %s photos wait to be re-encoded.", ids)


def photos_finish(ids) -> tuple[int, int]:
    """Re-encode the pending photos `ids`: the clean JPEG replaces the upload and the row is
    shown; an upload that cannot be decoded is removed. Returns (finished, removed). Safe to
    run twice: a row another worker finished is left alone."""
    from requests_desk.models import RequestPhoto

    finished = removed = 0
    for photo in RequestPhoto.all_objects.filter(pk__in=list(ids), pending=True):
        raw_name = photo.image.name
        storage = photo.image.storage
        try:
            with storage.open(raw_name, "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        try:
            clean = photo_reencode(data, f"photo {photo.pk}")
        except ValidationError as exc:
            logger.warning("Photo %s of request %s removed: %s", photo.pk, photo.request_id, exc)
            if RequestPhoto.all_objects.filter(pk=photo.pk, pending=True).delete()[0]:
                storage.delete(raw_name)
                removed += 1
            continue
        try:
            files_store([(photo.image, "photo.jpg", clean)])
        except ValidationError:
            logger.warning("Photo %s waits: the storage refused its clean copy.", photo.pk)
            continue
        with Image.open(io.BytesIO(clean)) as image:
            width, height = image.size
        shown = RequestPhoto.all_objects.filter(pk=photo.pk, pending=True).update(
            image=photo.image.name, width=width, height=height, pending=False
        )
        # The raw upload goes either way; the clean copy too when another run was first.
        storage.delete(raw_name)
        if shown:
            finished += 1
        else:
            storage.delete(photo.image.name)
    return finished, removed


def photos_finish_stale(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """The safety net: finish the photos left pending for more than STALE_AFTER."""
    from requests_desk.models import RequestPhoto

    since = (now or timezone.now()) - STALE_AFTER
    ids = RequestPhoto.all_objects.filter(pending=True, created_at__lt=since).values_list(
        "pk", flat=True
    )
    return photos_finish(list(ids))
