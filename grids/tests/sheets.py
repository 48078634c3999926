"""Helpers for the import pages' tests (grids.sheet_import): upload, then commit the sealed file."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, kind: str, content: bytes, name: str = "sheet.xlsx"):
    return client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile(name, content)})


def sealed_of(response) -> tuple[str, str]:
    body = response.content.decode()
    sealed = body.split('name="sealed" value="')[1].split('"')[0]
    filename = body.split('name="filename" value="')[1].split('"')[0]
    return sealed, filename


def commit(client, kind: str, preview, mode: str = "all"):
    sealed, filename = sealed_of(preview)
    return client.post(f"/imports/{kind}/", {"sealed": sealed, "filename": filename, "mode": mode})


def row_errors(response) -> int:
    return response.content.decode().count('class="row-error"')
