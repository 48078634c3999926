"""The queue's filtered list as .xlsx: the rows the staff member sees with the same filters, the
reporter's name and phone masked unless they may reveal personal data and ask for it; every
export is written to the personal-data audit log (privacy.services) before the file is made."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from privacy.masking import mask_name, mask_phone


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def queue_xlsx(cases, *, unmasked: bool) -> bytes:
    """`cases` (a queryset, iterated in chunks) as one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests"))
    header = [
        _("Code"),
        _("Kind"),
        _("Category"),
        _("Street"),
        _("Community"),
        _("Area grid"),
        _("Address"),
        _("Description"),
        _("Stage"),
        _("Closure type"),
        _("Source"),
        _("Reported"),
        _("Dispatched at"),
        _("Due"),
        _("Calendar missing"),
        _("Closed at"),
        _("Dispatched to"),
        _("Reporter"),
        _("Reporter's phone"),
    ]
    sheet.append([_bold(sheet, h) for h in header])
    for case in cases.iterator(chunk_size=1000):
        name = case.reporter_name if unmasked else mask_name(case.reporter_name)
        phone = case.reporter_phone if unmasked else mask_phone(case.reporter_phone)
        sheet.append(
            [
                case.code,
                case.category.get_kind_display(),
                str(case.category),
                case.street.name,
                case.community.name,
                case.grid.name if case.grid_id else "",
                case.address,
                case.description,
                case.get_stage_display(),
                case.get_closure_type_display() if case.closure_type else "",
                case.get_source_display(),
                _local(case.created_at),
                _local(case.dispatched_at),
                _local(case.due_at),
                _("yes") if case.calendar_missing else "",
                _local(case.closed_at),
                case.target_display(),
                name,
                phone,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
