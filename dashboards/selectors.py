"""What the working page (/dashboard/) shows, assembled from the owning apps' own selectors.

The owning apps are imported directly (they all sit below dashboards). Every panel runs a fixed
number of queries whatever the data size; the statistics are the owning apps' database
aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from care.selectors import household_counts, visits_visible_to
from core.links import url_maker
from core.periods import Month, month_of
from dashboards.areas import Area
from dashboards.conf import conf
from dashboards.marks import Kept, earliest, kept, marks, rights
from grids.jurisdiction import scope_queryset
from grids.models import GridAssignment, KeyPlace, SubGrid
from notifications.selectors import unread_inbox
from party_branches.selectors import upcoming_meetings
from patrols.selectors import coverage_for, patrol_counts
from requests_desk.models import Stage, nearly_due_q, nearly_due_until, overdue_q
from requests_desk.selectors import requests_for
from service_points.models import ServicePosition
from volunteers.selectors import activities_for, registration_rate, volunteer_hours_in_periods

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable
    from typing import Any

    from accounts.models import User

# --- Requests -----------------------------------------------------------------------------------
# Actions the dashboard offers inline (the same endpoint and checks as the case page).
INLINE_ACTIONS = ("accept", "dispatch")
# What the request rows show and flow.allowed_actions reads, and nothing else: not the reporter's
# encrypted contact details (decrypted on load), the description, the point (SpatiaLite cannot
# read a geometry back through the subquery of the ranked waiting rows) or the areas' boundaries.
ROW_FIELDS = (
    "id",
    "code",
    "stage",
    "version",
    "created_at",
    "due_at",
    "target",
    "grid_id",
    "community_id",
    "street_id",
    "assignee_id",
    "department_id",
    "extension_requested_until",
    "reopen_requested_at",
    "contacted_at",
    "category",
    "grid__name",
    "community__name",
    "street__district_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "department__name",
)


def queue_url(**params: Any) -> str:
    from urllib.parse import urlencode

    return reverse("requests_desk:queue") + "?" + urlencode(params)


@dataclass
class RequestsPanel:
    waiting: list = field(default_factory=list)  # [{"stage", "label", "count", "url"}]
    waiting_total: int = 0
    # Waiting requests reported without a point and in no grid: staff place them ("place").
    unplaced_count: int = 0
    unplaced_url: str = ""
    waiting_rows: list = field(default_factory=list)
    overdue_count: int = 0
    overdue_url: str = ""
    overdue_rows: list = field(default_factory=list)
    nearly_due_count: int = 0
    nearly_due_url: str = ""
    nearly_due_rows: list = field(default_factory=list)
    loads: list = field(default_factory=list)
    pins: list = field(default_factory=list)
    pins_truncated: bool = False
    # The next moment a count, list or pin changes by the clock alone (a deadline passes, or
    # comes within the "nearly due" window): the cached panel holds until then.
    changes_at: datetime.datetime | None = None


def _with_inline_actions(rows: list[Any], user: User) -> list[Any]:
    from requests_desk import flow

    for row in rows:
        allowed = {t.action for t in flow.allowed_actions(row, user, among=INLINE_ACTIONS)}
        row.inline_actions = [a for a in INLINE_ACTIONS if a in allowed]
    return rows


def requests_panel(user: User, *, now: datetime.datetime | None = None) -> RequestsPanel | None:
    """Today's requests work in the user's jurisdiction, from requests_desk's scoped selectors:
    waiting for action by stage, overdue, nearly due, workers' open loads and the map pins.
    Four queries, and one for each of the listed rows' grids, communities, assignees and
    departments (and streets, for a district-level user) that are set."""
    now = now or timezone.now()
    nearly_until = nearly_due_until(now)
    qs = requests_for(user)
    panel = RequestsPanel()

    # One pass over the open requests counts the waiting ones by stage, the unplaced ones and
    # (with the desk's own predicates, overdue_q / nearly_due_q, the same as its queue's
    # overdue=on / nearly_due=on filters: the counts equal the linked lists) the overdue and the
    # nearly due ones. Every one of these sets lies within Stage.OPEN.
    counted = qs.filter(stage__in=Stage.OPEN).aggregate(
        **{f"waiting_{stage}": Count("id", filter=Q(stage=stage)) for stage in Stage.WAITING},
        unplaced=Count("id", filter=Q(stage__in=Stage.WAITING, grid__isnull=True)),
        overdue=Count("id", filter=overdue_q(now)),
        nearly_due=Count("id", filter=nearly_due_q(now)),
        # The next deadline to pass, and the next to come within the nearly-due window.
        next_due=Min("due_at", filter=Q(stage__in=Stage.CLOCK, due_at__gte=now)),
        next_nearly=Min("due_at", filter=Q(stage__in=Stage.CLOCK, due_at__gte=nearly_until)),
    )
    window = nearly_until - now
    panel.changes_at = earliest(
        counted["next_due"], counted["next_nearly"] and counted["next_nearly"] - window
    )
    counts = {stage: counted[f"waiting_{stage}"] for stage in Stage.WAITING}
    panel.unplaced_count = counted["unplaced"]
    panel.unplaced_url = queue_url(unplaced="on")
    labels = dict(Stage.choices)
    for stage in Stage.WAITING:
        panel.waiting.append(
            {
                "stage": stage,
                "label": labels[stage],
                "count": counts.get(stage, 0),
                "url": queue_url(stage=stage),
            }
        )
    panel.waiting_total = sum(counts.values())
    panel.overdue_url = queue_url(stage="", overdue="on", sort="due")
    panel.overdue_count = counted["overdue"]
    panel.nearly_due_url = queue_url(stage="", nearly_due="on", sort="due")
    panel.nearly_due_count = counted["nearly_due"]

    # The three lists in one query: the longest-waiting first, then the overdue and the nearly
    # due ones (the desk's own predicates; the three sets are disjoint: waiting stages are not
    # on the clock, and a due time is either past or not) by due time. Ranked with a window
    # function per list rather than ORDER BY … LIMIT: waiting requests sit at the recent end
    # of the table, and for a street or a district the planner would walk the reporting-time
    # index from the oldest request of all to find them (0.5–1 s at a million requests);
    # ranked, it reads the open requests of the lists and sorts those.
    waiting_q = Q(stage__in=Stage.WAITING)
    listing = Case(
        When(waiting_q, then=Value(0)),
        When(overdue_q(now), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    sort_time = Case(When(waiting_q, then=F("created_at")), default=F("due_at"))
    # The rows join what they show (their category, areas' names, assignee and department; the
    # street for flow.allowed_actions' district check), only those columns: the query count
    # stays the same whichever of them the rows have.
    listed = list(
        qs.filter(waiting_q | overdue_q(now) | nearly_due_q(now))
        .select_related("category", "grid", "community", "assignee", "department", "street")
        .only(*ROW_FIELDS)
        .annotate(
            listing=listing,
            listing_rank=Window(
                RowNumber(), partition_by=[listing], order_by=[sort_time.asc(), F("id").asc()]
            ),
        )
        .filter(listing_rank__lte=conf.LIST_LIMIT)
        .order_by("listing", "listing_rank")
    )
    by_listing: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for row in listed:
        # The queue's badges (RequestQuerySet.with_due_flags): the list a row is in says it.
        row.flag_overdue = row.listing == 1
        row.flag_nearly_due = row.listing == 2
        by_listing[row.listing].append(row)
    panel.waiting_rows, panel.overdue_rows, panel.nearly_due_rows = by_listing

    _with_inline_actions(listed, user)
    # The rows' links: each URL reversed once, then each code spliced in (reverse() per row and
    # action cost more than the rest of a row).
    case_url = url_maker("requests_desk:case")
    act_urls = {action: url_maker("requests_desk:act", action) for action in INLINE_ACTIONS}
    # The stage's label from one dict (get_stage_display builds a dict of every stage's
    # translated label per call).
    stage_labels = {stage: str(label) for stage, label in labels.items()}
    for row in listed:
        row.stage_label = stage_labels.get(row.stage, row.stage)
        row.case_url = case_url(row.code)
        row.act_urls = {action: act_urls[action](row.code) for action in row.inline_actions}

    open_qs = qs.open()
    # Each person's open requests and, of them, the overdue ones (overdue lies within open).
    loads = (
        open_qs.filter(assignee__isnull=False)
        .values("assignee_id", "assignee__username", "assignee__last_name", "assignee__first_name")
        .annotate(open=Count("id"), overdue=Count("id", filter=overdue_q(now)))
        .order_by("-open", "assignee__username")
    )
    panel.loads = [
        {
            "name": f"{row['assignee__last_name']}{row['assignee__first_name']}".strip()
            or row["assignee__username"],
            "open": row["open"],
            "overdue": row["overdue"],
        }
        for row in loads[:50]
    ]

    # The pins' overdue / nearly-due state comes from the desk's own predicates (with_due_flags),
    # computed by the database in the same query, like the coordinates (no geometry to parse).
    pins = list(
        open_qs.filter(location__isnull=False)
        .with_due_flags(now)
        .annotate(
            pin_lon=Func("location", function="ST_X", output_field=FloatField()),
            pin_lat=Func("location", function="ST_Y", output_field=FloatField()),
        )
        .order_by(F("due_at").asc(nulls_last=True), "-created_at", "id")
        .values(
            "code",
            "pin_lon",
            "pin_lat",
            "stage",
            "category__name",
            "flag_overdue",
            "flag_nearly_due",
        )[: conf.PIN_LIMIT + 1]
    )
    panel.pins_truncated = len(pins) > conf.PIN_LIMIT
    # The case page's URL once, then each code in it (reverse() per pin costs more).
    case_url = url_maker("requests_desk:case")
    for pin in pins[: conf.PIN_LIMIT]:
        state = "overdue" if pin["flag_overdue"] else "nearly" if pin["flag_nearly_due"] else "ok"
        panel.pins.append(
            {
                "code": pin["code"],
                "lat": round(pin["pin_lat"], 6),
                "lon": round(pin["pin_lon"], 6),
                "stage": pin["stage"],
                "stageLabel": stage_labels.get(pin["stage"], pin["stage"]),
                "state": state,
                "category": pin["category__name"],
                "url": case_url(pin["code"]),
            }
        )
    return panel


# --- Map layers -------------------------------------------------------------------------------------
def map_layers(
    user: User, area: Area, *, on: datetime.date | None = None, mark: tuple | None = None
) -> dict:
    """Sub-grids (grid areas) or area grids (larger areas), key places and service positions:
    read from the map tables only, so cached on their change mark (areas.cached_map_data) per
    area, day and the user's jurisdiction (the key places are scoped by it)."""
    from dashboards.areas import cached_map_data
    from grids.jurisdiction import jurisdiction_of

    on = on or timezone.localdate()
    jurisdiction = jurisdiction_of(user)
    scope = (jurisdiction.level, jurisdiction.node_id) if jurisdiction else None
    return cached_map_data(
        "layers",
        (area.level, area.node_id, on.isoformat(), scope),
        lambda: _map_layers(user, area, on=on),
        mark=mark,
    )


def _map_layers(user: User, area: Area, *, on: datetime.date) -> dict:
    from core.raw_json import RawJSON
    from dashboards.areas import grids_geojson

    layers: dict[str, Any] = {
        "grids": grids_geojson(area, on=on),
        "subgrids": None,
        "places": [],
        "positions": [],
    }
    if area.level == "grid":
        subgrids = (
            area.filter(SubGrid.objects.in_force(on))
            .annotate(geojson=AsGeoJSON("boundary", precision=5))
            .defer("boundary")
            .values("id", "code", "name", "geojson")
            .order_by("code")
        )
        layers["subgrids"] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": RawJSON.geometry(s["geojson"]),
                    "properties": {"code": s["code"], "name": s["name"]},
                }
                for s in subgrids
            ],
        }
    places = scope_queryset(area.filter(KeyPlace.objects.all()), user).order_by("name")
    layers["places"] = [
        {"name": p.name, "kind": p.get_kind_display(), "lat": p.location.y, "lon": p.location.x}
        for p in places[: conf.PIN_LIMIT]
    ]
    positions = area.filter(ServicePosition.objects.filter(is_active=True)).order_by("name")
    layers["positions"] = [
        {
            "name": p.name,
            "tier": p.get_tier_display(),
            "lat": p.location.y,
            "lon": p.location.x,
            "url": reverse("service_points:detail", args=[p.pk]),
        }
        for p in positions.only("id", "name", "tier", "location")[: conf.PIN_LIMIT]
    ]
    return layers


# --- Other apps' panels ------------------------------------------------------------------------------
def care_panel(user: User, *, today: datetime.date | None = None) -> dict | None:
    """Counts only (sensitive data): households with a visit overdue and households unpaired,
    in what care.selectors lets this user see. One query."""
    today = today or timezone.localdate()
    # The households the care list's "overdue" filter shows (care.views.household_list).
    counts = household_counts(user, today=today)
    return {
        "overdue_visits": counts["overdue_visits"],
        "overdue_url": reverse("care:home") + "?overdue=1",
        "unpaired": counts["unpaired"],
        "unpaired_url": reverse("care:unpaired"),
    }


def patrols_panel(user: User, *, now: datetime.datetime | None = None) -> dict | None:
    """Patrol plan places not visited within their frequency (patrols.selectors.coverage_for):
    how many, and the first of them. One query."""
    now = now or timezone.now()
    plans = coverage_for(user, now=now)
    # The first rows with, in each, how many there are in all (a window count: one query), and
    # only what the rows show (no place geometry or grid boundary to load).
    rows = list(
        plans.filter(overdue=True)
        .annotate(not_visited=Window(Count("id")))
        .values("key_place__name", "last_check_in", "not_visited")[: conf.LIST_LIMIT]
    )
    # When the next place not yet due becomes due (it joins the list then).
    next_due = plans.filter(overdue=False).aggregate(next_due=Min("due_at"))["next_due"]
    return {
        "changes_at": next_due,
        "not_visited": rows[0]["not_visited"] if rows else 0,
        "url": reverse("patrols:coverage"),
        "rows": [
            {"key_place": {"name": row["key_place__name"]}, "last_check_in": row["last_check_in"]}
            for row in rows
        ],
    }


def registration_panel(area: Area) -> dict | None:
    result = registration_rate(level=area.level, node_id=area.node_id)
    return {**result, "url": reverse("volunteers:stats")}


def upcoming_panel(user: User, area: Area, *, now: datetime.datetime | None = None) -> dict | None:
    """Upcoming volunteer activities (volunteers.selectors.activities_for) and branch meetings."""
    now = now or timezone.now()
    activities = list(
        activities_for(user, upcoming_only=True).order_by("starts_at", "id")[: conf.LIST_LIMIT]
    )
    return {
        # A listed activity leaves the list when it ends.
        "changes_at": earliest(*(a.ends_at for a in activities)),
        "activities": activities,
        "activities_url": reverse("volunteers:activities"),
        "meetings": list(
            area.filter(
                upcoming_meetings(user, on=timezone.localdate(now), days=conf.UPCOMING_DAYS)
            )[: conf.LIST_LIMIT]
        ),
        "meetings_days": conf.UPCOMING_DAYS,
    }


def inbox_panel(user: User) -> dict | None:
    """The newest unread messages and how many are unread in all (the bell's count): one
    query."""
    messages, unread = unread_inbox(user, limit=conf.LIST_LIMIT)
    return {"messages": messages, "unread": unread, "url": reverse("notifications:inbox")}


# --- This month against last month -----------------------------------------------------------------
@dataclass
class Figure:
    key: str
    label: str
    current: object
    previous: object
    unit: str = "count"  # count | rate (%) | hours | score
    url: str = ""  # the list behind this month's figure
    previous_url: str = ""  # the list behind last month's figure

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def month_figures(user: User, area: Area, *, today: datetime.date | None = None) -> list[Figure]:
    """Received, closed, on-time closure rate, satisfaction (from the requests desk's indicator
    layer), patrols, visits and volunteer hours: this month and last."""
    from dashboards import indicators

    today = today or timezone.localdate()
    this, last = month_of(today), month_of(today).previous()
    figures = list(indicators.request_figures(user, area, this, last))
    # The coverage page for the same calendar month shows the same count.
    patrols = patrol_counts(
        user, periods={"current": (this.start, this.end), "previous": (last.start, last.end)}
    )
    figures.append(
        Figure(
            "patrols",
            _("Patrols"),
            patrols["current"],
            patrols["previous"],
            url=reverse("patrols:coverage") + "?month=" + this.start.strftime("%Y-%m"),
            previous_url=reverse("patrols:coverage") + "?month=" + last.start.strftime("%Y-%m"),
        )
    )
    # The range condition lets the database use the visits' date index; the FILTERs split it
    # into the two months.
    counts = (
        visits_visible_to(user)
        .filter(visited_on__gte=last.start, visited_on__lt=this.end)
        .aggregate(
            current=Count("id", filter=Q(visited_on__gte=this.start, visited_on__lt=this.end)),
            previous=Count("id", filter=Q(visited_on__gte=last.start, visited_on__lt=last.end)),
        )
    )
    # Not linked: the care app has no list of visits by month (its household list shows
    # households, whose count is a different figure).
    figures.append(Figure("visits", _("Household visits"), counts["current"], counts["previous"]))
    hours = volunteer_hours_in_periods(
        level=area.level,
        node_id=area.node_id,
        periods={"current": (this.start, this.last_day), "previous": (last.start, last.last_day)},
    )
    current, previous = hours["current"], hours["previous"]
    figures.append(
        Figure(
            "volunteer_hours",
            _("Volunteer hours"),
            current,
            previous,
            unit="hours",
            url=reverse("volunteers:stats") + "?" + _period_qs(this),
        )
    )
    return figures


def _period_qs(month: Month) -> str:
    from urllib.parse import urlencode

    return urlencode({"start": month.start.isoformat(), "end": month.last_day.isoformat()})


def grid_staff(area: Area, *, on: datetime.date | None = None) -> list[GridAssignment]:
    """Grid heads and workers working in the area today (for the loads table's empty rows)."""
    return list(
        area.filter(GridAssignment.objects.in_force(on))
        .filter(role__in=[GridAssignment.Role.GRID_HEAD, GridAssignment.Role.GRID_WORKER])
        .select_related("user")
        .order_by("role", "user__username")[:50]
    )


# --- The page's panels, kept --------------------------------------------------------------------
def dashboard_panels(
    user: User,
    *,
    now: datetime.datetime | None = None,
    today: datetime.date | None = None,
    finish: Callable[[dict], dict] | None = None,
) -> dict:
    """Every panel of the working page but the inbox (the user's own, read each time): kept in
    the cache behind the marks of the user's area (dashboards.marks) for this user's rights and
    day, until the clock changes a figure. One query when kept (the marks). `finish(panels)`,
    when given, is what is kept (the view's rendered panels)."""
    from core.hierarchy import AREA_LEVELS
    from grids.jurisdiction import jurisdiction_of

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    jurisdiction = jurisdiction_of(user)
    if jurisdiction is None or not (jurisdiction.unrestricted or jurisdiction.level in AREA_LEVELS):
        return {"area": None}
    if jurisdiction.unrestricted:
        mark = marks("district", None)
    else:
        mark = marks(jurisdiction.level, jurisdiction.node_id)
    return kept(
        "dashboard",
        (rights(user), today.isoformat()),
        mark,
        lambda: _dashboard_panels(user, now=now, today=today, mark=mark, finish=finish),
    )


def _dashboard_panels(
    user: User,
    *,
    now: datetime.datetime,
    today: datetime.date,
    mark: tuple | None,
    finish: Callable[[dict], dict] | None,
) -> Kept:
    from dashboards.areas import area_of

    area = area_of(user)
    if area is None:
        return Kept({"area": None})
    requests = requests_panel(user, now=now)
    layers = map_layers(user, area, on=today, mark=mark[3:] if mark else None)
    layers["requests"] = requests.pins if requests else []
    patrols = patrols_panel(user, now=now)
    upcoming = upcoming_panel(user, area, now=now)
    panels = {
        "area": area,
        "requests": requests,
        "layers": layers,
        "care": care_panel(user, today=today),
        "patrols": patrols,
        "registration": registration_panel(area),
        "upcoming": upcoming,
        "figures": month_figures(user, area, today=today),
        "month": month_of(today),
        "staff": grid_staff(area, on=today) if area.level == "grid" else None,
    }
    until = earliest(
        requests.changes_at if requests else None,
        patrols["changes_at"] if patrols else None,
        upcoming["changes_at"] if upcoming else None,
    )
    return Kept(finish(panels) if finish else panels, until)
