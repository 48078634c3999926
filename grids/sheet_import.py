"""Imports from spreadsheets: the one flow behind every import page, `manage.py import_sheet` and
the admin's import buttons (households, key places, service positions, the holiday calendar…).

upload → preview (every row checked by the same rules as a form or the admin, one message per
problem, personal data masked) → commit: all rows when the file is clean, or only the clean rows
when the user asks for that explicitly; otherwise nothing. The commit reads and checks the file
again in its transaction, so what was previewed an hour ago cannot slip past a rule.

The uploaded file is never stored. The preview page carries it sealed (privacy.crypto.seal:
encrypted with the field key, bound to the user and the kind of import, valid for
SEALED_SECONDS); the commit unseals it. Abandoning a preview leaves nothing on the server, and a
sealed sheet cannot be replayed by another user or into another import.

An import is a `SheetKind` registered with `@sheet_kind` in its app's `<app>/sheets.py` (imported
by GridsConfig.ready):

    @sheet_kind
    class HouseholdSheet(SheetKind):
        name = "households"
        permission = "care.add_household"
        columns = (Column("grid", _("Area grid"), "网格编码", required=True, example="…"), …)

        def check(self, rows, *, user) -> list[RowResult]: …   # builds each row's object
        def write(self, rows, *, user) -> int: …               # saves the given (clean) rows

`user` is None for the management command (an operator: no jurisdiction limit).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import sheets
from core.sheets import Column, Rows, rows_to_write, sheet_rows, template_xlsx
from grids.jurisdiction import scope_queryset
from privacy.crypto import seal, unseal

SEALED_SECONDS = 3600
MAX_BYTES = 10 * 1024 * 1024


@dataclass
class RowResult(sheets.RowResult):
    obj: Any = None
    # The cells the preview shows (masked where the value is personal data).
    display: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview(sheets.Preview[RowResult]):
    kind: "SheetKind | None" = None


class SheetKind:
    name: ClassVar[str] = ""
    title: ClassVar[str | Promise] = ""
    intro: ClassVar[str | Promise] = ""
    permission: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]] = ()
    # The preview table's headers (one per RowResult.display cell).
    preview_headers: ClassVar[tuple[str | Promise, ...]] = ()
    # Where the commit leads (a URL name), and the order on the imports page (going live).
    done_url: ClassVar[str] = "imports:list"
    order: ClassVar[int] = 100
    # False when a partial file would be wrong (a year's holiday schedule is whole or nothing).
    allow_clean_only: ClassVar[bool] = True
    geojson: ClassVar[bool] = False
    max_rows: ClassVar[int] = 5000
    accept: ClassVar[str] = ".xlsx,.csv"

    def check(self, rows: Rows, *, user) -> list[RowResult]:
        raise NotImplementedError

    def write(self, rows: list[RowResult], *, user) -> int:
        raise NotImplementedError

    def template(self) -> bytes:
        return template_xlsx(self.columns, title=str(self.title))

    @property
    def template_filename(self) -> str:
        return f"redgrid-{self.name}-template.xlsx"


KINDS: dict[str, SheetKind] = {}


def sheet_kind(cls: type[SheetKind]) -> type[SheetKind]:
    KINDS[cls.name] = cls()
    return cls


def kind_of(name: str) -> SheetKind:
    return KINDS[name]


def scoped(queryset, user):
    """`queryset` within the user's jurisdiction; everything for the command (user None)."""
    return queryset if user is None else scope_queryset(queryset, user)


def sheet_import_preview(kind: SheetKind, *, data: bytes, filename: str, user) -> Preview:
    if len(data) > MAX_BYTES:
        return Preview(
            kind=kind,
            rows=[],
            problems=[_("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 1024 // 1024}],
        )
    rows, problems = sheet_rows(
        data, filename=filename, columns=kind.columns, max_rows=kind.max_rows, geojson=kind.geojson
    )
    if problems:
        return Preview(kind=kind, rows=[], problems=problems)
    return Preview(kind=kind, rows=kind.check(rows, user=user))


def sheet_import_commit(
    kind: SheetKind, *, data: bytes, filename: str, user, clean_only: bool = False
) -> int:
    """Check `data` again and write it in one transaction: every row when all are clean, or only
    the clean rows when `clean_only`; otherwise ImportRefused and nothing is written."""
    with transaction.atomic():
        preview = sheet_import_preview(kind, data=data, filename=filename, user=user)
        rows = rows_to_write(preview, clean_only=clean_only, allow_clean_only=kind.allow_clean_only)
        return kind.write(rows, user=user)


def _context(kind: SheetKind, user, filename: str) -> str:
    return f"sheet:{kind.name}:{getattr(user, 'pk', '-')}:{filename}"


def sheet_seal(kind: SheetKind, *, data: bytes, filename: str, user) -> str:
    """The uploaded file, sealed for the preview page (see the module docstring)."""
    return seal(data, context=_context(kind, user, filename))


def sheet_unseal(kind: SheetKind, *, token: str, filename: str, user) -> bytes | None:
    return unseal(token, context=_context(kind, user, filename), max_age=SEALED_SECONDS)


def kinds_for(user) -> Iterable[SheetKind]:
    """The imports `user` may run, in going-live order."""
    kinds = [kind for kind in KINDS.values() if user.has_perm(kind.permission)]
    return sorted(kinds, key=lambda k: (k.order, k.name))
