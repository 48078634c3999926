"""Uploaded files, checked by their content before anything is written.

Whatever the client says about a file (its name, extension or Content-Type) is ignored: the bytes
decide. A refused file saves nothing and gets a translated message that names it.

Photos (`photo_clean`, `photos_clean`): JPEG, PNG or WebP, verified and decoded by Pillow, limited in
bytes and pixels, and re-encoded as a new JPEG made from the pixels alone. Nothing of the original
file survives: no EXIF (GPS position, camera, time), XMP, IPTC, ICC profile (the colours are
converted to sRGB first), JPEG comment, nor any payload appended to or hidden in it (polyglots).

Attachments (`attachment_clean`): an allow-list of types, each recognised by its structure —

* PDF: `%PDF-1.x`/`%PDF-2.x` at byte 0 and an end-of-file marker;
* Word, Excel, PowerPoint (.docx/.xlsx/.pptx): a ZIP starting at byte 0 whose
  `[Content_Types].xml` declares the document's main part;
* OpenDocument text and spreadsheet (.odt/.ods): a ZIP whose first member is the uncompressed
  `mimetype` naming the type (as the ODF standard requires);
* legacy Word and Excel (.doc/.xls): an OLE2 compound file holding a WordDocument or Workbook
  stream (read with olefile);
* JPEG, PNG or WebP images, re-encoded like photos.

Macro-enabled documents are refused. So is everything else: HTML, SVG, JavaScript, a GIF with a
script after its header, a ZIP with a web page in front of it. Stored files are served only by
`core.files`, always with `nosniff` and a sandboxing Content-Security-Policy, attachments always
as downloads, so even a file that slipped through could never run in the site's origin.

Stored names are chosen here (`RandomName`): `<folder>/<yyyy>/<mm>/<32 random hex digits>` and the
extension of the detected type, never anything taken from the client's file name.

    photo_clean(upload) -> bytes                      re-encoded JPEG, or ValidationError
    photos_precheck(files) -> None                    count and sizes only (form fields)
    photos_clean(files) -> list[bytes]                at most REDGRID_FILES_MAX_PHOTOS, all or none
    photo_probe(upload) -> RawPhoto                   size and header only, nothing decoded
    photos_probe(files) -> list[bytes | RawPhoto]     photos_clean without the re-encoding
    photo_reencode(data, name) -> bytes               the re-encoding alone (stored photos)
    attachment_clean(upload, *, allowed) -> CleanFile checked content, its extension and title
    files_store(items) -> None                        write (field_file, name, bytes), all or none
    RandomName(folder)                                upload_to of every private file field
    content_type_for(name) -> str                     the type a stored file is served as
"""

import contextlib
import io
import posixpath
import re
import secrets
import warnings
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

import olefile
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageCms, ImageOps

from core.conf import MB, conf


class Upload(Protocol):
    """What is read of an uploaded file (an UploadedFile, a stored File, a BytesIO): its bytes.
    `name` and `size` are optional and read with getattr."""

    def seek(self, offset: int, /) -> object: ...

    def read(self, size: int = -1, /) -> bytes: ...


PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


# Every type a stored file can have, by the extension RandomName gives it.
FILE_TYPES = {
    t.extension: t
    for t in [
        FileType(".jpg", "image/jpeg"),
        FileType(".pdf", "application/pdf"),
        FileType(
            ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        FileType(
            ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        ),
        FileType(".odt", "application/vnd.oasis.opendocument.text"),
        FileType(".ods", "application/vnd.oasis.opendocument.spreadsheet"),
        FileType(".doc", "application/msword"),
        FileType(".xls", "application/vnd.ms-excel"),
    ]
}
ATTACHMENT_EXTENSIONS = frozenset(FILE_TYPES)
UNKNOWN_CONTENT_TYPE = "application/octet-stream"

# Office Open XML: the main part's content type in [Content_Types].xml → the document's type.
OOXML_MAIN_PARTS = {
    b"wordprocessingml.document.main+xml": ".docx",
    b"spreadsheetml.sheet.main+xml": ".xlsx",
    b"presentationml.presentation.main+xml": ".pptx",
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A document's ZIP may expand to at most this much, in at most this many members (zip bombs).
ZIP_MAX_EXPANDED = 500 * MB
ZIP_MAX_MEMBERS = 20_000


def content_type_for(name: str) -> str:
    """The Content-Type a stored file is served with, from the extension RandomName gave it."""
    found = FILE_TYPES.get(posixpath.splitext(name)[1].lower())
    return found.content_type if found else UNKNOWN_CONTENT_TYPE


@deconstructible
class RandomName:
    """`upload_to` of every stored file: a random name in `folder`, keeping only an extension of
    FILE_TYPES (the checks above chose it; anything else becomes .bin)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        extension = posixpath.splitext(filename)[1].lower()
        if extension not in FILE_TYPES:
            extension = ".bin"
        return f"{self.folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def is_random_name(name: str) -> bool:
    """Whether a stored name is one RandomName gives (the files_secure command renames others)."""
    return bool(re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", posixpath.basename(name)))


def upload_name(upload: object) -> str:
    """The client's file name without any folder, for messages (never for storing)."""
    return posixpath.basename((getattr(upload, "name", "") or "").replace("\\", "/")) or _("file")


def _read(upload: Upload, limit: int, name: str) -> bytes:
    too_large = ValidationError(
        _("%(name)s is too large (at most %(mb)s MB).") % {"name": name, "mb": limit // MB},
        code="too_large",
    )
    if (getattr(upload, "size", 0) or 0) > limit:
        raise too_large
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


# --- Photos --------------------------------------------------------------------------------------


def _to_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB when it carries an ICC profile (wide-gamut phone photos), so that
    dropping the profile keeps its colours; unchanged when the profile cannot be used."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    # profileToProfile returns None only when converting in place (not asked here).
    return converted if converted is not None else image


def _not_image(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}, code="not_image"
    )


def _bomb(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is refused: it expands to too many pixels.") % {"name": name}, code="bomb"
    )


def _probe(data: bytes, name: str, *, verify: bool) -> None:
    """What the header says (and, with `verify`, Pillow's structural check): a JPEG, PNG or WebP
    of at most PHOTO_MAX_PIXELS. Nothing is decoded. Call inside the warnings filter below."""
    with Image.open(io.BytesIO(data)) as probe:
        if probe.format not in PHOTO_FORMATS:
            raise _not_image(name)
        width, height = probe.size
        if width * height > conf.PHOTO_MAX_PIXELS:
            raise ValidationError(
                _("%(name)s has too many pixels (%(w)s × %(h)s).")
                % {"name": name, "w": width, "h": height},
                code="too_many_pixels",
            )
        if verify:
            probe.verify()


@dataclass(frozen=True)
class RawPhoto:
    """An uploaded photo whose header was checked (photo_probe) but which is not re-encoded yet:
    its bytes still carry whatever the client put in them (EXIF, GPS, a payload). Stored only
    where nothing serves it, until photo_reencode has made the clean JPEG (requests_desk's
    resident photos: re-encoded by a task after the request is saved)."""

    data: bytes
    name: str


def photo_probe(upload: Upload) -> RawPhoto:
    """The upload's bytes once its size and header pass (type, pixels; nothing decoded: a
    fraction of a millisecond), or the same ValidationError photo_clean gives for those."""
    name = upload_name(upload)
    data = _read(upload, conf.PHOTO_MAX_BYTES, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _probe(data, name, verify=False)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(name) from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure means "not a photo"
        raise _not_image(name) from exc
    return RawPhoto(data=data, name=name)


def photo_reencode(data: bytes, name: str) -> bytes:
    """A new JPEG made from the pixels of `data` (JPEG, PNG or WebP), or ValidationError naming
    `name`. photo_clean reads an upload first; files_secure re-encodes stored photos with it."""
    not_image = _not_image(name)
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than fails) between 1× and 2× MAX_IMAGE_PIXELS: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _probe(data, name, verify=True)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = _to_srgb(ImageOps.exif_transpose(image))
                if image.mode not in ("RGB", "L"):
                    background = Image.new("RGB", image.size, "white")
                    rgba = image.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    image = background
                image = image.convert("RGB")
                image.thumbnail((conf.PHOTO_MAX_SIDE, conf.PHOTO_MAX_SIDE))
                # Pixels only: a new image has an empty `info`, so nothing of the original
                # (Pillow would otherwise copy its JPEG comment) reaches the new file.
                pixels = Image.frombytes("RGB", image.size, image.tobytes())
                out = io.BytesIO()
                pixels.save(out, "JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb(name) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a photo"
        raise not_image from exc
    return out.getvalue()


def photo_clean(upload: Upload) -> bytes:
    """The re-encoded JPEG bytes of an uploaded photo, or ValidationError (nothing is saved)."""
    name = upload_name(upload)
    return photo_reencode(_read(upload, conf.PHOTO_MAX_BYTES, name), name)


def photos_precheck(files: Collection[object]) -> None:
    """What can be refused without reading a photo: too many, or one too large."""
    if len(files) > conf.MAX_PHOTOS:
        raise ValidationError(_("At most %(n)s photos.") % {"n": conf.MAX_PHOTOS}, code="too_many")
    limit = conf.PHOTO_MAX_BYTES
    errors = [
        _("%(name)s is too large (at most %(mb)s MB).")
        % {"name": upload_name(f), "mb": limit // MB}
        for f in files
        if (getattr(f, "size", 0) or 0) > limit
    ]
    if errors:
        raise ValidationError(errors, code="too_large")


def photos_clean(files: Iterable[Upload | RawPhoto | bytes | None] | None) -> list[bytes]:
    """Uploads (or probed RawPhotos, or bytes already cleaned) → re-encoded JPEG bytes; every
    refusal at once."""
    present = [f for f in files or () if f]
    if len(present) > conf.MAX_PHOTOS:
        raise ValidationError(_("At most %(n)s photos.") % {"n": conf.MAX_PHOTOS}, code="too_many")
    errors: list[str] = []
    cleaned: list[bytes] = []
    for upload in present:
        try:
            if isinstance(upload, bytes):
                cleaned.append(upload)
            elif isinstance(upload, RawPhoto):
                cleaned.append(photo_reencode(upload.data, upload.name))
            else:
                cleaned.append(photo_clean(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def photos_probe(
    files: Iterable[Upload | RawPhoto | bytes | None] | None,
) -> list[bytes | RawPhoto]:
    """Like photos_clean, without the re-encoding: uploads → RawPhoto once their size and header
    pass (photo_probe); bytes already cleaned and RawPhotos as they are."""
    present = [f for f in files or () if f]
    if len(present) > conf.MAX_PHOTOS:
        raise ValidationError(_("At most %(n)s photos.") % {"n": conf.MAX_PHOTOS}, code="too_many")
    errors: list[str] = []
    checked: list[bytes | RawPhoto] = []
    for upload in present:
        try:
            checked.append(upload if isinstance(upload, (bytes, RawPhoto)) else photo_probe(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


# --- Attachments ---------------------------------------------------------------------------------


if TYPE_CHECKING:
    _BytesFile = ContentFile[bytes]
else:  # ContentFile is generic only in django-stubs
    _BytesFile = ContentFile


class CleanFile(_BytesFile):
    """Checked content, named `<title><extension of the detected type>` for RandomName."""

    def __init__(self, data: bytes, *, extension: str, title: str) -> None:
        super().__init__(data, name=f"file{extension}")
        self.extension = extension
        self.title = title


def _zip_type(data: bytes, name: str) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None
    if (
        not members
        or len(members) > ZIP_MAX_MEMBERS
        or sum(m.file_size for m in members) > ZIP_MAX_EXPANDED
    ):
        return None
    names = {m.filename for m in members}
    macro = ValidationError(
        _("%(name)s contains macros, which are not accepted. Save it without macros.")
        % {"name": name},
        code="macros",
    )
    try:
        first = members[0]
        if first.filename == "mimetype":
            if first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
                return None
            return ODF_MIMETYPES.get(archive.read(first).strip())
        if "[Content_Types].xml" not in names:
            return None
        declared = archive.getinfo("[Content_Types].xml")
        if declared.file_size > MB:
            return None
        types = archive.read(declared)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        return None
    if b"macroenabled" in types.lower() or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise macro
    return next((ext for marker, ext in OOXML_MAIN_PARTS.items() if marker in types), None)


def _ole_type(data: bytes, name: str) -> str | None:
    try:
        with olefile.OleFileIO(data) as ole:
            # Entry names are str (decoded with olefile's path_encoding); the stubs tie their
            # type to that of the data passed in (bytes here).
            entries = cast("list[list[str]]", ole.listdir(streams=True, storages=True))
            top = {entry[0].lower() for entry in entries}
    except Exception:  # noqa: BLE001 - any parser failure means "not a document"
        return None
    if top & {"macros", "_vba_project_cur", "_vba_project"}:
        raise ValidationError(
            _("%(name)s contains macros, which are not accepted. Save it without macros.")
            % {"name": name},
            code="macros",
        )
    if "worddocument" in top:
        return ".doc"
    if top & {"workbook", "book"}:
        return ".xls"
    return None


def _pdf_type(data: bytes) -> str | None:
    if re.match(rb"%PDF-[12]\.\d", data) and b"%%EOF" in data[-2048:]:
        return ".pdf"
    return None


def attachment_clean(
    upload: Upload, *, allowed: Collection[str] = ATTACHMENT_EXTENSIONS
) -> CleanFile:
    """The checked content of an uploaded attachment (images re-encoded), or ValidationError.

    `allowed`: the extensions of FILE_TYPES accepted here (e.g. {".xlsx"} for an import sheet).
    """
    name = upload_name(upload)
    data = _read(upload, conf.ATTACHMENT_MAX_BYTES, name)
    if not data:
        extension: str | None = None
    elif data.startswith(b"%PDF-"):
        extension = _pdf_type(data)
    elif data.startswith(b"PK\x03\x04"):
        extension = _zip_type(data, name)
    elif data.startswith(OLE_MAGIC):
        extension = _ole_type(data, name)
    else:
        extension = None
        if ".jpg" in allowed:
            with contextlib.suppress(ValidationError):
                data, extension = photo_reencode(data, name), ".jpg"
    if extension is None or extension not in allowed:
        raise ValidationError(
            _("%(name)s is not an accepted kind of file. Accepted: %(kinds)s.")
            % {"name": name, "kinds": kinds_text(allowed)},
            code="file_type",
        )
    return CleanFile(data, extension=extension, title=name)


def kinds_text(allowed: Collection[str]) -> str:
    """The accepted kinds of file, for messages and help texts ("Word (docx, doc)", …)."""
    groups = [
        ((".jpg",), _("images (JPEG, PNG, WebP)")),
        ((".pdf",), "PDF"),
        ((".docx", ".doc"), "Word"),
        ((".xlsx", ".xls"), "Excel"),
        ((".pptx",), "PowerPoint"),
        ((".odt", ".ods"), "OpenDocument"),
    ]
    separator = pgettext("list separator", ", ")
    labels: list[str] = []
    for extensions, name in groups:
        present = [e.lstrip(".") for e in extensions if e in allowed]
        if not present:
            continue
        if len(extensions) == 1 and extensions[0] in (".jpg", ".pdf"):
            labels.append(name)
        else:
            labels.append(
                pgettext("file kind", "%(name)s (%(extensions)s)")
                % {"name": name, "extensions": separator.join(present)}
            )
    return separator.join(labels)


# --- Storing -------------------------------------------------------------------------------------


def files_store(items: Iterable[tuple[FieldFile, str, bytes]]) -> None:
    """Write (field_file, name, bytes) items to storage, all or none.

    If the storage fails (disk full, volume gone) the files already written are removed and a
    translated ValidationError is raised; the caller's transaction then rolls back its rows, so
    no orphan row or file is left behind.
    """
    written: list[FieldFile] = []
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
