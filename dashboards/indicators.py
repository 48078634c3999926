"""The owning apps' indicator functions, as the dashboards use them.

Nothing here computes an indicator from raw rows: each function calls the owning app's own query
function — requests_desk.indicators.monthly_request_indicators for requests, volunteers.selectors
for registration — and reshapes its answer.

The requests desk counts the requests *reported* in a period (a cohort): "closed" is how many of
them are closed now. Its rates are 0–1; the dashboards show per cent. The overdue rate shown here
is the desk's overdue-unhandled count over its dispatched count for the same cohort.

The dashboards' periods are whole local months, so they read the desk's per-(area, month)
summary (monthly_request_indicators: two queries over at most months × buckets rows, whatever
the number of requests) rather than aggregating a year of requests per view.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.periods import previous_month
from requests_desk.indicators import monthly_request_indicators
from volunteers.selectors import RATE_GROUPS, registration_rates


def _percent(value):
    return None if value is None else round(float(value) * 100, 1)


def _request_values(row: dict, population=None) -> dict:
    received = row.get("reports") or 0
    dispatched = row.get("dispatched") or 0
    values = {
        "received": received,
        "closed": row.get("closed") or 0,
        "overdue_rate": _percent(row["overdue_unhandled"] / dispatched) if dispatched else None,
        "on_time_closure_rate": _percent(row.get("on_time_closure_rate")),
        "satisfaction": _percent(row.get("satisfaction_rate")),
    }
    values["requests_per_1000"] = round(received * 1000 / population, 2) if population else None
    return values


@dataclass
class GridValues:
    by_grid: dict = field(default_factory=dict)  # {grid_id: {indicator_key: value}}
    available: set = field(default_factory=set)


def grid_values(user, area, *, start, end, on=None, grids: dict | None = None) -> GridValues:
    """Each area grid's indicators inside `area` for requests reported in the months from
    `start` to `end` (whole months, end excluded): two queries for the requests (grouped by
    grid), one for registration when available, and one for the grids in force on `on` unless
    given (`grids`: {grid id: population}, as the caller already read them)."""
    from grids.models import AreaGrid

    result = GridValues()
    if grids is None:
        grids = dict(area.filter(AreaGrid.objects.in_force(on)).values_list("id", "population"))
    rows = {
        row["grid_id"]: row
        for row in monthly_request_indicators(
            first_month=start,
            last_month=previous_month(end),  # `end` is excluded
            user=user,
            scope=area.filter,
            group_by=("grid",),
        )
    }
    for grid_id, population in grids.items():
        row = rows.get(grid_id) or {
            "reports": 0,
            "closed": 0,
            "dispatched": 0,
            "overdue_unhandled": 0,
        }
        result.by_grid.setdefault(grid_id, {}).update(_request_values(row, population))
    result.available |= {
        "requests_per_1000",
        "overdue_rate",
        "on_time_closure_rate",
        "satisfaction",
    }
    # Members sit in a grid through their branch. Counted over every member of the area's
    # grids (not only those whose home community lies in the user's jurisdiction), so each
    # grid's rate equals the one its own dashboard shows (volunteers.registration_rate); the
    # grids themselves are the area's, already inside the user's jurisdiction.
    for row in registration_rates(group="grid"):
        grid_id = row.get(RATE_GROUPS["grid"][0])
        if grid_id in grids:
            result.by_grid.setdefault(grid_id, {})["registration_rate"] = row["rate"]
    result.available.add("registration_rate")
    return result


def monthly_trend(user, area, *, months) -> list[dict]:
    """One row per month for the area (requests reported that month): received, closed, on-time
    closure rate, satisfaction, overdue rate — two queries grouped by month."""
    rows = monthly_request_indicators(
        first_month=months[0].start,
        last_month=months[-1].start,
        user=user,
        scope=area.filter,
        group_by=("month",),
    )
    by_month = {row["month"].strftime("%Y-%m") if row["month"] else "": row for row in rows}
    trend = []
    for month in months:
        key = month.start.strftime("%Y-%m")
        row = by_month.get(key) or {
            "reports": 0,
            "closed": 0,
            "dispatched": 0,
            "overdue_unhandled": 0,
        }
        values = _request_values(row)
        values.pop("requests_per_1000")
        trend.append({"month": key, **values})
    return trend


def request_figures(user, area, this, last) -> list:
    """This month and last month in the area: requests received (reported in the month), closed
    (closed in the month), and the on-time closure rate and satisfaction of the month's reports.
    "Received" and "closed" link to the requests desk's queue filtered to the same days
    (reported_from/reported_to, stage=closed with closed_from/closed_to); the desk's monthly
    summary counts them on the same local days (reports by reporting month, closed_in_month by
    closing month), so each equals the rows of the list it links to. Two queries."""
    from dashboards.selectors import Figure, queue_url

    rows = monthly_request_indicators(
        first_month=last.start,
        last_month=this.start,
        user=user,
        scope=area.filter,
        group_by=("month",),
    )
    by_month = {row["month"].strftime("%Y-%m"): row for row in rows if row["month"]}
    empty = {"reports": 0, "closed": 0, "dispatched": 0, "overdue_unhandled": 0}
    this_row = by_month.get(this.start.strftime("%Y-%m"), empty)
    last_row = by_month.get(last.start.strftime("%Y-%m"), empty)
    cur, prev = _request_values(this_row), _request_values(last_row)

    def received_url(month):
        return queue_url(
            stage="", reported_from=month.start.isoformat(), reported_to=month.last_day.isoformat()
        )

    def closed_url(month):
        return queue_url(
            stage="closed",
            closed_from=month.start.isoformat(),
            closed_to=month.last_day.isoformat(),
        )

    closed = {
        "current": this_row.get("closed_in_month") or 0,
        "previous": last_row.get("closed_in_month") or 0,
    }
    return [
        Figure(
            "received",
            _("Requests received"),
            cur["received"],
            prev["received"],
            url=received_url(this),
            previous_url=received_url(last),
        ),
        Figure(
            "closed",
            _("Requests closed"),
            closed["current"],
            closed["previous"],
            url=closed_url(this),
            previous_url=closed_url(last),
        ),
        Figure(
            "on_time_closure_rate",
            _("On-time closure rate (of the month's reports)"),
            cur["on_time_closure_rate"],
            prev["on_time_closure_rate"],
            unit="rate",
        ),
        Figure(
            "satisfaction",
            _("Satisfaction (of the month's reports)"),
            cur["satisfaction"],
            prev["satisfaction"],
            unit="rate",
        ),
    ]
