"""Case indicators (DOMAIN.md §3) — the one query layer dashboards and monthly reports call.

    request_indicators(*, start, end, user=None, queryset=None, group_by=("grid",), now=None)
        -> list[dict]

`start`/`end` are aware datetimes (or dates, taken as local midnight); requests *reported* in
[start, end) are counted. Pass `user` to scope by jurisdiction (grids.jurisdiction), or an already
scoped `queryset` of Request. `group_by` is a tuple of any of "grid", "community", "street",
"department", "category", "month" (empty tuple: one total row). ONE database query per call,
whatever the data size: conditional aggregates (Count/Avg with filter=).

Each row has the group keys (e.g. grid_id, grid__name, month) and:
    reports, accepted, filed, dispatched, handled, handled_on_time, closed, closed_on_time,
    reworked, extended, self_handled, overdue_unhandled, rated, satisfied, satisfaction_score,
    avg_handling_hours,
    on_time_handling_rate  = handled_on_time / dispatched
    closure_rate           = closed / filed
    on_time_closure_rate   = closed_on_time / closed
    rework_rate            = reworked / dispatched
    extension_rate         = extended / dispatched
    satisfaction_rate      = satisfied / rated
    overdue_rate           = overdue_unhandled / dispatched
(rates are floats 0–1, or None when the denominator is 0). "Self-handled" means dispatched to a
grid worker and handled by them; "overdue-unhandled" means the clock runs and the deadline has
passed now.

    monthly_request_indicators(*, first_month, last_month, user=None, scope=None,
                               group_by=("grid",), now=None) -> list[dict]

The same rows for whole local months (the requests reported from the first day of `first_month`
to the end of `last_month`), read from the per-(area, month) summary (requests_desk.monthly)
instead of the requests: its cost does not grow with the number of requests. `scope` is a
function applied to both querysets it reads (MonthlyRequestFigures and Request, which declare
the same jurisdiction paths), e.g. `dashboards.areas.Area.filter`. `group_by` is any of "grid",
"community", "street", "month" ("month" is a date, the first of the month). Rows carry one more
key, closed_in_month: the requests closed (stage closed, closed_at) in the group's months
whatever month they were reported in — the queue's closed-day filter. TWO queries: the sums,
and the live overdue count over the requests whose clock runs. Use request_indicators for other
periods or for department/category groups.

    monthly_request_indicators_by_level(*, first_month, last_month, levels=AREA_LEVELS, now=None)
        -> {level: {node_id: dict}}

The same indicators for every area of several levels at once (the monthly report): the same TWO
queries, each grouped by every level (grids.levels.grouped_by_level).
"""

from django.db.models import Avg, Count, DateField, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.hierarchy import AREA_LEVELS
from core.periods import local_midnight, local_start, month_start, next_month, time_zone
from grids.jurisdiction import scope_queryset
from grids.levels import grouped_by_level
from requests_desk import monthly
from requests_desk.models import MonthlyRequestFigures, Request, overdue_q

GROUPS = {
    "grid": ("grid_id", "grid__name", "grid__code"),
    "community": ("community_id", "community__name", "community__code"),
    "street": ("street_id", "street__name", "street__code"),
    "department": ("department_id", "department__name"),
    "category": ("category_id", "category__name"),
    "month": ("month",),
}
RATES = {
    "on_time_handling_rate": ("handled_on_time", "dispatched"),
    "closure_rate": ("closed", "filed"),
    "on_time_closure_rate": ("closed_on_time", "closed"),
    "rework_rate": ("reworked", "dispatched"),
    "extension_rate": ("extended", "dispatched"),
    "satisfaction_rate": ("satisfied", "rated"),
    "overdue_rate": ("overdue_unhandled", "dispatched"),
}


def request_indicators(*, start, end, user=None, queryset=None, group_by=("grid",), now=None):
    now = now or timezone.now()
    qs = queryset if queryset is not None else Request.objects.all()
    if user is not None:
        qs = scope_queryset(qs, user)
    qs = qs.filter(created_at__gte=local_start(start), created_at__lt=local_start(end))
    keys = []
    if "month" in group_by:
        qs = qs.annotate(month=TruncMonth("created_at"))
    for group in group_by:
        keys.extend(GROUPS[group])
    handling = ExpressionWrapper(F("handled_at") - F("dispatched_at"), output_field=DurationField())
    # The counters are the summary's own aggregates (one definition of each predicate); the
    # averages are computed directly instead of from the summary's internal sums.
    counters = {k: v for k, v in monthly.cohort_aggregates().items() if k not in _INTERNAL}
    aggregates = {
        **counters,
        "overdue_unhandled": Count("id", filter=overdue_q(now)),
        "satisfaction_score": Avg("rating__overall"),
        "avg_handling": Avg(
            handling, filter=Q(handled_at__isnull=False, dispatched_at__isnull=False)
        ),
    }
    if keys:
        rows = list(qs.values(*keys).annotate(**aggregates).order_by(*keys))
    else:
        rows = [qs.aggregate(**aggregates)]
    for row in rows:
        duration = row.pop("avg_handling")
        row["avg_handling_hours"] = (
            round(duration.total_seconds() / 3600, 2) if duration is not None else None
        )
        if row["satisfaction_score"] is not None:
            row["satisfaction_score"] = round(float(row["satisfaction_score"]), 2)
        _add_rates(row)
    return rows


def _add_rates(row: dict) -> None:
    for name, (numerator, denominator) in RATES.items():
        row[name] = row[numerator] / row[denominator] if row[denominator] else None


MONTHLY_GROUPS = {key: GROUPS[key] for key in ("grid", "community", "street", "month")}
# The summed counters (monthly.COUNTERS); the last three are only needed for the averages.
_SUMMED = monthly.COUNTERS
_INTERNAL = ("satisfaction_sum", "handling_count", "handling_microseconds")


def _monthly_querysets(*, first_month, last_month, user, scope, now):
    """The summary's rows of the months, and the requests reported in them whose clock runs
    and whose deadline has passed `now` (the live overdue count), scoped alike."""
    first, last = month_start(first_month), month_start(last_month)
    figures = MonthlyRequestFigures.objects.filter(month__gte=first, month__lte=last)
    overdue = Request.objects.filter(
        overdue_q(now),
        created_at__gte=local_midnight(first),
        created_at__lt=local_midnight(next_month(last)),
    )
    if scope is not None:
        figures, overdue = scope(figures), scope(overdue)
    if user is not None:
        figures, overdue = scope_queryset(figures, user), scope_queryset(overdue, user)
    return figures, overdue


def _summed() -> dict:
    return {name: Sum(name) for name in _SUMMED}


def _finish_monthly(row: dict) -> dict:
    """A summary row's sums (None where no row was summed) turned into the indicators: the
    counters, the averages from their internal sums, and the rates."""
    for name in _SUMMED:
        row[name] = row.get(name) or 0
    score, timed, microseconds = (row.pop(name) for name in _INTERNAL)
    row["satisfaction_score"] = round(float(score / row["rated"]), 2) if row["rated"] else None
    row["avg_handling_hours"] = round(microseconds / timed / 3_600_000_000, 2) if timed else None
    _add_rates(row)
    return row


def no_request_indicators() -> dict:
    """The indicators of an area with no requests in the period: every counter 0, no rate."""
    return _finish_monthly({"overdue_unhandled": 0})


def monthly_request_indicators(
    *, first_month, last_month, user=None, scope=None, group_by=("grid",), now=None
):
    now = now or timezone.now()
    figures, overdue = _monthly_querysets(
        first_month=first_month, last_month=last_month, user=user, scope=scope, now=now
    )
    keys = [key for group in group_by for key in MONTHLY_GROUPS[group]]
    if "month" in group_by:
        month = TruncMonth("created_at", output_field=DateField(), tzinfo=time_zone())
        overdue = overdue.annotate(month=month)
    if keys:
        rows = list(figures.values(*keys).annotate(**_summed()).order_by(*keys))
        late = overdue.values(*keys).annotate(n=Count("id")).order_by()
    else:
        rows = [figures.aggregate(**_summed())]
        late = [{"n": overdue.count()}]
    by_key = {tuple(row[k] for k in keys): row for row in rows}
    for row in rows:
        row["overdue_unhandled"] = 0
    added = False
    for item in late:
        key = tuple(item[k] for k in keys)
        if key not in by_key:
            # Overdue requests of a group the summary does not have (written around the services
            # and not rebuilt yet): shown rather than dropped.
            by_key[key] = {**{k: item[k] for k in keys}, **dict.fromkeys(_SUMMED, 0)}
            rows.append(by_key[key])
            added = True
        by_key[key]["overdue_unhandled"] = item["n"]
    if added:
        rows.sort(
            key=lambda row: [(row[k] is None, "" if row[k] is None else row[k]) for k in keys]
        )
    return [_finish_monthly(row) for row in rows]


def monthly_request_indicators_by_level(
    *, first_month, last_month, levels=AREA_LEVELS, now=None
) -> dict[str, dict[int, dict]]:
    """monthly_request_indicators for every area of each of `levels` at once (the monthly
    report's case): `{level: {node_id: indicators}}`, the rows without their group keys. Areas
    with neither summary rows nor overdue requests are left out. TWO queries on PostgreSQL
    (grids.levels.grouped_by_level: GROUPING SETS), two per level elsewhere."""
    now = now or timezone.now()
    figures, overdue = _monthly_querysets(
        first_month=first_month, last_month=last_month, user=None, scope=None, now=now
    )
    sums = grouped_by_level(figures, MonthlyRequestFigures, levels, **_summed())
    late = grouped_by_level(overdue, Request, levels, n=Count("id"))
    result: dict[str, dict[int, dict]] = {}
    for level in levels:
        nodes = sums[level].keys() | late[level].keys()
        result[level] = {
            node: _finish_monthly(
                {
                    **sums[level].get(node, {}),
                    "overdue_unhandled": late[level].get(node, {}).get("n", 0),
                }
            )
            for node in nodes
        }
    return result
