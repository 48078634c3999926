"""Photo uploads: verified by content (Pillow), size- and pixel-limited, re-encoded as JPEG so
that EXIF and GPS metadata are gone. Validation happens before anything is written: a refused
file saves nothing."""

import contextlib
import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from requests_desk.conf import conf

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_clean(upload) -> bytes:
    """The re-encoded JPEG bytes of an uploaded photo, or ValidationError (nothing is saved)."""
    name = getattr(upload, "name", "") or _("photo")
    if upload.size > conf.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (at most %(mb)s MB).")
            % {"name": name, "mb": conf.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(conf.PHOTO_MAX_BYTES + 1)
    if len(data) > conf.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (at most %(mb)s MB).")
            % {"name": name, "mb": conf.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    not_image = ValidationError(
        _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="not_image"
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than fails) between 1× and 2× MAX_IMAGE_PIXELS: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise not_image
                width, height = probe.size
                if width * height > conf.PHOTO_MAX_PIXELS:
                    raise ValidationError(
                        _("%(name)s has too many pixels (%(w)s × %(h)s).")
                        % {"name": name, "w": width, "h": height},
                        code="too_many_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                image.thumbnail((conf.PHOTO_MAX_SIDE, conf.PHOTO_MAX_SIDE))
                out = io.BytesIO()
                # No exif= argument: the re-encoded file carries no EXIF/GPS metadata.
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("%(name)s is refused: it expands to too many pixels.") % {"name": name}, code="bomb"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a photo"
        raise not_image from exc
    return out.getvalue()


def photos_clean(files) -> list[bytes]:
    files = [f for f in files if f]
    if len(files) > conf.MAX_PHOTOS:
        raise ValidationError(_("At most %(n)s photos.") % {"n": conf.MAX_PHOTOS}, code="too_many")
    errors, cleaned = [], []
    for upload in files:
        try:
            cleaned.append(upload if isinstance(upload, bytes) else photo_clean(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def files_store(items) -> None:
    """Write (field_file, name, bytes) items to storage, all or none.

    If the storage fails (disk full, volume gone) the files already written are removed and a
    translated ValidationError is raised; the caller's transaction then rolls back its rows, so
    no orphan row or file is left behind.
    """
    written = []
    try:
        for field_file, name, data in items:
            field_file.save(name, ContentFile(data), save=False)
            written.append(field_file)
    except OSError as exc:
        for field_file in written:
            with contextlib.suppress(OSError):
                field_file.delete(save=False)
        raise ValidationError(
            _(
                "The photos could not be stored right now (the server's storage is full or "
                "unavailable). Nothing was saved; please try again later or call 12345."
            ),
            code="storage",
        ) from exc


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
