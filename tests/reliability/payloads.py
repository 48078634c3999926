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
