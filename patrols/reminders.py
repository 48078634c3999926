"""Reminder kinds of grid patrols (run by notifications.services.reminders_run).

Whether a key place is overdue is decided in one place, `patrols.selectors.plans_with_coverage`
(last check-in + the plan's frequency, never checked in counts as overdue). The grid's current
grid workers (grids.GridAssignment) are reminded first; the grid head after
REDGRID_PATROLS_ESCALATE_HEAD_DAYS.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.texts import moment
from grids.models import GridAssignment
from notifications.registry import Reminder, reminder_kind
from patrols import texts
from patrols.conf import conf
from patrols.models import PatrolPlan
from patrols.selectors import plans_with_coverage

CHUNK = 2000


def _staff_by_grid(role, today) -> dict[int, list[int]]:
    """{grid_id: [user ids]} of the current assignments with `role` (one query; grid staff are
    a few per grid)."""
    staff: dict[int, list[int]] = {}
    for grid_id, user_id in (
        GridAssignment.objects.in_force(today)
        .filter(role=role, user__is_active=True)
        .values_list("grid_id", "user_id")
        .order_by("grid_id", "user_id")
        .distinct()
    ):
        staff.setdefault(grid_id, []).append(user_id)
    return staff


def _overdue_plans(now, grid_ids):
    plans = PatrolPlan.objects.filter(active=True, grid_id__in=grid_ids)
    return plans_with_coverage(plans, now=now).filter(overdue=True)


@reminder_kind(
    "patrols.place_not_visited",
    gettext_lazy("Key place not patrolled in time"),
    channels=("inbox", "email"),
)
def place_not_visited(now):
    """Rule: an active patrol plan entry whose key place has not been checked in at within its
    frequency (patrols.selectors.plans_with_coverage: last check-in + frequency days has passed,
    or never checked in) reminds every grid worker currently assigned to the plan's area grid,
    once per due time (once in all for a place never checked in)."""
    today = timezone.localdate(now)
    workers = _staff_by_grid(GridAssignment.Role.GRID_WORKER, today)
    rows = (
        _overdue_plans(now, list(workers))
        .values_list("id", "grid_id", "key_place__name", "frequency_days", "due_at")
        .order_by("id")
    )
    link = reverse("patrols:coverage")
    for pk, grid_id, place, days, due_at in rows.iterator(chunk_size=CHUNK):
        if due_at is None:
            period = "never"
            body = texts.PATROL_DUE_NEVER_BODY(place=place, days=days)
        else:
            period = due_at.isoformat()
            body = texts.PATROL_DUE_BODY(place=place, days=days, due=moment(due_at))
        for user_id in workers[grid_id]:
            yield Reminder(
                object_id=pk,
                recipient_id=user_id,
                period=period,
                subject=texts.PATROL_DUE(place=place),
                body=body,
                link=link,
            )


@reminder_kind(
    "patrols.place_not_visited_grid_head",
    gettext_lazy("Key place not patrolled, escalated to the grid head"),
    channels=("inbox", "email"),
)
def place_not_visited_grid_head(now):
    """Rule: a key place of an active plan still not checked in at
    REDGRID_PATROLS_ESCALATE_HEAD_DAYS (default 3) days after it fell due is escalated once per
    due time to the current grid head of the plan's area grid. A place never checked in has no
    due time to count from and is not escalated (its grid workers are reminded)."""
    today = timezone.localdate(now)
    heads = _staff_by_grid(GridAssignment.Role.GRID_HEAD, today)
    limit = now - datetime.timedelta(days=conf.ESCALATE_HEAD_DAYS)
    rows = (
        _overdue_plans(now, list(heads))
        .filter(due_at__lte=limit)
        .values_list("id", "grid_id", "key_place__name", "frequency_days", "due_at")
        .order_by("id")
    )
    link = reverse("patrols:coverage")
    for pk, grid_id, place, days, due_at in rows.iterator(chunk_size=CHUNK):
        for user_id in heads[grid_id]:
            yield Reminder(
                object_id=pk,
                recipient_id=user_id,
                period=f"head:{due_at.isoformat()}",
                subject=texts.ESCALATED(place=place),
                body=texts.ESCALATED_BODY(place=place, days=days, due=moment(due_at)),
                link=link,
                urgent=True,
            )
