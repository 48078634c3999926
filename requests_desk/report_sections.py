"""The requests desk's part of the monthly report (see core/report_registry.py): the case indicators
of requests_desk.indicators, per area, for requests reported in the month — read from the desk's
per-(area, month) summary (monthly_request_indicators), so a report costs the same whatever the
number of requests."""

import datetime

from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.periods import is_whole_months
from core.report_registry import Metric, report_section, report_section_all_levels
from grids.jurisdiction import jurisdiction_paths
from grids.models import District
from requests_desk.indicators import (
    monthly_request_indicators,
    monthly_request_indicators_by_level,
    no_request_indicators,
    request_indicators,
)
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


def _indicators(*, start, end, group_by, scope=None):
    """monthly_request_indicators for whole months (the report's case), request_indicators
    over the requests otherwise."""
    if is_whole_months(start, end):
        return monthly_request_indicators(
            first_month=start,
            last_month=end - datetime.timedelta(days=1),
            group_by=group_by,
            scope=scope,
        )
    queryset = scope(Request.objects.all()) if scope else None
    return request_indicators(start=start, end=end, group_by=group_by, queryset=queryset)


@report_section("requests", _("Residents' requests"), order=10, metrics=METRICS)
def requests_section(*, level, start, end):
    """The indicators grouped by the level (two queries); the district level is one total per
    district (normally one)."""
    if level == "district":
        result = {}
        for district_id in District.objects.in_force(start).values_list("id", flat=True):

            def in_district(qs, district_id=district_id):
                return qs.filter(**{jurisdiction_paths(qs.model)["district"]: district_id})

            (row,) = _indicators(start=start, end=end, group_by=(), scope=in_district)
            result[district_id] = {key: row.get(key) for key in KEYS}
        return result
    rows = _indicators(start=start, end=end, group_by=(level,))
    # Only areas with requests reported in the month (the summary also has rows of areas where
    # older requests were merely closed this month).
    return {
        row[f"{level}_id"]: {key: row.get(key) for key in KEYS}
        for row in rows
        if row.get(f"{level}_id") is not None and row["reports"]
    }


@report_section_all_levels("requests")
def requests_all_levels(*, start, end):
    """Every level's areas as `requests_section` gives them level by level: two GROUPING SETS
    queries (monthly_request_indicators_by_level) and the districts in force, each with its
    total even when it had no requests."""
    if not is_whole_months(start, end):
        return {level: requests_section(level=level, start=start, end=end) for level in AREA_LEVELS}
    by_level = monthly_request_indicators_by_level(
        first_month=start, last_month=end - datetime.timedelta(days=1)
    )
    result = {
        level: {
            node: {key: row.get(key) for key in KEYS}
            for node, row in by_level[level].items()
            if row["reports"]
        }
        for level in AREA_LEVELS
        if level != "district"
    }
    districts = by_level["district"]
    result["district"] = {
        district_id: {key: row.get(key) for key in KEYS}
        for district_id in District.objects.in_force(start).values_list("id", flat=True)
        for row in [districts.get(district_id) or no_request_indicators()]
    }
    return result
