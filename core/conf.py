"""Settings of the base layer's uploads and private files (REDGRID_FILES_*; how settings work:
core/appsettings.py). Two deployment settings read from the environment in redgrid/settings.py
belong here too: REDGRID_UPLOAD_MAX_BYTES (the largest request body, answered 413 before it is
read; keep nginx's client_max_body_size the same) and REDGRID_FILES_X_ACCEL (nginx sends the bytes
through X-Accel-Redirect to X_ACCEL_LOCATION; off: Django streams the file itself)."""

from django.conf import settings

from core.appsettings import AppSettings, Setting, positive

MB = 1024 * 1024

# The internal nginx location that maps to MEDIA_ROOT (deploy/nginx/redgrid-locations.conf).
X_ACCEL_LOCATION = "/_private_files/"


class FilesSettings(AppSettings):
    prefix = "REDGRID_FILES_"

    MAX_PHOTOS = Setting(
        4,
        "Most photos in one upload (a request, a timeline entry, a visit, a finding).",
        check=positive,
    )
    PHOTO_MAX_BYTES = Setting(8 * MB, "Largest photo upload, in bytes.", check=positive)
    PHOTO_MAX_PIXELS = Setting(
        40_000_000, "Largest photo, in pixels (width × height).", check=positive
    )
    PHOTO_MAX_SIDE = Setting(
        2560, "Photos are scaled down to this many pixels on the longer side.", check=positive
    )
    ATTACHMENT_MAX_BYTES = Setting(
        20 * MB, "Largest attachment (PDF, office document), in bytes.", check=positive
    )


conf = FilesSettings()


def upload_max_bytes() -> int:
    """The largest request body accepted at all (REDGRID_UPLOAD_MAX_BYTES)."""
    return int(settings.REDGRID_UPLOAD_MAX_BYTES)


def x_accel() -> bool:
    """Whether nginx sends the bytes (REDGRID_FILES_X_ACCEL=1)."""
    return bool(settings.REDGRID_FILES_X_ACCEL)
