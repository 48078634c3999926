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
"""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from grids.jurisdiction import scope_queryset
from requests_desk.models import Request, Stage, overdue_q

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


def _aware(value):
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def request_indicators(*, start, end, user=None, queryset=None, group_by=("grid",), now=None):
    now = now or timezone.now()
    qs = queryset if queryset is not None else Request.objects.all()
    if user is not None:
        qs = scope_queryset(qs, user)
    qs = qs.filter(created_at__gte=_aware(start), created_at__lt=_aware(end))
    keys = []
    if "month" in group_by:
        qs = qs.annotate(month=TruncMonth("created_at"))
    for group in group_by:
        keys.extend(GROUPS[group])
    handling = ExpressionWrapper(F("handled_at") - F("dispatched_at"), output_field=DurationField())
    closed = Q(stage=Stage.CLOSED)
    aggregates = {
        "reports": Count("id"),
        "accepted": Count("id", filter=Q(accepted_at__isnull=False)),
        "filed": Count("id", filter=Q(filed_at__isnull=False)),
        "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
        "handled": Count("id", filter=Q(handled_at__isnull=False)),
        "handled_on_time": Count(
            "id",
            filter=Q(handled_at__isnull=False)
            & (Q(due_at__isnull=True) | Q(handled_at__lte=F("due_at"))),
        ),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count(
            "id",
            filter=closed
            & Q(closure_type__in=[Request.ClosureType.NORMAL, Request.ClosureType.SPECIAL]),
        ),
        "reworked": Count("id", filter=Q(rework_count__gt=0)),
        "extended": Count("id", filter=Q(extension_count__gt=0)),
        "self_handled": Count(
            "id", filter=Q(target=Request.Target.GRID_WORKER, handled_at__isnull=False)
        ),
        "overdue_unhandled": Count("id", filter=overdue_q(now)),
        "rated": Count("rating"),
        "satisfied": Count("rating", filter=Q(rating__satisfied=True)),
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
        for name, (numerator, denominator) in RATES.items():
            row[name] = row[numerator] / row[denominator] if row[denominator] else None
    return rows
