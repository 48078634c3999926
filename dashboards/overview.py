"""What the overview (/overview/) shows: every area grid inside the chosen area coloured by one
indicator, a ranking table of the grids with all indicators, the child areas to drill down into,
and 12-month trends — all from the owning apps' indicator functions (dashboards/indicators.py).

Query count: a fixed number per indicator source, whatever the number of grids or requests.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.periods import months_back
from dashboards import indicators
from dashboards.areas import Area, area_of, breadcrumbs, cached_map_data, grids_geojson
from dashboards.conf import conf
from dashboards.marks import Kept, kept, marks, rights
from dashboards.templatetags.dashboards_values import indicator_value
from grids.models import NODE_MODELS


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str  # "per1000" | "rate" (%) | "score"
    higher_is_better: bool


INDICATORS = [
    Indicator("requests_per_1000", gettext_lazy("Requests per 1,000 residents"), "per1000", False),
    Indicator("overdue_rate", gettext_lazy("Overdue rate"), "rate", False),
    Indicator("on_time_closure_rate", gettext_lazy("On-time closure rate"), "rate", True),
    Indicator("satisfaction", gettext_lazy("Satisfaction"), "rate", True),
    Indicator("registration_rate", gettext_lazy("Registration rate"), "rate", True),
]
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}
DEFAULT_INDICATOR = "requests_per_1000"


def map_strings() -> dict:
    return {
        "noData": _("no data"),
        "openCase": _("Open the case"),
        "overdue": _("overdue"),
        "nearlyDue": _("nearly due"),
        "population": _("Population"),
        "drillDown": _("Show this grid"),
        "keyPlace": _("Key place"),
        "position": _("Service position"),
        "subgrid": _("Sub-grid"),
        "onMap": _("%(open)s open requests on the map, %(overdue)s overdue."),
    }


def _shown(value) -> str:
    """{{ value }} in a template: localised, then escaped (django.template.base.
    render_value_in_context)."""
    return conditional_escape(str(localize(value)))


def _children(area: Area, on=None) -> list[dict]:
    child = area.child_level
    if child is None:
        return []
    model = NODE_MODELS[child]
    rows = area.filter(model.objects.in_force(on)).order_by("code").values("id", "code", "name")
    return [{**row, "level": child} for row in rows]


def overview_page(user, *, area: Area | None, indicator: str, now, finish=None) -> dict:
    """What the overview page renders for `area` (None: the user's own; else already checked
    against the user's jurisdiction, areas.area_within) and the chosen indicator: kept in the
    cache behind the marks of the area (dashboards.marks) for the user's rights and the day,
    until the next deadline of the area's requests passes (the overdue rates change then). One
    query when kept (the marks); {"area": None} for an account bound to no area. `finish(data)`,
    when given, is what is kept (the view's rendered content)."""
    from core.hierarchy import AREA_LEVELS
    from grids.jurisdiction import jurisdiction_of

    if indicator not in INDICATOR_BY_KEY:
        indicator = DEFAULT_INDICATOR
    today = timezone.localdate(now)
    if area is not None:
        where = (area.level, area.node_id)
    else:
        jurisdiction = jurisdiction_of(user)
        if jurisdiction is None or not (
            jurisdiction.unrestricted or jurisdiction.level in AREA_LEVELS
        ):
            return {"area": None}
        where = (
            ("district", None)
            if jurisdiction.unrestricted
            else (jurisdiction.level, jurisdiction.node_id)
        )

    def build() -> Kept:
        own = area_of(user)
        if own is None:
            return Kept({"area": None})
        shown = area or own
        chain = breadcrumbs(shown)
        data = overview_for(user, shown, indicator=indicator, today=today, mark=mark)
        page = {
            "area": shown,
            "own": own,
            "crumbs": chain[[c.level for c in chain].index(own.level) :],
            **data,
            "map_i18n": map_strings(),
        }
        return Kept(finish(page) if finish else page, next_deadline(shown, now))

    mark = marks(*where)
    return kept("overview", (rights(user), where, indicator, today.isoformat()), mark, build)


def next_deadline(area: Area, now) -> datetime.datetime | None:
    """When the next deadline of the area's requests passes (a request's clock runs and its due
    time is still to come): an overdue count changes then. One query (the clock's due index)."""
    from requests_desk.models import Request, Stage

    return area.filter(Request.objects.filter(stage__in=Stage.CLOCK, due_at__gte=now)).aggregate(
        next_due=Min("due_at")
    )["next_due"]


def overview_for(user, area: Area, *, indicator: str, today, mark: tuple | None = None) -> dict:
    """Everything the overview page renders for `area` (already checked against the user's
    jurisdiction)."""
    if indicator not in INDICATOR_BY_KEY:
        indicator = DEFAULT_INDICATOR
    months = months_back(today, conf.TREND_MONTHS)
    start, end = months[0].start, months[-1].end
    # The area's grids (with their GeoJSON) and child areas come from the map tables only: cached
    # on their change mark. The area is the user's own or one checked against it (area_within).
    mapped = cached_map_data(
        "overview",
        (area.level, area.node_id, today.isoformat()),
        lambda: {"grids": grids_geojson(area, on=today), "children": _children(area, on=today)},
        mark=mark[3:] if mark else None,
    )
    geojson = mapped["grids"]
    values = indicators.grid_values(
        user,
        area,
        start=start,
        end=end,
        on=today,
        grids={f["id"]: f["properties"]["population"] for f in geojson["features"]},
    )
    available = [i for i in INDICATORS if i.key in values.available]
    rows = []
    page_url = reverse("dashboards:overview")
    for feature in geojson["features"]:
        props = feature["properties"]
        grid_values = values.by_grid.get(props["id"], {})
        props["values"] = {i.key: grid_values.get(i.key) for i in available}
        props["url"] = page_url + f"?level=grid&id={props['id']}"
        rows.append(
            {
                "id": props["id"],
                "code": props["code"],
                "name": props["name"],
                "population": props["population"],
                "url": props["url"],
                "values": [
                    {"key": i.key, "value": grid_values.get(i.key), "unit": i.unit}
                    for i in available
                ],
            }
        )
    chosen = INDICATOR_BY_KEY[indicator]
    if chosen not in available and available:
        chosen = available[0]

    def rank_key(row):
        value = row["values"][available.index(chosen)]["value"] if chosen in available else None
        if value is None:
            return (1, 0, row["code"])
        return (0, -value if chosen.higher_is_better else value, row["code"])

    rows.sort(key=rank_key)
    # Each row of the ranking table built here rather than by the template (a district's table
    # has hundreds of cells): the same text as the template's
    #   <tr data-grid="{{ row.code }}"><td>{{ forloop.counter }}</td><td><a href="{{ row.url }}
    #   &amp;indicator={{ chosen.key }}">{{ row.name }}</a></td><td>{{ row.population }}</td>
    #         {{ row.cells }}</tr>
    # with each value cell format_html('<td data-indicator="{}">{}</td>') of the indicator's key
    # and indicator_value; every value localised and escaped as the template does.
    for number, row in enumerate(rows, start=1):
        row["cells"] = mark_safe(
            "".join(
                f'<td data-indicator="{escape(v["key"])}">'
                f"{escape(indicator_value(v['value'], v['unit']))}</td>"
                for v in row["values"]
            )
        )
        row["html"] = mark_safe(
            f'<tr data-grid="{_shown(row["code"])}"><td>{_shown(number)}</td>'
            f'<td><a href="{_shown(row["url"])}&amp;indicator={_shown(chosen.key)}">'
            f"{_shown(row['name'])}</a></td><td>{_shown(row['population'])}</td>\n"
            f"      {row['cells']}</tr>"
        )
    trend = indicators.monthly_trend(user, area, months=months)
    children = mapped["children"]
    for child in children:
        child["url"] = page_url + f"?level={child['level']}&id={child['id']}"
    return {
        "indicators": INDICATORS,
        "available": available,
        "chosen": chosen,
        "ranking": rows,
        "children": children,
        "trend": trend,
        "period_start": start,
        "period_end": months[-1].last_day,
        "chart_i18n": {
            "received": _("Received"),
            "closed": _("Closed"),
            "onTime": _("On-time closure rate"),
            "satisfaction": _("Satisfaction"),
            "overdue": _("Overdue rate"),
        },
        "geo": {
            "grids": geojson,
            "indicator": chosen.key if available else None,
            "unit": chosen.unit,
            "higherIsBetter": chosen.higher_is_better,
            "label": str(chosen.label),
        },
    }
