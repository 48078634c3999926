"""Saving a request's photos. The checks and the re-encoding (no metadata, no payload) are the
base layer's photo pipeline, core.uploads; the files are served only through core.files."""

import io

from PIL import Image

from core.uploads import files_store, photos_clean


def photos_save(*, case, files, event=None):
    """Save cleaned photos (bytes from photos_clean, or uploads to clean now) of the Request
    `case`."""
    from requests_desk.models import RequestPhoto

    cleaned = photos_clean(files)
    photos = [RequestPhoto(request=case, event=event) for _ in cleaned]
    files_store(
        (photo.image, "photo.jpg", data) for photo, data in zip(photos, cleaned, strict=True)
    )
    for photo, data in zip(photos, cleaned, strict=True):
        # After the file is stored: saving the file resets the image's dimension fields.
        with Image.open(io.BytesIO(data)) as reencoded:
            photo.width, photo.height = reencoded.size
        photo.save()
    return photos
