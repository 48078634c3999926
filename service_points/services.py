"""Writes and rules of the service positions: tier/parent/area consistency, opening hours and room
bookings. Views, the admin, the API and the demo loader all go through these functions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import local
from grids.jurisdiction import is_within
from grids.locate import locate
from service_points.conf import conf
from service_points.hours import covering_interval
from service_points.models import (
    Booking,
    OpeningException,
    OpeningHours,
    Room,
    ServicePosition,
    Tier,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from django.db.models import QuerySet

    from accounts.models import User

# Roles that may book rooms (docs/DOMAIN.md §1.3: staff and grid heads book for branch and council
# meetings).
BOOKING_ROLES = {"district_admin", "street_staff", "community_staff", "grid_head"}


# --- positions ------------------------------------------------------------------------------------
def position_validate(position: ServicePosition) -> None:
    """Tier, parent and served area agree with each other and with the point location.

    Fills `community` (and `grid` for a micro-site given only its sub-grid) from the served area.
    Raises ValidationError with per-field messages; saves nothing.
    """
    if position.subgrid_id and not position.grid_id:
        position.grid = position.subgrid.grid
    if position.grid_id:
        position.community = position.grid.community
    tier_problems = _TIER_PROBLEMS.get(position.tier)
    errors: dict[str, str] = tier_problems(position, position.parent) if tier_problems else {}
    parent = position.parent
    if parent is not None and position.pk and parent.pk == position.pk:
        errors["parent"] = _("A position cannot be its own parent.")
    if position.location is not None and "grid" not in errors and "community" not in errors:
        errors.update(_location_problems(position))
    if _second_centre_in_service(position):
        errors["community"] = _(
            "This community already has a Party-mass service centre in service."
        )
    if errors:
        raise ValidationError(errors)


def _centre_problems(position: ServicePosition, parent: ServicePosition | None) -> dict[str, str]:
    errors = {}
    if parent is not None:
        errors["parent"] = _("A Party-mass service centre is the top tier and has no parent.")
    if position.grid_id or position.subgrid_id:
        errors["grid"] = _(
            "A Party-mass service centre serves a whole community: leave the area "
            "grid and sub-grid empty."
        )
    if not position.community_id:
        errors["community"] = _("Choose the community the centre serves.")
    return errors


def _grid_position_problems(
    position: ServicePosition, parent: ServicePosition | None
) -> dict[str, str]:
    errors = {}
    if not position.grid_id:
        errors["grid"] = _("Choose the area grid this grid service position serves.")
    if position.subgrid_id:
        errors["subgrid"] = _(
            "A grid service position serves a whole area grid: leave the sub-grid empty."
        )
    if parent is None or parent.tier != Tier.CENTRE:
        errors["parent"] = _(
            "The parent of a grid service position is its community's Party-mass service centre."
        )
    elif position.grid_id and parent.community_id != position.community_id:
        errors["parent"] = _("The parent centre must be the centre of %(community)s.") % {
            "community": position.community.name
        }
    return errors


def _micro_site_problems(
    position: ServicePosition, parent: ServicePosition | None
) -> dict[str, str]:
    errors = {}
    if not position.grid_id:
        errors["grid"] = _("Choose the area grid or sub-grid this micro-site serves.")
    if position.subgrid_id and position.grid_id and position.subgrid.grid_id != position.grid_id:
        errors["subgrid"] = _("This sub-grid belongs to another area grid.")
    if parent is None or parent.tier != Tier.GRID_POSITION:
        errors["parent"] = _("The parent of a micro-site is a grid service position.")
    elif position.grid_id and parent.community_id != position.community_id:
        errors["parent"] = _(
            "The parent grid service position must be in the same community (%(community)s)."
        ) % {"community": position.community.name}
    return errors


_TIER_PROBLEMS: dict[str, Callable[[ServicePosition, ServicePosition | None], dict[str, str]]] = {
    Tier.CENTRE: _centre_problems,
    Tier.GRID_POSITION: _grid_position_problems,
    Tier.MICRO_SITE: _micro_site_problems,
}


def _second_centre_in_service(position: ServicePosition) -> bool:
    """One Party-mass service centre in service per community."""
    return (
        position.tier == Tier.CENTRE
        and position.is_active
        and bool(position.community_id)
        and ServicePosition.objects.filter(
            community_id=position.community_id, tier=Tier.CENTRE, is_active=True
        )
        .exclude(pk=position.pk)
        .exists()
    )


def _location_problems(position: ServicePosition) -> dict[str, str]:
    found = locate(position.location)
    if not found.inside:
        return {"location": _("This point is outside the district.")}
    if position.tier == Tier.CENTRE:
        if found.grid.community_id != position.community_id:
            return {
                "location": _(
                    "This point lies in %(found)s, not in the community the centre "
                    "serves (%(community)s)."
                )
                % {"found": found.grid.community.name, "community": position.community.name}
            }
        return {}
    if found.grid.id != position.grid_id:
        return {
            "location": _(
                "This point lies in area grid %(found)s, not in the area grid it "
                "serves (%(grid)s). Move the point or choose that grid."
            )
            % {"found": found.grid.name, "grid": position.grid.name}
        }
    if position.subgrid_id and (found.subgrid is None or found.subgrid.id != position.subgrid_id):
        return {
            "location": _("This point is not inside the sub-grid it serves (%(subgrid)s).")
            % {"subgrid": position.subgrid.name}
        }
    return {}


@transaction.atomic
def position_save(
    *,
    position: ServicePosition,
    functions: Iterable[Any] | None = None,
    facilities: Iterable[Any] | None = None,
) -> ServicePosition:
    """Validate and save a position (new or changed); optionally set its functions and facilities."""
    position_validate(position)
    position.full_clean()
    position.save()
    if functions is not None:
        position.functions.set(functions)
    if facilities is not None:
        position.facilities.set(facilities)
    return position


def opening_hours_check_overlaps(rows: Iterable[Any]) -> None:
    """Weekly intervals of one position may not overlap (also across midnight)."""
    from service_points.hours import opening_intervals

    monday = datetime.date(2024, 1, 1)  # any Monday: the weekly pattern repeats
    intervals = opening_intervals(rows, [], monday, monday + datetime.timedelta(days=7))
    for (s1, e1), (s2, e2) in zip(intervals, intervals[1:], strict=False):
        if s2 < e1:
            raise ValidationError(
                _("Opening intervals overlap on %(day)s: %(a)s and %(b)s.")
                % {
                    "day": _weekday_name(s2.weekday()),
                    "a": f"{s1:%H:%M}–{e1:%H:%M}",
                    "b": f"{s2:%H:%M}–{e2:%H:%M}",
                }
            )


def _weekday_name(weekday: int) -> str:
    from service_points.models import Weekday

    return str(Weekday(weekday).label)


@transaction.atomic
def opening_hours_set(
    *,
    position: ServicePosition,
    weekly: dict[int, list[tuple]],
    exceptions: list[dict] | None = None,
) -> None:
    """Replace the weekly hours ({weekday: [(opens, closes), …]}) and, if given, the exceptions."""
    rows = [
        OpeningHours(position=position, weekday=day, opens=o, closes=c)
        for day, intervals in weekly.items()
        for o, c in intervals
    ]
    for row in rows:
        row.full_clean(exclude=["position"])
    opening_hours_check_overlaps(rows)
    position.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(rows)
    if exceptions is not None:
        position.opening_exceptions.all().delete()
        items = [OpeningException(position=position, **e) for e in exceptions]
        for item in items:
            item.full_clean(exclude=["position"], validate_unique=False)
        OpeningException.objects.bulk_create(items)


# --- bookings -------------------------------------------------------------------------------------
def may_book(user: User) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (
            user.is_superuser
            or (user.role in BOOKING_ROLES and user.has_perm("service_points.add_booking"))
        )
    )


def _check_writer(user: User, room: Room) -> None:
    if not may_book(user):
        raise PermissionDenied(_("Only staff and grid heads can book rooms."))
    if not is_within(room, user):
        # Callers load the room with get_scoped_object_or_404; this is the last line of defence.
        raise PermissionDenied(_("This room is outside your jurisdiction."))


def _clash_message(clash: Booking | None) -> str:
    if clash is None:
        return _("This room is already booked for part of that time. Choose another slot.")
    return _(
        "This room is already booked from %(start)s to %(end)s (%(title)s). Choose another slot."
    ) % {
        "start": f"{local(clash.starts_at):%m-%d %H:%M}",
        "end": f"{local(clash.ends_at):%H:%M}",
        "title": clash.title,
    }


def booking_validate(booking: Booking) -> None:
    room = booking.room
    errors = {}
    start, end = booking.starts_at, booking.ends_at
    if start is None or end is None:
        raise ValidationError(_("Give a start and an end time."))
    if end <= start:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if end - start > datetime.timedelta(hours=conf.BOOKING_MAX_HOURS):
        errors["ends_at"] = _("A booking may last at most %(hours)s hours.") % {
            "hours": conf.BOOKING_MAX_HOURS
        }
    now = timezone.now()
    if booking.pk is None and start < now:
        errors["starts_at"] = _("This time has already passed.")
    if start > now + datetime.timedelta(days=conf.BOOKING_MAX_DAYS_AHEAD):
        errors["starts_at"] = _("Rooms can be booked at most %(days)s days ahead.") % {
            "days": conf.BOOKING_MAX_DAYS_AHEAD
        }
    if not room.is_bookable or not room.position.is_active:
        errors["room"] = _("This room cannot be booked.")
    if errors:
        raise ValidationError(errors)
    position = room.position
    if (
        covering_interval(
            position.opening_hours.all(), position.opening_exceptions.all(), start, end
        )
        is None
    ):
        raise ValidationError(
            {
                "starts_at": _(
                    "%(position)s is not open for all of that time. Book within its opening hours (see "
                    "the hours on the position's page)."
                )
                % {"position": position.name}
            }
        )


def _overlapping(booking: Booking) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(
            room_id=booking.room_id,
            status=Booking.Status.CONFIRMED,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        )
        .exclude(pk=booking.pk)
        .order_by("starts_at")
    )


def _round(value: datetime.datetime) -> datetime.datetime:
    return value.replace(second=0, microsecond=0)


# PostgreSQL's SQLSTATE for a transaction cancelled to break a deadlock.
DEADLOCK_DETECTED = "40P01"
INSERT_ATTEMPTS = 5


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


@transaction.atomic
def booking_create(
    *,
    room: Room,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    title: str,
    by: User,
    attendees_expected: int | None = None,
) -> Booking:
    """Book `room` for [starts_at, ends_at). Overlaps are refused by the database itself (exclusion
    constraint / trigger), so two concurrent requests for the same slot cannot both win."""
    _check_writer(by, room)
    booking = Booking(
        room=room,
        starts_at=_round(starts_at),
        ends_at=_round(ends_at),
        purpose=purpose,
        title=(title or "").strip(),
        booked_by=by,
        attendees_expected=attendees_expected,
    )
    booking_validate(booking)
    booking.full_clean()
    clash = _overlapping(booking).first()
    if clash is not None:
        raise ValidationError({"starts_at": _clash_message(clash)})
    for attempt in range(INSERT_ATTEMPTS):
        try:
            with transaction.atomic():  # savepoint: the caller's transaction stays usable
                booking.save()
        except IntegrityError as exc:
            # The other request won the race between our check and our insert.
            raise ValidationError(
                {"starts_at": _clash_message(_overlapping(booking).first())}
            ) from exc
        except OperationalError as exc:
            # Three or more requests for overlapping times wait on each other's rows in the
            # exclusion constraint, and PostgreSQL cancels one of them as a deadlock. Its insert
            # is tried again: it then waits for the winner, and gets the clash (or the room).
            if _sqlstate(exc) != DEADLOCK_DETECTED or attempt == INSERT_ATTEMPTS - 1:
                raise
            continue
        return booking
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> Booking:
    _check_writer(by, booking.room)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError(_("This booking is already cancelled."))
    if booking.ends_at <= timezone.now():
        raise ValidationError(_("A booking that has ended cannot be cancelled."))
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status"])
    return booking
