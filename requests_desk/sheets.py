"""The holiday calendar's import (grids.sheet_import): the official schedule the State Council
publishes each year (国务院办公厅关于…节假日安排的通知), one row per day off or make-up working day,
as .xlsx or .csv. A file is the whole schedule of each year it covers: that year's days not in the
file are removed, and the year counts as covered (HolidayCalendarYear), which moves the end of the
calendar and with it the district admins' reminder (requests_desk.reminders)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets import Column, missing_errors, parse_date, text
from grids.sheet_import import RowResult, SheetKind, sheet_kind
from requests_desk.models import Holiday, HolidayCalendarYear

KIND_ALIASES = {
    "放假": Holiday.Kind.OFF,
    "休息": Holiday.Kind.OFF,
    "休": Holiday.Kind.OFF,
    "节假日": Holiday.Kind.OFF,
    "holiday": Holiday.Kind.OFF,
    "day off": Holiday.Kind.OFF,
    "off": Holiday.Kind.OFF,
    "上班": Holiday.Kind.WORKDAY,
    "班": Holiday.Kind.WORKDAY,
    "调休上班": Holiday.Kind.WORKDAY,
    "补班": Holiday.Kind.WORKDAY,
    "working day": Holiday.Kind.WORKDAY,
    "make-up working day": Holiday.Kind.WORKDAY,
    "workday": Holiday.Kind.WORKDAY,
}


@sheet_kind
class HolidaySheet(SheetKind):
    name = "holidays"
    title = gettext_lazy("Import the holiday calendar")
    intro = gettext_lazy(
        "The official schedule of a year: one row per day off (放假) and per make-up working day "
        "(上班) on a weekend. A file replaces the whole calendar of each year it holds; deadlines "
        "in working days use it, and a deadline that falls past its last year is flagged "
        "“calendar missing”."
    )
    permission = "requests_desk.add_holidaycalendaryear"
    done_url = "admin:requests_desk_holiday_changelist"
    order = 80
    # A year's schedule is whole or wrong: no "import only the clean rows".
    allow_clean_only = False
    columns = (
        Column("date", gettext_lazy("Date"), "日期", required=True, example="2027-01-01"),
        Column(
            "kind",
            gettext_lazy("Holiday or working day"),
            "类型",
            required=True,
            example="放假",
            help=gettext_lazy("放假 (day off) or 上班 (make-up working day)"),
        ),
        Column("name", gettext_lazy("Holiday name"), "名称", example="元旦"),
    )
    preview_headers = (gettext_lazy("Date"), gettext_lazy("Kind"), gettext_lazy("Holiday name"))

    def check(self, rows, *, user):
        seen: dict = {}
        results = []
        for line, values in rows:
            errors = missing_errors(self.columns, values)
            raw_date, raw_kind = text(values.get("date")), text(values.get("kind"))
            day = parse_date(values.get("date")) if raw_date else None
            if raw_date and day is None:
                errors.append(
                    _('"%(value)s" is not a date (use YYYY-MM-DD).') % {"value": raw_date}
                )
            kind = KIND_ALIASES.get(raw_kind.lower()) or (
                raw_kind if raw_kind in Holiday.Kind.values else None
            )
            if raw_kind and kind is None:
                errors.append(
                    _('"%(value)s" is neither 放假 (day off) nor 上班 (working day).')
                    % {"value": raw_kind}
                )
            if day is not None:
                if day in seen:
                    errors.append(
                        _("Duplicate: the same date is on row %(line)s.") % {"line": seen[day]}
                    )
                seen.setdefault(day, line)
                if kind == Holiday.Kind.OFF and day.weekday() >= 5:
                    errors.append(_("A weekend day is off anyway; list only weekdays off."))
                if kind == Holiday.Kind.WORKDAY and day.weekday() < 5:
                    errors.append(
                        _("A make-up working day falls on a weekend; this date is a weekday.")
                    )
            holiday = Holiday(date=day, kind=kind or "", name=text(values.get("name"))[:60])
            results.append(
                RowResult(
                    line=line,
                    values=values,
                    errors=errors,
                    obj=holiday,
                    display=[
                        str(day or raw_date),
                        str(Holiday.Kind(kind).label) if kind else raw_kind,
                        holiday.name,
                    ],
                )
            )
        return results

    @transaction.atomic
    def write(self, rows, *, user):
        years = sorted({row.obj.date.year for row in rows})
        for year in years:
            days = [row.obj for row in rows if row.obj.date.year == year]
            Holiday.objects.filter(date__year=year).exclude(
                date__in=[d.date for d in days]
            ).delete()
            for holiday in days:
                Holiday.objects.update_or_create(
                    date=holiday.date, defaults={"kind": holiday.kind, "name": holiday.name}
                )
            HolidayCalendarYear.objects.update_or_create(
                year=year,
                defaults={
                    "source": _("imported by %(user)s") % {"user": user or _("an operator")},
                    "loaded_at": timezone.now(),
                },
            )
        return len(rows)
