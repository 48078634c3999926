"""The requests desk's part of the monthly report (see reports/registry.py): the case indicators
of requests_desk.indicators, per area, for requests reported in the month."""

from django.utils.translation import gettext_lazy as _

from grids.models import District
from reports.registry import Metric, report_section
from requests_desk.indicators import request_indicators
from requests_desk.models import Request

METRICS = [
    Metric("reports", _("Requests received")),
    Metric("filed", _("Requests filed")),
    Metric("closed", _("Requests closed")),
    Metric("closure_rate", _("Closure rate"), unit="rate"),
    Metric("on_time_closure_rate", _("On-time closure rate"), unit="rate"),
    Metric("rework_rate", _("Rework rate"), unit="rate"),
    Metric("extension_rate", _("Extension rate"), unit="rate"),
    Metric("avg_handling_hours", _("Average handling time (hours)"), unit="hours"),
    Metric("satisfaction_rate", _("Satisfaction rate"), unit="rate"),
    Metric("overdue_unhandled", _("Overdue, not handled")),
]
KEYS = [m.key for m in METRICS]


@report_section("requests", _("Residents' requests"), order=10, metrics=METRICS)
def requests_section(*, level, start, end):
    """request_indicators grouped by the level (one query); the district level is one total
    query per district (normally one)."""
    if level == "district":
        result = {}
        for district_id in District.objects.valid_on(start).values_list("id", flat=True):
            (row,) = request_indicators(
                start=start,
                end=end,
                group_by=(),
                queryset=Request.objects.filter(street__district_id=district_id),
            )
            result[district_id] = {key: row.get(key) for key in KEYS}
        return result
    rows = request_indicators(start=start, end=end, group_by=(level,))
    return {
        row[f"{level}_id"]: {key: row.get(key) for key in KEYS}
        for row in rows
        if row.get(f"{level}_id") is not None
    }
