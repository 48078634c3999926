"""Spreadsheets in and out: the rows of an uploaded .xlsx, .csv or GeoJSON file, the import
templates (.xlsx with the headers and an example row) that every import page offers, and the one
import flow every spreadsheet import follows (grids.sheet_import's kinds, the staff import, the
Party member import):

    preview = Preview(rows=[RowResult(line, values, errors), …])   # an error per row, nothing written
    rows = rows_to_write(preview, clean_only=…)                     # the commit rule
    # … write `rows` in one transaction …

The commit rule: every row when the file is clean, or only the clean rows when the user asks for
that explicitly; otherwise ImportRefused and nothing is written. The commit always checks the file
again (a preview an hour old proves nothing). The uploaded file does not outlive the import: it is
sealed in the preview page (grids.sheet_import), or kept in a batch row whose sheet is deleted when
the import is committed or abandoned (the member and staff imports).

A sheet's columns are declared once per import as `Column`s. The first row of an uploaded sheet
holds the headers; a header may be the Chinese one offices use (`Column.chinese`), the English
label, or the column key, in any order. A GeoJSON FeatureCollection (key places, service
positions) gives one row per feature: its properties by the same headers, and a Point geometry as
the `lon` and `lat` columns. Whole-file problems (not a workbook, a missing column, too many rows)
come back as translated messages, never as exceptions: the per-row checks belong to each import.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Row = dict[str, Any]
Rows = list[tuple[int, Row]]


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    chinese: str
    required: bool = False
    example: Any = ""
    help: str | Promise = ""


def text(value: Any) -> str:
    """A cell as text: None is empty, 12.0 is "12", whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    return str(value).strip()


def _header_keys(columns: Sequence[Column]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in columns:
        mapping[column.key.lower()] = column.key
        mapping[column.chinese.lower()] = column.key
        for language in ("en", "zh-hans"):
            with translation.override(language):
                mapping[str(column.label).strip().lower()] = column.key
    return mapping


def _rows_from_table(
    table: list[tuple[Any, ...]], columns: Sequence[Column], max_rows: int
) -> tuple[Rows, list[str]]:
    if not table or not any(text(v) for v in table[0]):
        return [], [_("The sheet is empty.")]
    known = _header_keys(columns)
    keys = [known.get(text(h).lower()) for h in table[0]]
    missing = [c.chinese for c in columns if c.required and c.key not in keys]
    if missing:
        return [], [_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)}]
    rows: Rows = []
    for line, values in enumerate(table[1:], start=2):
        if all(text(v) == "" for v in values):
            continue
        if len(rows) >= max_rows:
            return [], [_("A file may hold at most %(n)s rows.") % {"n": max_rows}]
        rows.append((line, {k: v for k, v in zip(keys, values, strict=False) if k}))
    if not rows:
        return [], [_("The sheet has no rows below its headers.")]
    return rows, []


def _xlsx_table(data: bytes, max_rows: int) -> list[tuple[Any, ...]] | None:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a file that is not .xlsx
        return None
    try:
        sheet = workbook.worksheets[0]
        table = []
        # One row more than allowed (plus the header) is enough to say "too many".
        for values in sheet.iter_rows(values_only=True, max_row=max_rows + 2 + 1000):
            table.append(tuple(values))
        return table
    finally:
        workbook.close()


def _csv_table(data: bytes) -> list[tuple[Any, ...]] | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t")
        except csv.Error:
            return [tuple(row) for row in csv.reader(io.StringIO(decoded))]
        return [tuple(row) for row in csv.reader(io.StringIO(decoded), dialect)]
    return None


def _geojson_table(data: bytes, columns: Sequence[Column]) -> list[tuple[Any, ...]] | None:
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    features = parsed.get("features") if isinstance(parsed, dict) else None
    if parsed.get("type") != "FeatureCollection" or not isinstance(features, list):
        return None
    keys = [c.key for c in columns]
    known = _header_keys(columns)
    table: list[tuple[Any, ...]] = [tuple(keys)]
    for raw in features:
        feature: dict[str, Any] = raw if isinstance(raw, dict) else {}
        raw_properties = feature.get("properties")
        properties: dict[str, Any] = raw_properties if isinstance(raw_properties, dict) else {}
        row = {known[str(k).lower()]: v for k, v in properties.items() if str(k).lower() in known}
        raw_geometry = feature.get("geometry")
        geometry: dict[str, Any] = raw_geometry if isinstance(raw_geometry, dict) else {}
        coordinates = geometry.get("coordinates")
        if (
            geometry.get("type") == "Point"
            and isinstance(coordinates, list)
            and len(coordinates) >= 2
        ):
            row["lon"], row["lat"] = coordinates[0], coordinates[1]
        table.append(tuple(row.get(k) for k in keys))
    return table


def sheet_rows(
    data: bytes, *, filename: str, columns: Sequence[Column], max_rows: int, geojson: bool = False
) -> tuple[Rows, list[str]]:
    """(line number, {column key: raw value}) for each non-empty row of the first sheet of an
    .xlsx, a .csv (UTF-8 or GB18030) or — with `geojson` — a GeoJSON FeatureCollection, and the
    problems of the whole file (then no rows)."""
    name = filename.lower()
    table: list[tuple[Any, ...]] | None
    if geojson and name.endswith((".geojson", ".json")):
        table = _geojson_table(data, columns)
        if table is None:
            return [], [_("The file is not a GeoJSON FeatureCollection.")]
    elif name.endswith(".csv"):
        table = _csv_table(data)
        if table is None:
            return [], [_("The file is not a CSV file in UTF-8 or GB18030.")]
    else:
        table = _xlsx_table(data, max_rows)
        if table is None:
            return [], [_("The file is not an .xlsx workbook.")]
    return _rows_from_table(table, columns, max_rows)


def parse_date(value: Any) -> datetime.date | None:
    """A date cell (a date, or text as 2026-01-31, 2026/1/31 or 2026.1.31); None if it is not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value).replace("/", "-").replace(".", "-")
    parts = raw.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _write_sheet(sheet: Worksheet, columns: Sequence[Column], headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        width = max(len(str(column.example)), len(headers[index - 1])) * 2 + 2
        sheet.column_dimensions[get_column_letter(index)].width = width


def template_xlsx(columns: Sequence[Column], *, title: str) -> bytes:
    """An import template: the Chinese headers, one example row, and a second sheet that says
    what each column holds (required or not)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    _write_sheet(sheet, columns, [c.chinese for c in columns])
    notes = workbook.create_sheet(_("Columns")[:31])
    notes.append([_("Column"), _("Required"), _("What it holds")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in columns:
        notes.append(
            [
                column.chinese,
                _("yes") if column.required else _("no"),
                str(column.help or column.label),
            ]
        )
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The import flow -----------------------------------------------------------------------------


class ImportRefused(Exception):
    """Nothing was imported: `message` says why; `preview`, when there is one, shows the rows."""

    def __init__(self, message: str, preview: "Preview[Any] | None" = None) -> None:
        super().__init__(message)
        self.message = message
        self.preview = preview


@dataclass
class RowResult:
    """One checked row: its line in the sheet, its cells and what is wrong with it (if anything).
    Each import adds what its commit writes (the object built, the role, the branch…)."""

    line: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


R = TypeVar("R", bound=RowResult)


@dataclass
class Preview(Generic[R]):
    """Every row of a file, checked; `problems` are those of the whole file (then no rows)."""

    rows: list[R]
    problems: list[str] = field(default_factory=list)

    @property
    def clean_rows(self) -> list[R]:
        return [r for r in self.rows if r.ok]

    @property
    def error_rows(self) -> list[R]:
        return [r for r in self.rows if not r.ok]

    @property
    def is_clean(self) -> bool:
        return not self.problems and not self.error_rows and bool(self.rows)


def rows_to_write(
    preview: Preview[R], *, clean_only: bool, allow_clean_only: bool = True
) -> list[R]:
    """The rows a commit writes: all of them when the file is clean, only the clean ones when
    `clean_only` (and the import allows a partial file); ImportRefused otherwise."""
    if preview.problems:
        raise ImportRefused(" ".join(preview.problems), preview)
    if preview.error_rows and not (clean_only and allow_clean_only):
        raise ImportRefused(
            _(
                "%(n)s rows have errors; nothing was imported. Correct them or import only "
                "the clean rows."
            )
            % {"n": len(preview.error_rows)},
            preview,
        )
    rows = preview.clean_rows
    if not rows:
        raise ImportRefused(_("No clean rows to import."), preview)
    return rows


def missing_errors(columns: Iterable[Column], values: Row) -> list[str]:
    """One message per required column left empty in the row."""
    return [
        _("%(column)s is missing.") % {"column": c.chinese}
        for c in columns
        if c.required and not text(values.get(c.key))
    ]


def choice_table(
    choices: Iterable[tuple[Any, Any]], aliases: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each choice's code, English and Chinese label (lower case) → its code, plus `aliases` (the
    words offices write for it, whatever the interface language)."""
    table = {}
    for value, label in choices:
        table[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[str(label).lower()] = value
    return table | dict(aliases or {})


T = TypeVar("T")


def lookup(
    values: Row, key: str, table: Mapping[str, T], message: str, errors: list[str]
) -> T | None:
    """The entry of `table` for the row's `key` cell; None when the cell is empty, or — with
    `message` (its %(value)s the cell) added to `errors` — when the table has no such entry."""
    code = text(values.get(key))
    if not code:
        return None
    found = table.get(code)
    if found is None:
        errors.append(message % {"value": code})
    return found


def date_cell(value: Any, column: str, errors: list[str]) -> datetime.date | None:
    """A date cell (see parse_date); None when empty, or — with a message naming `column` added
    to `errors` — when it is not a date."""
    if value is None or text(value) == "":
        return None
    found = parse_date(value)
    if found is None:
        errors.append(
            _('%(column)s: "%(value)s" is not a date (use YYYY-MM-DD).')
            % {"column": column, "value": text(value)}
        )
    return found
