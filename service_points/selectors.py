"""Reads of the service positions: public lists (filtered, nearest first), details, rooms' weeks,
usage per month and the coverage report. Every query is fixed in number, whatever the data size."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from core.periods import add_months, local, local_midnight, month_start, time_zone
from grids.jurisdiction import scope_queryset
from grids.models import AreaGrid, SubGrid
from service_points.conf import conf
from service_points.geo import DistanceMetres
from service_points.hours import open_at_q
from service_points.models import (
    Booking,
    Facility,
    OpeningException,
    OpeningHours,
    PositionPhoto,
    Room,
    ServicePosition,
    Tier,
)

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Aggregate, Model, QuerySet

    from accounts.models import User


def _with_related(
    queryset: QuerySet[Any], *, on: datetime.date | None = None
) -> QuerySet[ServicePosition]:
    on = on or timezone.localdate()
    return (
        queryset.select_related("community__street", "grid", "subgrid", "parent")
        # Names and codes only: parsing the community's, street's, grid's and sub-grid's
        # boundaries for every listed position cost ~1.4 s of the API's 1.5 s (issue 17).
        .defer(
            "community__boundary",
            "community__street__boundary",
            "grid__boundary",
            "subgrid__boundary",
        )
        .prefetch_related(
            "functions",
            "facilities",
            "opening_hours",
            # Exceptions from yesterday on: enough for "open now" and the upcoming list.
            Prefetch(
                "opening_exceptions",
                queryset=OpeningException.objects.filter(
                    date__gte=on - datetime.timedelta(days=1)
                ).order_by("date"),
            ),
        )
    )


def _positions_filtered(
    *,
    q: str = "",
    tier: str = "",
    function: Any = None,
    facility: Any = None,
    open_now: bool = False,
    near: Point | None = None,
    at: datetime.datetime | None = None,
) -> tuple[QuerySet[ServicePosition], datetime.datetime]:
    at = local(at)
    qs = ServicePosition.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if tier:
        qs = qs.filter(tier=tier)
    if function is not None:
        qs = qs.filter(functions=function)
    if facility is not None:
        qs = qs.filter(facilities=facility)
    qs = qs.annotate(is_open=ExpressionWrapper(open_at_q(at), output_field=BooleanField()))
    if open_now:
        qs = qs.filter(is_open=True)
    if near is not None:
        qs = qs.annotate(distance=DistanceMetres("location", near)).order_by("distance", "name")
    else:
        qs = qs.order_by("community__code", "tier", "name")
    return qs, at


def positions_public(**filters: Any) -> QuerySet[ServicePosition]:
    """Active positions for the public list (and the GeoJSON API), with `is_open` and (if `near`)
    `distance` (metres) annotated by the database; nearest first when `near` is given. Filters:
    q, tier, function, facility, open_now, near, at."""
    qs, at = _positions_filtered(**filters)
    # No DISTINCT: a function or facility filter joins one row per (position, function) pair,
    # which the many-to-many table keeps unique; DISTINCT made the database compute "open now"
    # for every position before it could take a page (150 of the list's 200 ms on SpatiaLite).
    return _with_related(qs, on=at.date())


# What the public list page (/positions/) shows of a position: its name, tier, address, the
# name of the sub-grid, grid or community it is in, and its facilities' labels.
LIST_PAGE_FIELDS = (
    "id",
    "name",
    "tier",
    "address",
    "community__name",
    "grid__name",
    "subgrid__name",
)


def positions_list_page(**filters: Any) -> QuerySet[ServicePosition]:
    """positions_public's positions, in its order and with its `is_open` and `distance`, reading
    only what the list page shows (LIST_PAGE_FIELDS and the facilities): no geometry, no opening
    hours or exceptions, no parent (issue 17)."""
    qs, _at = _positions_filtered(**filters)
    return (
        qs.select_related("community", "grid", "subgrid")
        .only(*LIST_PAGE_FIELDS)
        .prefetch_related(
            Prefetch("facilities", queryset=Facility.objects.only("id", "name", "name_en"))
        )
    )


# The columns of a position the API's GeoJSON feature shows (positions_feature_rows); its point
# as `lon`/`lat` read by the database (ST_X/ST_Y), not parsed into a GEOS geometry.
FEATURE_VALUES = (
    "id",
    "name",
    "tier",
    "parent_id",
    "community__name",
    "community__code",
    "grid_id",
    "grid__code",
    "grid__name",
    "subgrid_id",
    "subgrid__code",
    "address",
    "floor_area",
    "contact_phone",
    "lon",
    "lat",
    "is_open",
)


def _coordinates(qs: QuerySet[ServicePosition]) -> QuerySet[ServicePosition]:
    return qs.annotate(
        lon=Func("location", function="ST_X", output_field=FloatField()),
        lat=Func("location", function="ST_Y", output_field=FloatField()),
    )


def _code_lists(relation: str, target: str) -> ArraySubquery:
    """A position's function or facility codes, in their model's order, as an array column."""
    through = getattr(ServicePosition, relation).through
    return ArraySubquery(
        through.objects.filter(serviceposition_id=OuterRef("pk"))
        .order_by(f"{target}__sort_order", f"{target}__code")
        .values(f"{target}__code")
    )


def _hours_list() -> ArraySubquery:
    """A position's weekly opening hours as "weekday HH:MM HH:MM" texts, in the list's order."""
    return ArraySubquery(
        OpeningHours.objects.filter(position_id=OuterRef("pk"))
        .order_by("weekday", "opens", "id")
        .annotate(
            text=Func(
                Cast("weekday", CharField()),
                Value(" "),
                Func("opens", Value("HH24:MI"), function="to_char"),
                Value(" "),
                Func("closes", Value("HH24:MI"), function="to_char"),
                function="concat",
                output_field=CharField(),
            )
        )
        .values("text")
    )


def _arrays_in_rows() -> bool:
    """Whether the database reads a position's codes and hours as arrays of its row."""
    return connection.vendor == "postgresql"


def positions_feature_rows(**filters: Any) -> list[dict[str, Any]]:
    """The API list's positions as plain rows (FEATURE_VALUES, plus `distance` with `near`, and
    `functions`, `facilities` and `opening_hours` as (weekday, "HH:MM", "HH:MM")), no model
    instances, in positions_public's order. On PostgreSQL one query: the codes and hours come as
    arrays of the row; elsewhere three more narrow queries. Building 317 features from model
    instances with their prefetched relations took ~250 ms; these rows take a few (issue 17)."""
    qs, _at = _positions_filtered(**filters)
    fields = (*FEATURE_VALUES, "distance") if filters.get("near") is not None else FEATURE_VALUES
    qs = _coordinates(qs)
    if _arrays_in_rows():
        qs = qs.annotate(
            function_codes=_code_lists("functions", "function"),
            facility_codes=_code_lists("facilities", "facility"),
            hours=_hours_list(),
        )
        rows = list(qs.values(*fields, "function_codes", "facility_codes", "hours"))
        for row in rows:
            row["functions"] = row.pop("function_codes")
            row["facilities"] = row.pop("facility_codes")
            row["opening_hours"] = [
                (int(weekday), opens, closes)
                for weekday, opens, closes in (text.split(" ") for text in row.pop("hours"))
            ]
        return rows
    rows = list(qs.values(*fields))
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["functions"], row["facilities"], row["opening_hours"] = [], [], []
    if by_id:
        ids = list(by_id)
        for relation, target in (("functions", "function"), ("facilities", "facility")):
            through = getattr(ServicePosition, relation).through
            pairs = (
                through.objects.filter(serviceposition_id__in=ids)
                .order_by(f"{target}__sort_order", f"{target}__code")
                .values_list("serviceposition_id", f"{target}__code")
            )
            for position_id, code in pairs:
                by_id[position_id][relation].append(code)
        hours = (
            OpeningHours.objects.filter(position_id__in=ids)
            .order_by("weekday", "opens", "id")
            .values_list("position_id", "weekday", "opens", "closes")
        )
        for position_id, weekday, opens, closes in hours:
            by_id[position_id]["opening_hours"].append(
                (weekday, opens.strftime("%H:%M"), closes.strftime("%H:%M"))
            )
    return rows


# What the public map draws of each position, in this order (positions_for_map's rows).
MAP_FIELDS = ("id", "lon", "lat", "tier", "open", "name")


def positions_for_map(**filters: Any) -> list[list]:
    """Every active position matching the filters as a short row for the map's pins: id,
    longitude and latitude (5 decimals, about a metre), tier, open now (0/1), name — nearest first
    when `near` is given. One query, no related rows and no geometry objects: the list under the
    map and the position's own page carry the rest."""
    qs, _at = _positions_filtered(**filters)
    return [
        [pk, round(lon, 5), round(lat, 5), tier, 1 if is_open else 0, name]
        for pk, lon, lat, tier, is_open, name in _coordinates(qs).values_list(
            "id", "lon", "lat", "tier", "is_open", "name"
        )
    ]


def position_public_detail(pk: int) -> ServicePosition | None:
    return (
        _with_related(
            ServicePosition.objects.filter(is_active=True).annotate(
                is_open=ExpressionWrapper(open_at_q(), output_field=BooleanField())
            )
        )
        .prefetch_related(
            Prefetch("rooms", queryset=Room.objects.filter(is_bookable=True)),
            "photos",
            Prefetch(
                "children",
                queryset=ServicePosition.objects.filter(is_active=True).order_by("tier", "name"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def has_relation(name: str) -> bool:
    """Whether another app has added the reverse relation `name` to ServicePosition."""
    return name in {f.name for f in ServicePosition._meta.get_fields()}


def upcoming_public_activities(position: ServicePosition, *, limit: int = 10) -> list:
    """Public volunteer activities held at the position in the coming days (empty until the
    volunteers app links its activities here)."""
    if not has_relation("volunteer_activities"):
        return []
    now = timezone.now()
    qs = position.volunteer_activities.filter(
        starts_at__gte=now, starts_at__lte=now + datetime.timedelta(days=conf.UPCOMING_DAYS)
    )
    model = qs.model
    field_names = {f.name for f in model._meta.get_fields()}
    if "is_public" in field_names:
        qs = qs.filter(is_public=True)
    if "status" in field_names and hasattr(model, "Status") and hasattr(model.Status, "CANCELLED"):
        qs = qs.exclude(status=model.Status.CANCELLED)
    return list(qs.order_by("starts_at")[:limit])


# --- rooms ----------------------------------------------------------------------------------------
def rooms_for(user: User) -> QuerySet[Room]:
    return scope_queryset(
        Room.objects.select_related("position__community", "position__grid"), user
    ).filter(position__is_active=True)


def bookings_for(user: User) -> QuerySet[Booking]:
    return scope_queryset(Booking.objects.select_related("room__position", "booked_by"), user)


@dataclass
class Week:
    monday: datetime.date
    days: list
    bookings_by_day: dict
    hours_by_day: dict

    @property
    def previous(self) -> datetime.date:
        return self.monday - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=7)


def room_week(room: Room, day: datetime.date) -> Week:
    """The week (Monday–Sunday) containing `day`: confirmed bookings and opening intervals per day."""
    from service_points.hours import opening_intervals

    monday = day - datetime.timedelta(days=day.weekday())
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    start = local_midnight(monday)
    end = start + datetime.timedelta(days=7)
    bookings = (
        room.bookings.filter(status=Booking.Status.CONFIRMED, starts_at__lt=end, ends_at__gt=start)
        .select_related("booked_by")
        .order_by("starts_at")
    )
    by_day: dict = {d: [] for d in days}
    for booking in bookings:
        d = local(booking.starts_at).date()
        by_day.setdefault(d, []).append(booking)
    position = room.position
    intervals = opening_intervals(
        position.opening_hours.all(),
        position.opening_exceptions.filter(date__gte=monday, date__lte=days[-1]),
        monday,
        days[-1],
    )
    hours_by_day: dict = {d: [] for d in days}
    for s, e in intervals:
        hours_by_day[s.date()].append((s, e))
    return Week(monday=monday, days=days, bookings_by_day=by_day, hours_by_day=hours_by_day)


# --- coverage -------------------------------------------------------------------------------------
@dataclass
class Coverage:
    grids_without_position: list
    subgrids_without_micro_site: list
    walking_distance_m: int
    grid_count: int
    subgrid_count: int


def coverage_report(user: User, *, walking_distance_m: int | None = None) -> Coverage:
    """Area grids with no grid service position, and sub-grids with no micro-site within walking
    distance of a point inside them (database distance queries; nothing is compared in Python)."""
    distance = walking_distance_m or conf.WALKING_DISTANCE_M
    grids = scope_queryset(AreaGrid.objects.current(), user)
    grid_position = ServicePosition.objects.filter(
        grid=OuterRef("pk"), tier=Tier.GRID_POSITION, is_active=True
    )
    uncovered_grids = (
        grids.filter(~Exists(grid_position)).select_related("community__street").order_by("code")
    )
    subgrids = scope_queryset(SubGrid.objects.current(), user).annotate(
        inside=PointOnSurface("boundary")
    )
    near_site = (
        ServicePosition.objects.filter(tier=Tier.MICRO_SITE, is_active=True)
        .annotate(d=DistanceMetres("location", OuterRef("inside")))
        .filter(d__lte=distance)
    )
    uncovered_subgrids = (
        subgrids.filter(~Exists(near_site)).select_related("grid__community").order_by("code")
    )
    return Coverage(
        grids_without_position=list(uncovered_grids.defer("boundary")),
        subgrids_without_micro_site=list(uncovered_subgrids.defer("boundary")),
        walking_distance_m=distance,
        grid_count=grids.count(),
        subgrid_count=subgrids.count(),
    )


# --- usage ----------------------------------------------------------------------------------------
@dataclass
class MonthUsage:
    month: datetime.date
    events: int = 0
    attendance: int = 0
    hours: float = 0.0


def _fields(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _meeting_usage(position: ServicePosition, since: datetime.date) -> Any:
    """Branch and council meetings held at the position, per month (party_branches' Meeting)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    if not has_relation("branch_meetings"):
        return []
    model = ServicePosition._meta.get_field("branch_meetings").related_model
    fields = _fields(model)
    if "held_on" not in fields:
        return []
    attendance = (
        Count("attendance", filter=Q(attendance__present=True))
        if "attendance" in fields
        else Count("pk", filter=Q(pk__in=[]))
    )
    return (
        position.branch_meetings.filter(held_on__gte=since, held_on__lte=timezone.localdate())
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(events=Count("pk", distinct=True), attendance=attendance)
        .order_by("month")
    )


def _activity_usage(position: ServicePosition, since: datetime.date) -> Any:
    """Volunteer activities held at the position, per month: checked-in volunteers and their
    service hours (volunteers' Activity/SignUp)."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    if not has_relation("volunteer_activities"):
        return []
    model = ServicePosition._meta.get_field("volunteer_activities").related_model
    fields = _fields(model)
    if "starts_at" not in fields:
        return []
    qs = position.volunteer_activities.filter(
        starts_at__gte=local_midnight(since),
        starts_at__lte=timezone.now(),
    )
    if "status" in fields and hasattr(model, "Status") and hasattr(model.Status, "CANCELLED"):
        qs = qs.exclude(status=model.Status.CANCELLED)
    extra: dict[str, Aggregate] = {}
    if "signups" in fields:
        signup_fields = _fields(model._meta.get_field("signups").related_model)
        if "checked_in_at" in signup_fields:
            extra["attendance"] = Count("signups", filter=Q(signups__checked_in_at__isnull=False))
        if "hours" in signup_fields:
            extra["hours"] = Sum("signups__hours")
    return (
        qs.annotate(month=TruncMonth("starts_at", tzinfo=time_zone()))
        .values("month")
        .annotate(events=Count("pk", distinct=True), **extra)
        .order_by("month")
    )


def position_usage(position: ServicePosition, *, months: int = 12) -> list[MonthUsage]:
    """Events held, attendance and volunteer hours served at the position per month (last
    `months` months), aggregated by the database from the meetings and activities held there.
    Two aggregate queries, whatever the number of events."""
    first = add_months(month_start(timezone.localdate()), 1 - months)
    by_month: dict[datetime.date, MonthUsage] = {}
    for rows in (_meeting_usage(position, first), _activity_usage(position, first)):
        for row in rows:
            month = row["month"]
            month = month.date() if isinstance(month, datetime.datetime) else month
            usage = by_month.setdefault(month, MonthUsage(month=month))
            usage.events += row["events"]
            usage.attendance += row.get("attendance") or 0
            usage.hours += float(row.get("hours") or 0)
    return [by_month[m] for m in sorted(by_month, reverse=True)]


def position_photos_visible_to(user: User | AnonymousUser) -> QuerySet[PositionPhoto]:
    """The rule of the position photos (core.files): public for active positions (their public
    page shows them); staff who may see positions also see those of inactive ones in their area."""
    public = PositionPhoto.objects.filter(position__is_active=True)
    if user.is_authenticated and user.has_perm("service_points.view_serviceposition"):
        in_area = scope_queryset(PositionPhoto.objects.all(), user).values("pk")
        return PositionPhoto.objects.filter(Q(pk__in=in_area) | Q(pk__in=public.values("pk")))
    return public
