"""The owning apps' indicator functions, as the dashboards use them.

Nothing here computes an indicator from raw rows: each function calls the owning app's own query
function (requests_desk/indicators.py for requests, volunteers.selectors for registration) and
reshapes its answer; a source that has not landed gives nothing, and the panels built on it are
not shown. The contract the dashboards expect from the requests desk (the one reports/README.md
describes for report sections):

    requests_desk.indicators.by_area(*, level, start, end) -> {node_id: {...}}
        all areas of `level` ("grid" | "community" | "street" | "district") for the half-open date
        range [start, end), in a fixed number of queries, each row holding at least
        "received", "closed", "on_time_closure_rate" (0–1), "satisfaction" (0–1) and
        "overdue_rate" (0–1) (or "overdue_unhandled" and "open").
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from dashboards.sources import optional


def _percent(value):
    """Rates come as 0–1 (reports' "rate" unit); the dashboards show per cent."""
    if value is None:
        return None
    value = float(value)
    return round(value * 100, 1) if value <= 1 else round(value, 1)


def _by_area():
    return optional("requests_desk", "indicators", "by_area")


def _request_row(row: dict, population) -> dict:
    received = row.get("received", row.get("reports"))
    overdue_rate = row.get("overdue_rate")
    if overdue_rate is None and row.get("open"):
        overdue_rate = (row.get("overdue_unhandled") or 0) / row["open"]
    values = {
        "received": received,
        "closed": row.get("closed"),
        "overdue_rate": _percent(overdue_rate),
        "on_time_closure_rate": _percent(row.get("on_time_closure_rate")),
        "satisfaction": _percent(row.get("satisfaction")),
    }
    if received is not None and population:
        values["requests_per_1000"] = round(received * 1000 / population, 2)
    elif received is not None:
        values["requests_per_1000"] = None
    return values


@dataclass
class GridValues:
    by_grid: dict = field(default_factory=dict)  # {grid_id: {indicator_key: value}}
    available: set = field(default_factory=set)


def _open_load(user, area, grids: dict, result: "GridValues", *, now=None) -> None:
    """Until the requests desk's indicator layer lands: the open and overdue requests of each grid
    today, from the desk's own definitions (RequestQuerySet.open() and .overdue()), counted per
    grid by the database (two queries)."""
    from django.db.models import Count
    from django.utils import timezone

    requests_for = optional("requests_desk", "selectors", "requests_for")
    if requests_for is None:
        return
    now = now or timezone.now()
    qs = area.filter(requests_for(user)).filter(grid__isnull=False)
    open_by = dict(qs.open().values_list("grid").annotate(n=Count("id")).values_list("grid", "n"))
    overdue_by = dict(qs.overdue(now).values_list("grid").annotate(n=Count("id"))
                      .values_list("grid", "n"))
    for grid_id, population in grids.items():
        open_count, overdue = open_by.get(grid_id, 0), overdue_by.get(grid_id, 0)
        result.by_grid.setdefault(grid_id, {}).update({
            "open_per_1000": round(open_count * 1000 / population, 2) if population else None,
            "overdue_rate": round(overdue * 100 / open_count, 1) if open_count else None,
            "open": open_count, "overdue": overdue,
        })
    result.available |= {"open_per_1000", "overdue_rate"}


def grid_values(user, area, *, start, end, on=None, now=None) -> GridValues:
    """Each area grid's indicators inside `area` for [start, end)."""
    from grids.models import AreaGrid

    result = GridValues()
    grids = dict(area.filter(AreaGrid.objects.valid_on(on)).values_list("id", "population"))
    by_area = _by_area()
    if by_area is None:
        _open_load(user, area, grids, result, now=now)
    else:
        rows = by_area(level="grid", start=start, end=end)
        for grid_id, population in grids.items():
            values = _request_row(rows.get(grid_id) or {"received": 0, "closed": 0}, population)
            result.by_grid.setdefault(grid_id, {}).update(values)
        result.available |= {"requests_per_1000", "overdue_rate", "on_time_closure_rate",
                             "satisfaction"}
    rates = optional("volunteers", "selectors", "registration_rates")
    groups = optional("volunteers", "selectors", "RATE_GROUPS") or {}
    if rates is not None and "grid" in groups:
        for row in rates(group="grid", user=user):
            grid_id = row.get(groups["grid"][0])
            if grid_id in grids:
                result.by_grid.setdefault(grid_id, {})["registration_rate"] = row["rate"]
        result.available.add("registration_rate")
    return result


def monthly_trend(user, area, *, months) -> list[dict] | None:
    """One row per month for the area: received, closed, on-time closure rate, satisfaction,
    overdue rate (the requests desk's by_area at the area's level, one call per month: a fixed
    number of queries), or None before the requests desk's indicators land."""
    by_area = _by_area()
    if by_area is None:
        return None
    rows = []
    for month in months:
        row = by_area(level=area.level, start=month.start, end=month.end).get(area.node_id) or {}
        values = _request_row(row, None)
        values.pop("requests_per_1000", None)
        rows.append({"month": month.start.strftime("%Y-%m"), **values})
    return rows


def request_figures(user, area, this, last) -> list:
    """This month's and last month's received, closed, on-time closure rate and satisfaction for
    the area, each linked to the requests queue filtered the same way."""
    from dashboards.selectors import Figure

    by_area = _by_area()
    if by_area is None:
        return []
    current = by_area(level=area.level, start=this.start, end=this.end).get(area.node_id) or {}
    previous = by_area(level=area.level, start=last.start, end=last.end).get(area.node_id) or {}
    cur, prev = _request_row(current, None), _request_row(previous, None)
    queue = reverse("requests_desk:queue")
    return [
        Figure("received", _("Requests received"), cur["received"] or 0, prev["received"] or 0,
               url=queue + "?stage="),
        Figure("closed", _("Requests closed"), cur["closed"] or 0, prev["closed"] or 0,
               url=queue + "?stage=closed"),
        Figure("on_time_closure_rate", _("On-time closure rate"), cur["on_time_closure_rate"],
               prev["on_time_closure_rate"], unit="rate"),
        Figure("satisfaction", _("Satisfaction"), cur["satisfaction"], prev["satisfaction"],
               unit="rate"),
    ]
