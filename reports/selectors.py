"""Reads of the reports app (always scoped to the user's jurisdiction)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max, OuterRef, Subquery

from core.periods import previous_month
from core.report_registry import SECTIONS, sections_in_order
from grids.jurisdiction import get_scoped_object_or_404, scope_queryset
from reports.models import Report, ReportRun

if TYPE_CHECKING:
    import datetime
    from typing import Any

    from django.db.models import QuerySet

    from accounts.models import User


def reports_for(user: User) -> QuerySet[Report]:
    return scope_queryset(Report.objects.all(), user)


def latest_reports(
    user: User, *, period: datetime.date | None = None, level: str = ""
) -> QuerySet[Report]:
    """The newest version of each area's report, scoped; optionally one month / one level."""
    qs = reports_for(user)
    if period:
        qs = qs.filter(period=period)
    if level:
        qs = qs.filter(level=level)
    newest = Report.objects.filter(
        period=OuterRef("period"), level=OuterRef("level"), node_code=OuterRef("node_code")
    ).order_by("-version")
    return qs.filter(pk=Subquery(newest.values("pk")[:1])).order_by("-period", "level", "node_code")


def periods_for(user: User) -> list:
    return list(reports_for(user).values_list("period", flat=True).distinct().order_by("-period"))


def report_for(user: User, pk: int) -> Report:
    return get_scoped_object_or_404(Report.objects.select_related("run"), user, pk=pk)


def previous_of(report: Report) -> Report | None:
    """The latest version of the same area's report for the month before."""
    prev_period = previous_month(report.period)
    return (
        Report.objects.filter(period=prev_period, level=report.level, node_code=report.node_code)
        .order_by("-version")
        .first()
    )


def versions_of(report: Report) -> QuerySet[Report]:
    return (
        Report.objects.filter(period=report.period, level=report.level, node_code=report.node_code)
        .only("pk", "version", "generated_at", "code_version")
        .order_by("-version")
    )


def format_value(value: Any, unit: str, *, signed: bool = False) -> str:
    """How a figure is shown: rates as percentages, hours with one decimal, "—" when missing."""
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if unit == "rate":
        return f"{sign}{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{sign}{value:.1f}"
    return f"{sign}{value}"


def report_tables(report: Report, previous: Report | None) -> list[dict]:
    """Per section: rows of (label, unit, this month, previous month, change)."""
    tables = []
    for section in sections_in_order():
        current = report.numbers.get(section.name)
        if current is None:
            continue
        before = previous.numbers.get(section.name, {}) if previous else {}
        rows = []
        for metric in section.metrics:
            value = current.get(metric.key)
            prev = before.get(metric.key) if previous else None
            change = None
            if isinstance(value, (int, float)) and isinstance(prev, (int, float)):
                change = round(value - prev, 4)
            rows.append(
                {
                    "key": metric.key,
                    "label": metric.label,
                    "unit": metric.unit,
                    "value": value,
                    "previous": prev,
                    "change": change,
                    "value_display": format_value(value, metric.unit),
                    "previous_display": format_value(prev, metric.unit),
                    "change_display": format_value(change, metric.unit, signed=True),
                }
            )
        tables.append({"name": section.name, "title": section.title, "rows": rows})
    # Sections present in an old snapshot but no longer registered are still shown, as stored.
    for name, values in report.numbers.items():
        if name not in SECTIONS:
            tables.append(
                {
                    "name": name,
                    "title": name,
                    "rows": [
                        {
                            "key": k,
                            "label": k,
                            "unit": "count",
                            "value": v,
                            "previous": None,
                            "change": None,
                            "value_display": format_value(v, "count"),
                            "previous_display": "—",
                            "change_display": "—",
                        }
                        for k, v in sorted(values.items())
                    ],
                }
            )
    return tables


def runs_for(user: User, limit: int = 5) -> list[ReportRun]:
    """Recent runs (runs cover the whole district, so every staff member may watch them)."""
    return list(ReportRun.objects.select_related("requested_by").order_by("-created_at")[:limit])


__all__ = [
    "Max",
    "latest_reports",
    "periods_for",
    "previous_of",
    "report_for",
    "report_tables",
    "reports_for",
    "runs_for",
    "versions_of",
]
