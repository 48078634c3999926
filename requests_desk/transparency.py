"""Public transparency per area: what anyone may read about a street, community or grid without
an account — the month's figures (the database's per-(area, month) summary, constant cost), the
public reports on a map and in Atom feeds. Every request shown goes through
requests_desk.public (resident-sent only, coarse points, masked text, units not names).

    area_by_code(code) -> Area | None          a street (9 digits), community (12) or grid (14)
    area_figures(area, month) -> dict          received, closed, on time, satisfaction (one query
                                               for the summary, one for the overdue count)
    area_reports(area, *, closed=False, limit) -> [PublicCase]   newest first, one query
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from core.periods import local_midnight, next_month
from grids.models import AreaGrid, Community, Street
from requests_desk import public
from requests_desk.indicators import monthly_request_indicators
from requests_desk.models import Request, Stage

LEVELS = {9: ("street", Street), 12: ("community", Community), 14: ("grid", AreaGrid)}
MAP_LIMIT = 300
FEED_LIMIT = 50


@dataclass(frozen=True)
class Area:
    level: str  # street, community, grid
    node: object  # the node in force (Street, Community or AreaGrid)

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def name(self) -> str:
        return self.node.name

    def requests_q(self) -> Q:
        """The requests of this area, in any version of it (a redrawn boundary keeps its code)."""
        return Q(**{f"{self.level}__code": self.code})


def area_by_code(code: str) -> Area | None:
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in LEVELS:
        return None
    level, model = LEVELS[len(code)]
    related = {"street": ("district",), "community": ("street",), "grid": ("community__street",)}
    node = (
        model.objects.current()
        .filter(code=code)
        .select_related(*related[level])
        .defer("boundary")
        .first()
    )
    return Area(level, node) if node else None


def area_children(area: Area) -> list:
    """The areas one level down (a street's communities, a community's grids), for links."""
    if area.level == "street":
        return list(
            Community.objects.current()
            .filter(street__code=area.code)
            .defer("boundary")
            .order_by("code")
        )
    if area.level == "community":
        return list(
            AreaGrid.objects.current()
            .filter(community__code=area.code)
            .defer("boundary")
            .order_by("code")
        )
    return []


def area_figures(area: Area, month: datetime.date) -> dict:
    """The month's figures of `area`: received (reported in the month), closed (in the month),
    closed on time (of those reported in the month and closed), satisfaction (rated ones)."""
    lookup = {f"{area.level}__code": area.code}
    rows = monthly_request_indicators(
        first_month=month, last_month=month, scope=lambda qs: qs.filter(**lookup), group_by=()
    )
    row = rows[0] if rows else {}

    def n(key):
        return row.get(key) or 0

    return {
        "received": n("reports"),
        "closed": n("closed_in_month"),
        "closed_on_time": n("closed_on_time"),
        "on_time_rate": row.get("on_time_closure_rate"),
        "rated": n("rated"),
        "satisfied": n("satisfied"),
        "satisfaction_rate": row.get("satisfaction_rate"),
        "satisfaction_score": row.get("satisfaction_score"),
    }


def _public_rows(area: Area):
    return (
        Request.objects.filter(public.listed_q(), area.requests_q())
        .exclude(stage__in=(Stage.MERGED, Stage.CANCELLED))
        .select_related("category__parent", "community", "street", "grid", "assignee", "department")
        .defer("grid__boundary", "community__boundary", "street__boundary")
    )


def area_reports(
    area: Area, *, closed: bool = False, month: datetime.date | None = None, limit: int = MAP_LIMIT
) -> list:
    """The area's public reports (requests_desk.public: resident-sent, coarse points, masked
    text), newest first: reported in `month` when given, or the last `limit` closed ones."""
    rows = _public_rows(area)
    if closed:
        rows = rows.filter(stage=Stage.CLOSED, closed_at__isnull=False).order_by("-closed_at")
    else:
        rows = rows.order_by("-created_at")
    if month is not None:
        rows = rows.filter(
            created_at__gte=local_midnight(month), created_at__lt=local_midnight(next_month(month))
        )
    notices: dict = {}
    cases = []
    for item in rows[:limit]:
        item.public_events = []
        cases.append(public.public_case(item, notices=notices))
    return cases
