"""Settings of the base layer's uploads and private files (override in Django settings; the
environment-driven ones are read in redgrid/settings.py, see docs/configuration.md)."""

from django.conf import settings

MB = 1024 * 1024


def upload_max_bytes() -> int:
    """The largest request body accepted at all (REDGRID_UPLOAD_MAX_BYTES): a bigger one is
    answered 413 before it is read. Keep nginx's client_max_body_size the same."""
    return int(getattr(settings, "REDGRID_UPLOAD_MAX_BYTES", 25 * MB))


def max_photos() -> int:
    """Photos per request, visit or finding."""
    return int(getattr(settings, "REDGRID_FILES_MAX_PHOTOS", 4))


def photo_max_bytes() -> int:
    return int(getattr(settings, "REDGRID_FILES_PHOTO_MAX_BYTES", 8 * MB))


def photo_max_pixels() -> int:
    return int(getattr(settings, "REDGRID_FILES_PHOTO_MAX_PIXELS", 40_000_000))


def photo_max_side() -> int:
    """Longest side of a stored photo, in pixels (larger photos are scaled down)."""
    return int(getattr(settings, "REDGRID_FILES_PHOTO_MAX_SIDE", 2560))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "REDGRID_FILES_ATTACHMENT_MAX_BYTES", 20 * MB))


def x_accel() -> bool:
    """Whether nginx sends the bytes (REDGRID_FILES_X_ACCEL=1): the view authorises and answers
    with X-Accel-Redirect to X_ACCEL_LOCATION. Off: Django streams the file itself."""
    return bool(getattr(settings, "REDGRID_FILES_X_ACCEL", False))


# The internal nginx location that maps to MEDIA_ROOT (deploy/nginx.conf).
X_ACCEL_LOCATION = "/_private_files/"
