"""Photos kept while the resident's form is shown again: after any error of the form (a missing
field, a refused place, a rate limit) and with the "+1" offer of a nearby open request.

A browser cannot refill a file input, so the photos a resident already chose would be lost when
the form comes back. They have been validated and re-encoded (core.uploads.photo_clean: no
metadata), so they are written under MEDIA_ROOT/pending/<random directory>/ and the form carries a
signed token naming that directory in a hidden field. Nothing serves that directory: the form shows
the kept photos as small inline previews (data: URLs) made from the files. The signature
(TimestampSigner, its own salt) means a resident can only ever point at a directory this server
created, and only for PENDING_PHOTOS_SECONDS (an hour); directories older than that are removed
whenever new photos are kept, and after the request is created its directory is removed at once.

The token is also bound to its **owner**: the browser's random device cookie (a resident) or the
account (staff entering a request), as a keyed digest inside the signed value. A token copied to
another browser (read over a shoulder, leaked in a log) names photos that browser does not own:
it is refused like a forged one, so nobody attaches another person's pending photos.

    pending_photos_store(*, photos, owner, token="") -> str   signed token (adds to `token`'s)
    pending_photos_load(token, *, owner) -> list[bytes]       ValidationError if not theirs/expired
    pending_photos_with(*, token, owner, uploads) -> list     kept + new, cleaned, at most MAX_PHOTOS
    pending_photos_count(token, *, owner) -> int              how many are kept (0 if none/invalid)
    pending_photos_urls(token, *, owner) -> list[str]         data: URLs of previews, for the form
    pending_photos_discard(token, *, owner) -> None
    pending_photos_purge(*, now=None) -> int                  directories removed
"""

import base64
import hmac
import io
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from PIL import Image

from core.conf import conf as files_conf
from core.uploads import RawPhoto, photos_clean, photos_probe
from requests_desk.conf import conf

SALT = "requests_desk.pending_photos"
FOLDER = "pending"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def _owner_digest(owner: str) -> str:
    return salted_hmac(SALT, owner or "-").hexdigest()[:24]


def _directory(token: str, owner: str) -> Path:
    """The directory a signed token names; ValidationError when it is forged, too old or
    someone else's."""
    expired = ValidationError(
        _("The photos you chose earlier have expired; please choose them again."),
        code="pending_expired",
    )
    not_found = ValidationError(
        _("The photos you chose earlier could not be found; please choose them again."),
        code="pending_invalid",
    )
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=conf.PENDING_PHOTOS_SECONDS
        )
    except signing.SignatureExpired as exc:
        raise expired from exc
    except signing.BadSignature as exc:
        raise not_found from exc
    name, _sep, digest = value.partition("-")
    if not hmac.compare_digest(digest, _owner_digest(owner)):
        raise not_found
    directory = _root() / name
    if not name.isalnum() or not directory.is_dir():
        raise expired
    return directory


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jpg"), key=lambda p: int(p.stem))


def pending_photos_store(*, photos: list[bytes | RawPhoto], owner: str, token: str = "") -> str:
    """Keep re-encoded photos (bytes from uploads.photos_clean; RawPhotos from
    pending_photos_with are re-encoded now) for `owner`, after those of `token` if given; return
    the signed token to put in the form."""
    photos = list(photos_clean(photos))
    pending_photos_purge()
    directory = _directory(token, owner) if token else None
    if directory is None:
        directory = _root() / secrets.token_hex(16)
        directory.mkdir(parents=True)
    start = len(_files(directory))
    for offset, data in enumerate(photos):
        (directory / f"{start + offset}.jpg").write_bytes(data)
    return signing.TimestampSigner(salt=SALT).sign(f"{directory.name}-{_owner_digest(owner)}")


def pending_photos_load(token: str, *, owner: str) -> list[bytes]:
    if not token:
        return []
    return [path.read_bytes() for path in _files(_directory(token, owner))]


def pending_photos_count(token: str, *, owner: str) -> int:
    try:
        return len(_files(_directory(token, owner))) if token else 0
    except ValidationError:
        return 0


def pending_photos_with(*, token: str, owner: str, uploads) -> list[bytes | RawPhoto]:
    """The kept photos of `token` (re-encoded bytes) followed by the new uploads, checked by
    their size and header (core.uploads.photos_probe: RawPhotos, re-encoded after the request
    is saved, requests_desk.uploads); at most MAX_PHOTOS in all. ValidationError({"photos": ...})
    otherwise (nothing is kept or saved)."""
    try:
        kept: list[bytes | RawPhoto] = list(pending_photos_load(token, owner=owner))
        photos = kept + photos_probe(uploads or [])
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    if len(photos) > files_conf.MAX_PHOTOS:
        raise ValidationError(
            {
                "photos": _("At most %(n)s photos in all (%(kept)s kept from before).")
                % {"n": files_conf.MAX_PHOTOS, "kept": len(kept)}
            }
        )
    return photos


PREVIEW_SIDE = 240


def _preview(path: Path) -> str:
    with Image.open(path) as image:
        image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def pending_photos_urls(token: str, *, owner: str) -> list[str]:
    """Small previews of the kept photos as data: URLs (the files themselves are never served)."""
    try:
        directory = _directory(token, owner) if token else None
    except ValidationError:
        return []
    if directory is None:
        return []
    previews = []
    for path in _files(directory):
        try:
            previews.append(_preview(path))
        except (OSError, ValueError):  # unreadable: the count still says how many are kept
            continue
    return previews


def pending_photos_discard(token: str, *, owner: str) -> None:
    try:
        directory = _directory(token, owner) if token else None
    except ValidationError:
        return
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def pending_photos_purge(*, now: float | None = None) -> int:
    """Remove kept photos older than PENDING_PHOTOS_SECONDS (their tokens no longer work)."""
    root = _root()
    if not root.is_dir():
        return 0
    limit = (now if now is not None else time.time()) - conf.PENDING_PHOTOS_SECONDS
    removed = 0
    for directory in root.iterdir():
        if directory.is_dir() and directory.stat().st_mtime < limit:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed
