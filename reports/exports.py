"""Downloads of a report: .xlsx (one sheet per section, Chinese headers) and PDF (CJK font)."""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.models import Report
from reports.selectors import previous_of, report_tables


def _format(value, unit):
    """Numbers stay numbers in the spreadsheet (rates as fractions formatted as %)."""
    return "—" if value is None else value


def _sheet_title(title: str) -> str:
    bad = "[]:*?/\\"
    return "".join(c for c in str(title) if c not in bad)[:31] or "Sheet"


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    previous = previous_of(report)
    with translation.override("zh-hans"):
        tables = report_tables(report, previous)
        workbook = Workbook()
        overview = workbook.active
        overview.title = _sheet_title(pgettext("report sheet", "Overview"))
        overview.append([_("Area"), report.node_name])
        overview.append([_("Area code"), report.node_code])
        overview.append([_("Level"), report.get_level_display()])
        overview.append([_("Month"), report.period.strftime("%Y-%m")])
        overview.append([_("Version"), report.version])
        overview.append(
            [_("Generated at"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")]
        )
        overview.append([_("Code version"), report.code_version])
        headers = [
            _("Indicator"),
            _("This month"),
            _("Previous month"),
            pgettext("report", "Change"),
        ]
        for table in tables:
            sheet = workbook.create_sheet(_sheet_title(table["title"]))
            sheet.append([str(h) for h in headers])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in table["rows"]:
                sheet.append(
                    [
                        str(row["label"]),
                        _format(row["value"], row["unit"]),
                        _format(row["previous"], row["unit"]),
                        _format(row["change"], row["unit"]),
                    ]
                )
                if row["unit"] == "rate":
                    for cell in sheet[sheet.max_row][1:]:
                        cell.number_format = "0.0%"
            sheet.column_dimensions["A"].width = 28
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _register_cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = settings.REDGRID_PDF_FONT
    if not Path(path).exists():
        raise ImproperlyConfigured(
            f"The CJK font {path} is missing: install fonts-wqy-microhei (make run does) or set "
            "REDGRID_PDF_FONT to a TrueType font with Chinese glyphs."
        )
    if "RedGridCJK" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("RedGridCJK", path, subfontIndex=0))
    return "RedGridCJK"


def report_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_cjk_font()
    previous = previous_of(report)
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    heading = ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    with translation.override("zh-hans"):
        tables = report_tables(report, previous)
        story = [
            Paragraph(
                _("Monthly report %(month)s: %(area)s")
                % {"month": report.period.strftime("%Y-%m"), "area": report.node_name},
                title_style,
            ),
            Paragraph(
                _("Version %(version)s, generated %(at)s, code %(code)s")
                % {
                    "version": report.version,
                    "at": timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"),
                    "code": report.code_version,
                },
                body,
            ),
            Spacer(1, 8),
        ]
        headers = [
            _("Indicator"),
            _("This month"),
            _("Previous month"),
            pgettext("report", "Change"),
        ]
        for table in tables:
            story.append(Paragraph(str(table["title"]), heading))
            data = [[str(h) for h in headers]] + [
                [str(r["label"]), r["value_display"], r["previous_display"], r["change_display"]]
                for r in table["rows"]
            ]
            pdf_table = Table(data, colWidths=[200, 90, 90, 90])
            pdf_table.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), font),
                        ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f4")),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                    ]
                )
            )
            story.append(pdf_table)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{report.node_name} {report.period:%Y-%m}",
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
    ).build(story)
    return buffer.getvalue()


def filename_for(report: Report, extension: str) -> str:
    return f"report-{report.node_code}-{report.period:%Y-%m}-v{report.version}.{extension}"


def xlsx_attachment(argument: str) -> tuple[str, bytes, str]:
    """Attachment resolver "reports.xlsx:<report id>" for the notifications outbox."""
    report = Report.objects.get(pk=int(argument))
    return (
        filename_for(report, "xlsx"),
        report_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
