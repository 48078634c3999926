"""The per-(area, month) request summary (MonthlyRequestFigures): how the dashboards and the monthly
report read a year of case indicators without scanning a year of requests.

Why a summary kept in the same transaction (and not a periodic refresh or a cache):
the indicators count a *cohort* — the requests reported in a month — and a request of any age
keeps changing the counters of its reporting month while it is handled, closed, rated, redone.
A refresh every N minutes would make the dashboards' figures disagree with the lists they link to
for N minutes; a cache keyed on "anything changed" is invalidated by every submission. Instead,
every write that changes a counted field of a request applies the difference it makes, exactly:

    delta = contribution(request after) − contribution(request before)

where `contribution` is a pure function of the request's own fields (and its rating), applied to
its bucket rows with ONE `INSERT … ON CONFLICT (bucket, month) DO UPDATE SET x = x + excluded.x`
statement (PostgreSQL, and SQLite ≥ 3.24 for SpatiaLite), in the caller's transaction. Reading
a year of a street is then a SUM over at most 12 × its buckets rows, whatever the number of
requests. `monthly_figures_rebuild` recomputes any months from the requests with one
INSERT … SELECT … GROUP BY (the load path of bulk data — the benchmark's COPY, the demo — and the
nightly safety net); the tests assert that the incremental summary equals the rebuild and equals
requests_desk.indicators.request_indicators.

Rows and keys:
  * one row per bucket = (street, community, grid) and local month (core.periods.time_zone(), the same
    Asia/Shanghai days as the queue's filters). Hotline requests may have no grid: the bucket is
    the text "<street>/<community>/<grid or 0>", unique with the month on every database (a
    unique constraint over a nullable grid column would not catch duplicates; NULLS NOT DISTINCT
    is PostgreSQL-only).
  * cohort counters (reports … handling_microseconds) go to the month the request was reported
    in; `closed_in_month` (the dashboard's "closed this month", the queue's closed-day filter)
    goes to the month of closed_at.
  * nothing time-dependent is stored: "overdue, not handled" depends on now and is counted live
    from the requests whose clock runs (monthly_request_indicators).

Rules for writers (CONTRIBUTING: no business logic in save() or signals, so the services call
these explicitly, inside their transaction, after the request row is written):
  * request_create → monthly_figures_add(case=…), or its statement (monthly_figures_add_sql) run
    together with the request's own INSERT;
  * flow.transition, the admin's edit, a re-route → monthly_figures_change(before=, after=) with
    the row as locked before the change and the instance as saved;
  * the rating (flow.transition's "rate") → monthly_figures_rate(case=…, rating=…);
  * deleting requests → monthly_figures_remove(requests=…) before the delete.
Locks: every statement touches its rows in (bucket, month) order, and a request's rows in
ascending month order across statements (closed_at ≥ created_at), so two writers never wait on
each other in opposite orders. Bulk statements (rebuild, remove) first take an EXCLUSIVE lock on
the summary table (PostgreSQL): concurrent writers wait for them, readers do not.

Writes that go around the services (raw UPDATEs in other apps, bulk loads) leave the summary
behind until monthly_figures_rebuild runs (nightly, requests_desk.tasks); the counters are plain
integers so such drift can never make a resident's submission fail.
"""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from core.periods import local_midnight, month_start, next_month, time_zone

# The counters, in the order of the upsert statement.
COHORT_COUNTERS = (
    "reports",
    "accepted",
    "filed",
    "dispatched",
    "handled",
    "handled_on_time",
    "closed",
    "closed_on_time",
    "reworked",
    "extended",
    "self_handled",
    "handling_count",
    "handling_microseconds",
)
RATING_COUNTERS = ("rated", "satisfied", "satisfaction_sum")
COUNTERS = (*COHORT_COUNTERS, *RATING_COUNTERS, "closed_in_month")
PLACE = ("street_id", "community_id", "grid_id")

CLOSED = "closed"
ON_TIME_CLOSURES = ("normal", "special")
# Dispatched to the grid's own people (a grid worker or the grid head): "self-handled".
GRID_PEOPLE = ("grid_worker", "grid_head")
ONE_MICROSECOND = datetime.timedelta(microseconds=1)


# --- The contribution of one request (pure) ---------------------------------------------------------
def bucket_of(street_id, community_id, grid_id) -> str:
    return f"{street_id}/{community_id}/{grid_id or 0}"


def _key(case, moment):
    place = (case.street_id, case.community_id, case.grid_id)
    return (bucket_of(*place), month_start(moment), *place)


def contribution(case, rating=None) -> dict[tuple, dict]:
    """{(bucket, month, street_id, community_id, grid_id): {counter: value}}: what `case`
    (and its `rating`, an object with .satisfied and .overall, if given) adds to the summary.
    The same predicates as request_indicators' aggregates."""
    handled = case.handled_at is not None
    dispatched = case.dispatched_at is not None
    closed = case.stage == CLOSED
    timed = handled and dispatched
    cohort = {
        "reports": 1,
        "accepted": int(case.accepted_at is not None),
        "filed": int(case.filed_at is not None),
        "dispatched": int(dispatched),
        "handled": int(handled),
        "handled_on_time": int(handled and (case.due_at is None or case.handled_at <= case.due_at)),
        "closed": int(closed),
        "closed_on_time": int(closed and case.closure_type in ON_TIME_CLOSURES),
        "reworked": int(case.rework_count > 0),
        "extended": int(case.extension_count > 0),
        "self_handled": int(handled and case.target in GRID_PEOPLE),
        "handling_count": int(timed),
        "handling_microseconds": (
            (case.handled_at - case.dispatched_at) // ONE_MICROSECOND if timed else 0
        ),
    }
    if rating is not None:
        cohort.update(
            rated=1, satisfied=int(bool(rating.satisfied)), satisfaction_sum=Decimal(rating.overall)
        )
    result = {_key(case, case.created_at): cohort}
    if closed and case.closed_at is not None:
        key = _key(case, case.closed_at)
        result.setdefault(key, {})["closed_in_month"] = 1
    return result


def _difference(after: dict, before: dict) -> dict[tuple, dict]:
    deltas = {}
    for key in after.keys() | before.keys():
        a, b = after.get(key, {}), before.get(key, {})
        change = {name: a.get(name, 0) - b.get(name, 0) for name in a.keys() | b.keys()}
        if any(change.values()):
            deltas[key] = change
    return deltas


# --- Writing ------------------------------------------------------------------------------------
def _table():
    from requests_desk.models import MonthlyRequestFigures

    return MonthlyRequestFigures._meta.db_table


def _upsert_tail(table: str) -> str:
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS)
    return f" ON CONFLICT (bucket, month) DO UPDATE SET {sets}"


def _apply(deltas: dict[tuple, dict]) -> None:
    """Add `deltas` to their rows: one statement, rows in (bucket, month) order."""
    statement = _apply_sql(deltas)
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def _apply_sql(deltas: dict[tuple, dict]) -> tuple[str, list] | None:
    """_apply's statement (SQL and parameters), None when there is nothing to add."""
    if not deltas:
        return None
    table = _table()
    columns = ("bucket", "month", *PLACE, *COUNTERS)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params = []
    for key in sorted(deltas, key=lambda k: (k[0], k[1])):
        counts = deltas[key]
        params.extend(key)
        params.extend(counts.get(c, 0) for c in COUNTERS)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        + ", ".join([row] * len(deltas))
        + _upsert_tail(table)
    )
    return sql, params


def monthly_figures_add(*, case) -> None:
    """A request just created (it has no rating yet)."""
    _apply(contribution(case))


def monthly_figures_add_sql(*, case) -> tuple[str, list]:
    """monthly_figures_add's statement, for a caller that runs it together with its own writes
    (core.db_batch.one_statement; requests_desk.services.request_create)."""
    statement = _apply_sql(contribution(case))
    assert statement is not None  # a new request always counts as one report
    return statement


def monthly_figures_change(*, before, after) -> None:
    """A request changed from `before` (the row as it was, e.g. the one locked with
    select_for_update) to `after` (the instance as saved). Its rating does not change here; when
    the request moves to another bucket or month, the rating moves with it (one more query)."""
    rating = None
    if _key(before, before.created_at) != _key(after, after.created_at):
        from requests_desk.models import Rating

        rating = Rating.objects.filter(request_id=after.pk).only("satisfied", "overall").first()
    _apply(_difference(contribution(after, rating), contribution(before, rating)))


def monthly_figures_rate(*, case, rating) -> None:
    """The resident's rating of `case` was just written."""
    _apply(_difference(contribution(case, rating), contribution(case)))


def monthly_figures_remove(*, requests) -> None:
    """The requests of the queryset `requests` are about to be deleted (call it in the deleting
    transaction): their contributions are taken off, computed by the database."""
    from requests_desk.models import MonthlyRequestFigures, Request

    with transaction.atomic():
        ids = list(
            Request.objects.filter(pk__in=requests.values("pk"))
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if ids:
            _lock_table()
            _aggregate_upsert(Request.objects.filter(pk__in=ids), MonthlyRequestFigures, sign=-1)


# --- Computing from the requests (rebuild) ------------------------------------------------------
class Microseconds(Func):
    """Whole microseconds from `start` to `end` (two datetime columns), as an integer."""

    output_field = BigIntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra):
        # SQLite / SpatiaLite: Django's own timestamp difference, in microseconds.
        return super().as_sql(
            compiler, connection, template="django_timestamp_diff(%(expressions)s)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000)",
            arg_joiner=" - ",
            **extra,
        )


# The bucket text of an aggregated row (the same as bucket_of), computed after grouping by the
# ids: `||` turns numbers into text on PostgreSQL and SQLite alike.
BUCKET_SQL = "s.street_id || '/' || s.community_id || '/' || COALESCE(s.grid_id, 0)"


def cohort_aggregates() -> dict:
    """The cohort counters as aggregates over Request rows (the same predicates as
    `contribution` and request_indicators)."""
    handled = Q(handled_at__isnull=False)
    timed = handled & Q(dispatched_at__isnull=False)
    closed = Q(stage=CLOSED)
    return {
        "reports": Count("id"),
        "accepted": Count("id", filter=Q(accepted_at__isnull=False)),
        "filed": Count("id", filter=Q(filed_at__isnull=False)),
        "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
        "handled": Count("id", filter=handled),
        "handled_on_time": Count(
            "id", filter=handled & (Q(due_at__isnull=True) | Q(handled_at__lte=F("due_at")))
        ),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count("id", filter=closed & Q(closure_type__in=ON_TIME_CLOSURES)),
        "reworked": Count("id", filter=Q(rework_count__gt=0)),
        "extended": Count("id", filter=Q(extension_count__gt=0)),
        "self_handled": Count("id", filter=handled & Q(target__in=GRID_PEOPLE)),
        "handling_count": Count("id", filter=timed),
        "handling_microseconds": Coalesce(
            Sum(Microseconds("handled_at", "dispatched_at"), filter=timed),
            Value(0),
            output_field=BigIntegerField(),
        ),
        "rated": Count("rating"),
        "satisfied": Count("rating", filter=Q(rating__satisfied=True)),
        "satisfaction_sum": Coalesce(
            Sum("rating__overall"),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    }


def _grouped(requests, moment: str, aggregates: dict):
    return (
        requests.annotate(
            fig_month=TruncMonth(moment, output_field=DateField(), tzinfo=time_zone()),
        )
        .values("fig_month", *PLACE)
        .annotate(**aggregates)
        .order_by()
    )


def _aggregate_upsert(requests, figures_model, *, sign: int = 1, created=None, closed=None):
    """Add (sign=1) or take off (sign=-1) the contributions of the Request queryset `requests`:
    two INSERT … SELECT … GROUP BY … ON CONFLICT statements — the cohort counters by reporting
    month over the requests matching `created` (a Q, default all), closed_in_month by closing
    month over the closed ones matching `closed`."""
    table = figures_model._meta.db_table
    parts = [
        _grouped(requests.filter(created or Q()), "created_at", cohort_aggregates()),
        _grouped(
            requests.filter(closed or Q(), stage=CLOSED, closed_at__isnull=False),
            "closed_at",
            {"closed_in_month": Count("id")},
        ),
    ]
    for part in parts:
        sql, params = part.query.sql_with_params()
        present = set(part.query.annotation_select)
        values = [f"{sign} * s.{c}" if c in present else "0" for c in COUNTERS]
        statement = (
            f"INSERT INTO {table} (bucket, month, {', '.join(PLACE)}, {', '.join(COUNTERS)}) "
            f"SELECT {BUCKET_SQL}, s.fig_month, {', '.join('s.' + c for c in PLACE)}, "
            f"{', '.join(values)} FROM ({sql}) s WHERE true ORDER BY 1, 2" + _upsert_tail(table)
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, params)


def _lock_table(table=None) -> None:
    """Make concurrent writers of the summary wait until this transaction ends (PostgreSQL;
    SQLite serialises writers anyway). Readers are not blocked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table or _table()} IN EXCLUSIVE MODE")


def monthly_figures_rebuild(*, months=None, request_model=None, figures_model=None) -> int:
    """Recompute the summary rows of `months` (dates, any day of each month; None: every month)
    from the requests, in one transaction: delete those rows, then insert what the requests give
    (two INSERT … SELECT … GROUP BY statements). Returns the number of rows of those months.
    `request_model` / `figures_model` are for data migrations (historical models)."""
    if request_model is None or figures_model is None:
        from requests_desk.models import MonthlyRequestFigures, Request

        request_model, figures_model = Request, MonthlyRequestFigures
    rows = figures_model.objects.all()
    created = closed = None
    if months is not None:
        firsts = sorted({month_start(m) for m in months})
        if not firsts:
            return 0
        created, closed = Q(), Q()
        for first in firsts:
            since, until = local_midnight(first), local_midnight(next_month(first))
            created |= Q(created_at__gte=since, created_at__lt=until)
            closed |= Q(closed_at__gte=since, closed_at__lt=until)
        rows = rows.filter(month__in=firsts)
    with transaction.atomic():
        _lock_table(figures_model._meta.db_table)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Room to group a million requests in memory rather than on disk.
                cursor.execute("SET LOCAL work_mem = '64MB'")
        rows.delete()
        _aggregate_upsert(
            request_model.objects.all(), figures_model, created=created, closed=closed
        )
        return rows.count()
