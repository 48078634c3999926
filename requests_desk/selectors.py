"""Reads of the requests desk, scoped by jurisdiction, with their joins done once."""

from __future__ import annotations

import base64
import copy
import datetime
import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import prepared
from core.bounded import Bounded
from core.change_marks import MarkedValue
from core.periods import local_midnight
from core.rows import Columns
from grids.jurisdiction import get_scoped_object_or_404, jurisdiction_of, scope_queryset
from grids.models import AreaGrid, Community
from requests_desk import public, queue_options
from requests_desk.conf import conf
from requests_desk.models import (
    CATEGORIES_MARK_SQL,
    Category,
    Rating,
    Request,
    RequestEvent,
    RequestPhoto,
    Stage,
    due_flags,
    nearly_due_q,
    overdue_q,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User

QUEUE_SORTS = {
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    # Due soonest first; cases without a deadline (not dispatched yet) after all the others.
    "due": ("due_at", "id"),
}
NULLS_LAST = {"due"}


def queue_ordering(sort: str) -> tuple:
    """The ORDER BY of a queue sort (the page and the API): rows without a value last, on every
    database (SQLite puts NULLs first by default)."""
    order = QUEUE_SORTS.get(sort, QUEUE_SORTS["new"])
    column = order[0].lstrip("-")
    if sort in NULLS_LAST:
        return (F(column).asc(nulls_last=True), *order[1:])
    return order


def categories_tree() -> list[Category]:
    """Top classes with their active sub-classes (two queries)."""
    subs = Prefetch(
        "children", queryset=Category.objects.filter(active=True).order_by("order", "code")
    )
    return list(
        Category.objects.filter(parent__isnull=True, active=True)
        .prefetch_related(subs)
        .order_by("kind", "order", "code")
    )


_CATEGORY_FIELDS = tuple(f.attname for f in Category._meta.concrete_fields)


def _subclasses_read(today: datetime.date) -> dict[int, tuple[tuple, tuple]]:
    """Every active sub-class's field values and its top class's, by pk (a few dozen rows)."""
    return {
        sub.pk: (
            tuple(getattr(sub, name) for name in _CATEGORY_FIELDS),
            tuple(getattr(sub.parent, name) for name in _CATEGORY_FIELDS),
        )
        for sub in Category.objects.filter(parent__isnull=False, active=True).select_related(
            "parent"
        )
    }


# Per process: the active sub-classes, kept while the categories' mark stays.
_subclasses = MarkedValue(_subclasses_read, mark_sql=CATEGORIES_MARK_SQL)
# The last copy read (its mark, its rows), for a first answer before any mark is read.
_subclasses_last: tuple[int, dict[int, tuple[tuple, tuple]]] | None = None


def _fresh(values: tuple) -> list:
    """The kept values for a new instance: the mutable ones (the extra questions) copied."""
    return [copy.deepcopy(v) if isinstance(v, (list, dict)) else v for v in values]


def _category(row: tuple[tuple, tuple]) -> Category:
    """A new instance (no instance is shared between requests), its top class loaded, from a
    kept row (its values, its top class's); it remembers that row (active_subclass_at)."""
    values, parent_values = row
    sub = Category.from_db("default", _CATEGORY_FIELDS, _fresh(values))
    parent = Category.from_db("default", _CATEGORY_FIELDS, _fresh(parent_values))
    Category.parent.field.set_cached_value(sub, parent)
    sub._kept_row = row
    return sub


def active_subclass_at(pk: int, mark: int, *, known: Category | None = None) -> Category | None:
    """The active sub-class `pk` as it is at the categories' `mark` (CATEGORIES_MARK_SQL, read
    by the caller in its own statement), or None: exact, from the process's copy at that mark.
    `known`: the caller's instance of it, returned as it is when it was built from that very
    copy's row (active_subclass with the copy of the same mark) rather than built again."""
    global _subclasses_last  # noqa: PLW0603 - the last copy, replaced whole
    rows = _subclasses.get(mark, timezone.localdate())
    _subclasses_last = (mark, rows)
    found = rows.get(pk)
    if found is None:
        return None
    if known is not None and getattr(known, "_kept_row", None) is found:
        return known
    return _category(found)


def active_subclass(pk: int) -> Category | None:
    """The active sub-class `pk`, or None, for the resident's form before the submission reads
    the mark: from the last copy read when it has `pk`, else from the database. The copy may be
    older than the database: requests_desk.services.request_create checks the category again
    at the mark it reads, so a sub-class deactivated since is refused there, and one the copy
    does not know (added or reactivated since) is asked of the database here."""
    last = _subclasses_last
    if last is not None and pk in last[1]:
        return _category(last[1][pk])
    return Category.objects.filter(pk=pk, parent__isnull=False, active=True).first()


def requests_for(user: User) -> QuerySet[Request]:
    return scope_queryset(Request.objects.all(), user)


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    has_previous: bool


def _encode(values: Sequence[Any]) -> str:
    raw = "|".join(
        "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in values
    )
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str, sort: str) -> tuple[datetime.datetime | None, int] | None:
    """(value, pk) from a cursor; value None for a row without one (sorts that keep them, last);
    None for a cursor that is not ours."""
    try:
        first, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        pk = int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if first == "" and sort in NULLS_LAST:
        return (None, pk)
    value = parse_datetime(first)
    return (value, pk) if value is not None else None


def _within_days(
    qs: QuerySet[Any], field: str, first: datetime.date | None, last: datetime.date | None
) -> QuerySet[Any]:
    """Rows whose `field` falls on a local day from `first` to `last`, both inclusive."""
    if first:
        qs = qs.filter(**{f"{field}__gte": local_midnight(first)})
    if last:
        qs = qs.filter(**{f"{field}__lt": local_midnight(last + datetime.timedelta(days=1))})
    return qs


def queue_filter(
    qs: QuerySet[Request],
    *,
    stage: str = "",
    category: Category | None = None,
    grid: AreaGrid | None = None,
    source: str = "",
    overdue: bool = False,
    extension: bool = False,
    reopen: bool = False,
    unplaced: bool = False,
    q: str = "",
    nearly_due: bool = False,
    reported_from: datetime.date | None = None,
    reported_to: datetime.date | None = None,
    closed_from: datetime.date | None = None,
    closed_to: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Request]:
    """The queue's filters (the queue page, the API and the dashboards' links use them).
    Dates are local days (Asia/Shanghai), both ends inclusive: reported_from/reported_to on the
    reporting time, closed_from/closed_to on the closing time."""
    now = now or timezone.now()
    if stage == "open":
        qs = qs.filter(stage__in=Stage.OPEN)
    elif stage:
        qs = qs.filter(stage=stage)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if grid is not None:
        qs = qs.filter(grid=grid)
    if source:
        qs = qs.filter(source=source)
    if overdue:
        qs = qs.filter(overdue_q(now))
    if nearly_due:
        qs = qs.filter(nearly_due_q(now))
    qs = _within_days(qs, "created_at", reported_from, reported_to)
    qs = _within_days(qs, "closed_at", closed_from, closed_to)
    if extension:
        qs = qs.filter(extension_requested_until__isnull=False)
    if reopen:
        qs = qs.filter(reopen_requested_at__isnull=False)
    if unplaced:
        # Reported without a point, its address routed to no grid: staff place it ("place").
        qs = qs.filter(grid__isnull=True, stage__in=Stage.OPEN)
    if q:
        qs = qs.filter(Q(code=q.strip().upper()) | Q(address__icontains=q.strip()))
    return qs


# What a queue row shows (requests_desk/queue_rows.py) and the keyset columns: one tuple per row
# (QueueRow), no model instances, no grid or community boundary, no reporter fields decrypted, and
# no join: the category's, grid's and community's names come from queue_options' maps (joining
# three tables cost PostgreSQL more planning than the query's run; issue 17).
QUEUE_ROW_FIELDS = (
    "id",
    "code",
    "stage",
    "source",
    "created_at",
    "due_at",
    "extension_requested_until",
    "reopen_requested_at",
    "grid_id",
    "category_id",
    "community_id",
    "due_calendar_missing",
)


class QueueRow(NamedTuple):
    """One row of the queue page: its columns and names, then the badges' flags."""

    id: int
    code: str
    stage: str
    source: str
    created_at: datetime.datetime
    due_at: datetime.datetime | None
    extension_requested_until: datetime.datetime | None
    reopen_requested_at: datetime.datetime | None
    grid_id: int | None
    category_name: str
    category_name_en: str
    grid_name: str | None
    community_name: str
    flag_overdue: bool
    flag_nearly_due: bool
    flag_calendar_missing: bool


def _names_completed(names: queue_options.RowNames, read: list[tuple]) -> queue_options.RowNames:
    """`names` with those of the rows' categories, grids and communities it lacks (written after
    its marks were read), read from the database."""
    categories = {row[9] for row in read} - names.categories.keys()
    grids = {row[8] for row in read if row[8] is not None} - names.grids.keys()
    communities = {row[10] for row in read} - names.communities.keys()
    if not (categories or grids or communities):
        return names
    return queue_options.RowNames(
        categories={
            **names.categories,
            **{
                pk: (name, name_en)
                for pk, name, name_en in Category.objects.filter(pk__in=categories).values_list(
                    "pk", "name", "name_en"
                )
            },
        },
        grids={
            **names.grids,
            **dict(AreaGrid.objects.filter(pk__in=grids).values_list("pk", "name")),
        },
        communities={
            **names.communities,
            **dict(Community.objects.filter(pk__in=communities).values_list("pk", "name")),
        },
    )


def queue_page(
    qs: QuerySet[Any],
    *,
    sort: str = "new",
    cursor: str = "",
    page_size: int | None = None,
    now: datetime.datetime | None = None,
    names: queue_options.RowNames | None = None,
) -> QueuePage:
    """One page of the queue by keyset pagination on (sort column, id): constant time on deep
    pages (no OFFSET), a fixed number of queries whatever the data size. The rows are QueueRow
    tuples; their overdue, nearly-due and calendar-missing flags are the predicates of
    overdue_q, nearly_due_q and calendar_missing_q at `now` (the filters'), applied to the
    row's columns (requests_desk.models.due_flags). `names`: the rows' names as the caller
    read them with the page's options (queue_options), else read here."""
    sort, page_size, decoded = _page_request(sort, page_size, cursor)
    read = list(_rows_queryset(qs, sort=sort, decoded=decoded, page_size=page_size))
    return _page(read, sort=sort, decoded=decoded, page_size=page_size, now=now, names=names)


def queue_page_for(
    user: User,
    filters: dict | None,
    *,
    sort: str = "new",
    cursor: str = "",
    page_size: int | None = None,
    now: datetime.datetime | None = None,
    names: queue_options.RowNames | None = None,
) -> QueuePage:
    """queue_page(queue_filter(requests_for(user), **filters, now=now), …) — the same rows —
    for the queue page: its statement as the ORM compiles it, kept per process (_ROWS_SQL).
    `filters` None: no filter (an invalid filter form shows the whole jurisdiction)."""
    now = now or timezone.now()
    sort, page_size, decoded = _page_request(sort, page_size, cursor)
    read = _rows_read(user, filters, sort=sort, decoded=decoded, page_size=page_size, now=now)
    return _page(read, sort=sort, decoded=decoded, page_size=page_size, now=now, names=names)


def _page_request(sort: str, page_size: int | None, cursor: str) -> tuple[str, int, tuple | None]:
    """The page asked for: a known sort (else "new"), the page size (else the setting's) and the
    cursor decoded (None: the first page)."""
    sort = sort if sort in QUEUE_SORTS else "new"
    return sort, page_size or conf.QUEUE_PAGE_SIZE, _decode(cursor, sort) if cursor else None


def _rows_queryset(
    qs: QuerySet[Any], *, sort: str, decoded: tuple | None, page_size: int
) -> QuerySet[Any]:
    """The page's rows of `qs` from the cursor `decoded` on: QUEUE_ROW_FIELDS tuples (not model
    instances, not the shapes: parsing each row's grid and community boundary cost more than
    the rest of the page; issue 17), one more than a page (is there a next one)."""
    order = QUEUE_SORTS[sort]
    column = order[0].lstrip("-")
    descending = order[0].startswith("-")
    if decoded and decoded[0] is None:
        # Past the last row with a value: the rows without one, by id.
        qs = qs.filter(**{f"{column}__isnull": True, "id__gt": decoded[1]})
    elif decoded:
        # A row comparison `(column, id) < (value, pk)`: unlike the equivalent OR of two
        # conditions, it is an index range condition, so a deep page starts where the cursor
        # points instead of walking the index from the top. Rows without a value come after.
        lookup = TupleLessThan if descending else TupleGreaterThan
        after = Q(lookup(Tuple(F(column), F("id")), decoded))
        qs = qs.filter(after | Q(**{f"{column}__isnull": True}) if sort in NULLS_LAST else after)
    return qs.order_by(*queue_ordering(sort)).values_list(*QUEUE_ROW_FIELDS)[: page_size + 1]


# The rows' statement, per process, as the ORM compiled it: under a key of every input it depends
# on (the user's jurisdiction, the filters' values, the sort, the page size, the kind of cursor,
# the time zone the days are read in), the SQL and its parameters but the cursor's, which are
# the statement's last ones. Building and compiling the queryset cost more Python than anything
# else in the page (issue 17); the SQL itself is the ORM's, byte for byte. Filters that read
# `now` (overdue, nearly due) are compiled each time; emptied when full.
_ROWS_SQL = Bounded(512)
# Filters whose SQL holds the time of the request.
_NOW_FILTERS = ("overdue", "nearly_due")


def _filters_key(filters: dict | None) -> tuple | None:
    """The filters' values as a key (a chosen category or grid by its pk), or None when they are
    not all plain values or one reads `now`."""
    if filters is None:
        return ()
    if any(filters.get(name) for name in _NOW_FILTERS):
        return None
    key = []
    for name, value in sorted(filters.items()):
        if isinstance(value, (Category, AreaGrid)):
            value = (type(value).__name__, value.pk)
        elif not (value is None or isinstance(value, (str, bool, int, datetime.date))):
            return None
        key.append((name, value))
    return tuple(key)


def _cursor_values(decoded: tuple | None) -> tuple:
    """The cursor's parameters, in the order its condition takes them (_rows_queryset)."""
    if decoded is None:
        return ()
    return (decoded[1],) if decoded[0] is None else decoded


def _rows_read(
    user: User,
    filters: dict | None,
    *,
    sort: str,
    decoded: tuple | None,
    page_size: int,
    now: datetime.datetime,
) -> list[tuple]:
    """The page's rows (QUEUE_ROW_FIELDS tuples) of the user's filtered queue."""
    filters_key = _filters_key(filters)
    tail = _cursor_values(decoded)
    key = None
    if filters_key is not None and all(
        not isinstance(v, datetime.datetime) or timezone.is_aware(v) for v in tail
    ):
        key = (
            jurisdiction_of(user),
            filters_key,
            sort,
            page_size,
            tuple(type(v) for v in tail) if decoded else None,
            decoded is not None and decoded[0] is None,
            settings.TIME_ZONE,
        )
    if key is not None and key in _ROWS_SQL:
        statement = _ROWS_SQL[key]
    else:
        qs = requests_for(user)
        if filters is not None:
            qs = queue_filter(qs, **filters, now=now)
        rows = _rows_queryset(qs, sort=sort, decoded=decoded, page_size=page_size)
        statement = _compiled(rows, tail)
        if not isinstance(statement, tuple) and statement is not None:  # False
            return list(rows)  # the ORM reads them (and nothing is kept)
        if key is not None:
            _ROWS_SQL.keep(key, statement)
    if statement is None:
        return []
    sql, head = statement
    return _fetch(sql, (*head, *tail))


def _compiled(
    rows: QuerySet[Any], tail: tuple
) -> tuple[str, tuple[Any, ...]] | None | Literal[False]:
    """`rows`' SQL and its parameters but the cursor's (`tail`, its last ones); None when it
    reads nothing (an empty jurisdiction); False when its values need converting from the
    database's (not on PostgreSQL) or its last parameters are not the cursor's as given."""
    compiler = rows.query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    if compiler.get_converters(fields):
        return False
    params = tuple(params)
    at = len(params) - len(tail)
    if at < 0 or any(
        type(given) is not type(value) or given != value
        for given, value in zip(params[at:], tail, strict=True)
    ):
        return False
    return sql, params[:at]


def _fetch(sql: str, params: tuple[Any, ...]) -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "adapters"):  # psycopg 3
            from psycopg.postgres import types
            from psycopg.pq import Format

            timestamptz = types["timestamptz"].oid
            adapters = cursor.cursor.adapters
            django_loader = adapters.get_loader(timestamptz, Format.TEXT)
            adapters.register_loader(timestamptz, _iso_loader(django_loader))
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _iso_loader(django_loader: type) -> type:
    """Django's loader of timestamptz text (`django_loader`, a Python subclass of psycopg's that
    matches each value with a regular expression) reading it with datetime.fromisoformat instead
    (C): it took more time than the rest of the queue rows' reading (issue 17). The same values:
    PostgreSQL writes a time in the session's time zone with its offset there, which is the
    time psycopg moves to that zone before Django sets its own zone on it; anything
    fromisoformat does not read (infinity, BC, past 9999) is left to `django_loader`."""

    class IsoTimestamptzLoader(django_loader):
        def load(self, data: Any) -> datetime.datetime:
            try:
                value = datetime.datetime.fromisoformat(bytes(data).decode())
            except ValueError:
                return super().load(data)
            return value.replace(tzinfo=self.timezone)

    return IsoTimestamptzLoader


def _page(
    read: list[tuple],
    *,
    sort: str,
    decoded: tuple | None,
    page_size: int,
    now: datetime.datetime | None,
    names: queue_options.RowNames | None,
) -> QueuePage:
    """The QueuePage of the rows read (QUEUE_ROW_FIELDS tuples, one more than a page when there
    is a next one): their names and flags, the next page's cursor."""
    flags = due_flags(now or timezone.now())
    if names is None:
        names = queue_options.row_names()
    names = _names_completed(names, read)
    categories, grids, communities = names.categories, names.grids, names.communities
    rows = [
        QueueRow(
            id,
            code,
            stage,
            source,
            created_at,
            due_at,
            extension_requested_until,
            reopen_requested_at,
            grid_id,
            *categories[category_id],
            grids[grid_id] if grid_id is not None else None,
            communities[community_id],
            *flags(stage, due_at, calendar_missing),
        )
        for (
            id,
            code,
            stage,
            source,
            created_at,
            due_at,
            extension_requested_until,
            reopen_requested_at,
            grid_id,
            category_id,
            community_id,
            calendar_missing,
        ) in read
    ]
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        column = QUEUE_SORTS[sort][0].lstrip("-")
        next_cursor = _encode([getattr(last, column), last.id])
    return QueuePage(rows=rows, next_cursor=next_cursor, has_previous=bool(decoded))


def queue_export_rows(
    user: User, *, filters: dict, sort: str = "new", now: datetime.datetime | None = None
) -> QuerySet[Request]:
    """The queue's rows for its .xlsx export: the same filters and order as the page, all pages,
    with what each row shows joined once (names, not boundaries)."""
    qs = queue_filter(requests_for(user), **filters, now=now)
    return (
        qs.select_related(
            "category__parent", "street", "community", "grid", "assignee", "department"
        )
        .defer("street__boundary", "community__boundary", "grid__boundary")
        .order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["new"]))
    )


def case_for(user: User, code: str) -> Request:
    """The case page's request with everything it shows, in a fixed number of queries; 404 when
    outside the user's jurisdiction."""
    qs = Request.objects.select_related(
        "category__parent",
        "grid",
        "community",
        "street",
        "assignee",
        "department",
        "merged_into",
        "created_by",
        "open311_client",
        "rating",
    ).prefetch_related(
        Prefetch(
            "events",
            queryset=RequestEvent.objects.select_related("actor")
            .prefetch_related("photos")
            .order_by("created_at", "id"),
        ),
        Prefetch(
            "photos",
            queryset=RequestPhoto.objects.filter(event__isnull=True),
            to_attr="report_photos",
        ),
        Prefetch("merged", queryset=Request.objects.only("id", "code", "merged_into_id")),
    )
    # The page shows the request's point, not its grid's, community's or street's boundary.
    qs = qs.defer("grid__boundary", "community__boundary", "street__boundary")
    return get_scoped_object_or_404(qs, user, code=code)


# Requests residents reported themselves. On those only, the photos staff attach to a reply the
# resident sees (the "after" photo of the feedback) are public, like the reply. The resident's own
# report photos, internal entries' photos and every photo of a request from a household visit, a
# patrol, a referral, the hotline or a staff entry are seen by staff of the jurisdiction only.
def public_photos() -> QuerySet[RequestPhoto]:
    """The request photos anyone may see (the status page's and Open311's): those of public
    replies on requests the public lists (requests_desk.public.listed_q)."""
    listed = Request.objects.filter(public.listed_q()).values("pk")
    return RequestPhoto.objects.filter(event__public=True, request__in=listed)


def photos_visible_to(user: User | AnonymousUser) -> QuerySet[RequestPhoto]:
    """The rule of the request photos (core.files): staff of the request's jurisdiction, who may
    open its case page; anyone for the public ones."""
    if user.is_authenticated and user.is_staff_role and user.has_perm("requests_desk.view_request"):
        in_area = scope_queryset(Request.objects.all(), user).values("pk")
        return RequestPhoto.objects.filter(
            Q(request__in=in_area) | Q(pk__in=public_photos().values("pk"))
        )
    return public_photos()


def phone_requests(phone_index: str) -> QuerySet[Request]:
    """The requests reported with the phone of blind index `phone_index`, newest first."""
    if not phone_index:
        return Request.objects.none()
    return Request.objects.filter(reporter_phone_index=phone_index).order_by("-created_at", "-pk")


def mine_list(phone_index: str, *, limit: int = 200) -> QuerySet[Request]:
    """“My requests” (requests_desk/mine.py): the requests of a phone proved by its SMS code,
    newest first, with whether each still waits for its rating."""
    return (
        phone_requests(phone_index)
        .annotate(rated=Exists(Rating.objects.filter(request_id=OuterRef("pk"))))
        .select_related("category__parent", "community", "merged_into")
        .defer("community__boundary")[:limit]
    )


def reporter_photos(item: Request) -> QuerySet[RequestPhoto]:
    """The photos the proved reporter of `item` sees (requests_desk.views._own_view): the ones
    they sent, then those of the public feedback replies (the "after" photos)."""
    return (
        RequestPhoto.objects.filter(request=item)
        .filter(Q(event__isnull=True) | Q(event__action="feedback", event__public=True))
        .order_by("event_id", "pk")
    )


def public_status_mark(code: str) -> tuple | None:
    """What the public status page of `code` depends on that can change, read in one indexed
    lookup (the page cache's key, core.page_cache): the request's and, when merged, the other
    request's last change, "+1" count, newest timeline entry and number of shown photos (a photo
    appears once clean: requests_desk.uploads). None: no such request. Prepared on its
    connection (core.prepared): planning it cost four times running it."""
    return prepared.fetchone(STATUS_MARK_SQL, [(code or "").strip().upper()])


def _status_mark_sql() -> str:
    request_table, event_table = Request._meta.db_table, RequestEvent._meta.db_table
    photo_table = RequestPhoto._meta.db_table

    def newest(alias: str) -> str:
        return f"(SELECT max(e.id) FROM {event_table} e WHERE e.request_id = {alias}.id)"

    def shown(alias: str) -> str:
        return (
            f"(SELECT count(*) FROM {photo_table} p"
            f" WHERE p.request_id = {alias}.id AND NOT p.pending)"
        )

    return (
        f"SELECT r.id, r.updated_at, r.support_count, m.updated_at, m.support_count,"
        f" {newest('r')}, {newest('m')}, {shown('r')}, {shown('m')}"
        f" FROM {request_table} r LEFT JOIN {request_table} m ON m.id = r.merged_into_id"
        f" WHERE r.code = %s"
    )


STATUS_MARK_SQL = _status_mark_sql()


# What the status page reads of a request (requests_desk.public, proof.secret_matches, the status
# template) and of its relations — its category and that one's parent, its community's name, its
# rating — in one prepared statement, and its public timeline (with the photos of the replies on a
# listed request) in another: planning the ORM's join took 4 times running it, and building its
# querysets most of the page's Python time (issue 17).
_STATUS_REQUEST = Columns(
    Request,
    (
        "id",
        "code",
        "source",
        "created_by_id",
        "description",
        "address",
        "address_id",
        "media_url",
        "stage",
        "closure_type",
        "cancel_reason",
        "target",
        "due_at",
        "created_at",
        "updated_at",
        "support_count",
        "reporter_proof",
        "merged_into_id",
        "category_id",
        "community_id",
    ),
)
# The point is read as two numbers: a prepared statement returning the geometry type would fail
# once the PostGIS extension is re-created (a restore) until the process restarts.
_LOCATION = Request._meta.get_field("location")
_STATUS_CATEGORY = Columns(
    Category, ("id", "code", "name", "limit_amount", "limit_unit", "parent_id")
)
_STATUS_PARENT = Columns(Category, ("id", "name"))
_STATUS_COMMUNITY = Columns(Community, ("id", "name"))
_STATUS_RATING = Columns(Rating, ("id", "request_id", "overall"))
_STATUS_EVENT = Columns(
    RequestEvent, ("id", "request_id", "action", "to_stage", "message", "note", "created_at")
)


def _status_sql() -> tuple[str, str]:
    q = connection.ops.quote_name
    request_sql = (
        f"SELECT {_STATUS_REQUEST.select('r')}, {_STATUS_CATEGORY.select('c')},"
        f" {_STATUS_PARENT.select('pc')}, {_STATUS_COMMUNITY.select('cm')},"
        f" {_STATUS_RATING.select('rt')}, ST_X(r.location), ST_Y(r.location)"
        f" FROM {q(Request._meta.db_table)} r"
        f" LEFT JOIN {q(Category._meta.db_table)} c ON c.id = r.category_id"
        f" LEFT JOIN {q(Category._meta.db_table)} pc ON pc.id = c.parent_id"
        f" LEFT JOIN {q(Community._meta.db_table)} cm ON cm.id = r.community_id"
        f" LEFT JOIN {q(Rating._meta.db_table)} rt ON rt.request_id = r.id"
        f" WHERE r.code = %s"
    )
    # The photos of public replies are the public ones on a listed request only
    # (public_photos()); the second parameter says whether the request is listed.
    photos = (
        f"SELECT p.id || '/' || p.image AS photo FROM {q(RequestPhoto._meta.db_table)} p"
        f" WHERE p.event_id = e.id AND NOT p.pending ORDER BY p.created_at, p.id"
    )
    if connection.vendor == "postgresql":
        photos = f"ARRAY({photos})"
    else:  # SpatiaLite: a JSON array, in the subquery's order
        photos = f"(SELECT json_group_array(photo) FROM ({photos}))"
    events_sql = (
        f"SELECT {_STATUS_EVENT.select('e')}, CASE WHEN %s THEN {photos} END"
        f" FROM {q(RequestEvent._meta.db_table)} e"
        f" WHERE e.request_id = %s AND e.public ORDER BY e.created_at, e.id"
    )
    return request_sql, events_sql


_STATUS_SQL: tuple[str, str] | None = None


def _split(row: tuple, *parts: Columns) -> list[tuple]:
    out, start = [], 0
    for part in parts:
        out.append(row[start : start + len(part)])
        start += len(part)
    return out


def public_request(code: str) -> Request | None:
    """A request for its public status page, looked up by its unguessable code (names of its
    category and community, its rating; not who handles it: public_case(agency=False)), with its
    public timeline as `public_events` (each reply's public photo URLs as `public_photo_urls`)."""
    global _STATUS_SQL
    if _STATUS_SQL is None:
        _STATUS_SQL = _status_sql()
    request_sql, events_sql = _STATUS_SQL
    row = prepared.fetchone(request_sql, [(code or "").strip().upper()])
    if row is None:
        return None
    values, category, parent, community, rating = _split(
        row, _STATUS_REQUEST, _STATUS_CATEGORY, _STATUS_PARENT, _STATUS_COMMUNITY, _STATUS_RATING
    )
    item = _STATUS_REQUEST.build(values)
    x, y = row[-2:]
    item.location = None if x is None else Point(x, y, srid=_LOCATION.srid)
    cache = item._state.fields_cache
    if category[0] is not None:
        cache["category"] = _STATUS_CATEGORY.build(category)
        if parent[0] is not None:
            cache["category"]._state.fields_cache["parent"] = _STATUS_PARENT.build(parent)
    if community[0] is not None:
        cache["community"] = _STATUS_COMMUNITY.build(community)
    cache["rating"] = _STATUS_RATING.build(rating) if rating[0] is not None else None
    listed = public.is_listed(item)
    events = []
    for *event_values, photos in prepared.fetchall(events_sql, [listed, item.pk]):
        event = _STATUS_EVENT.build(event_values)
        urls = []
        if isinstance(photos, str):
            photos = json.loads(photos)
        for photo in photos or ():
            pk, _sep, name = photo.partition("/")
            urls.append(RequestPhoto(pk=int(pk), request_id=item.pk, image=name).image.url)
        event.public_photo_urls = tuple(urls)
        events.append(event)
    item.public_events = events
    return item
