"""Writes to the hierarchy's staffing: grid assignments."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.locate import locate
from grids.models import AreaGrid, GridAssignment, KeyPlace

if TYPE_CHECKING:
    from accounts.models import User


def assignment_validate(assignment: GridAssignment) -> None:
    """One grid head per area grid at any time: periods of grid-head assignments may not overlap."""
    if assignment.role != GridAssignment.Role.GRID_HEAD or assignment.grid_id is None:
        return
    until = assignment.end_date + datetime.timedelta(days=1) if assignment.end_date else None
    overlapping = (
        GridAssignment.objects.in_force_during(assignment.start_date, until)
        .filter(grid_id=assignment.grid_id, role=GridAssignment.Role.GRID_HEAD)
        .exclude(pk=assignment.pk)
    )
    clash = overlapping.select_related("user").first()
    if clash is not None:
        raise ValidationError(
            _(
                "An area grid has one grid head at a time: %(name)s is grid head of this grid from "
                "%(start)s to %(end)s. End that assignment first."
            )
            % {"name": clash.user, "start": clash.start_date, "end": clash.end_date or _("now")},
            code="grid_head_overlap",
        )


@transaction.atomic
def assignment_create(
    *,
    grid: AreaGrid,
    user: User,
    role: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> GridAssignment:
    assignment = GridAssignment(
        grid=grid,
        user=user,
        role=role,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    assignment_validate(assignment)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, assignment: GridAssignment, on: datetime.date) -> GridAssignment:
    """End `assignment` on `on` (kept as history; never before the day it started)."""
    assignment.end_date = max(on, assignment.start_date)
    assignment.full_clean()
    assignment.save(update_fields=["end_date"])
    return assignment


@transaction.atomic
def grid_head_change(
    *, grid: AreaGrid, user: User, on: datetime.date | None = None
) -> GridAssignment:
    """Make `user` the grid head from `on`, ending the current grid head's assignment the day before."""
    on = on or timezone.localdate()
    current = (
        GridAssignment.objects.select_for_update()
        .filter(grid=grid, role=GridAssignment.Role.GRID_HEAD, end_date__isnull=True)
        .first()
    )
    if current is not None:
        current.end_date = on - datetime.timedelta(days=1)
        if current.end_date < current.start_date:
            current.end_date = current.start_date
        current.save(update_fields=["end_date"])
    return assignment_create(
        grid=grid, user=user, role=GridAssignment.Role.GRID_HEAD, start_date=on
    )


def key_place_check_location(place: KeyPlace) -> None:
    """A key place lies in its area grid (checked with locate)."""
    location = locate(place.location)
    if not location.inside:
        raise ValidationError({"location": _("This point is outside the district.")})
    if place.grid_id != location.grid.id:
        raise ValidationError(
            {
                "location": _(
                    "This point lies in area grid %(found)s, not in the chosen grid. Move the point or "
                    "choose that grid."
                )
                % {"found": location.grid}
            }
        )
