"""Reminder kinds of household pairing (run by notifications.services.reminders_run).

When a household's visit is due is decided in one place, `care.selectors.with_visit_schedule`
(the smallest frequency over its residents' tags, counted from the last visit or else from the
household's registration). Who hears about it follows `care.selectors.households_visible_to`:
the grid worker and the registered Party members of the household's active pairing, and the
grid head of its area grid (a user with the grid_head role bound to that grid).

Household names and residents' details never go into a message: the subject and body name the
household by building and address only, the page behind the link shows the rest to whoever may
see it.
"""

import datetime
import itertools

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role
from care import texts
from care.conf import conf
from care.models import Household, Pairing
from care.selectors import with_visit_schedule
from notifications.registry import Reminder, reminder_kind
from privacy.masking import mask_address

CHUNK = 2000


def _scheduled(today: datetime.date, *, paired: bool = True):
    """Households still holding personal data, with their visit schedule as of `today`;
    with `paired`, only those with an active pairing."""
    households = Household.objects.filter(anonymised_at__isnull=True)
    if paired:
        active = Pairing.objects.in_force(today).filter(household=OuterRef("pk"))
        households = households.filter(Exists(active))
    return with_visit_schedule(households, today=today).filter(due_on__isnull=False)


def _batches(rows):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, CHUNK)):
        yield batch


def _paired_people(household_ids, today):
    """{household_id: {user ids}}: the worker and the Party members of each active pairing (one
    query for a whole chunk of households)."""
    active = Pairing.objects.in_force(today).filter(household_id__in=household_ids)
    # order_by(): no ORDER BY inside a UNION (SQLite refuses it).
    workers = active.order_by().values_list("household_id", "worker_id")
    members = (
        Pairing.members.through.objects.filter(pairing__in=active.values("pk"))
        .order_by()
        .values_list("pairing__household_id", "user_id")
    )
    people: dict[int, set[int]] = {}
    for household_id, user_id in workers.union(members):
        people.setdefault(household_id, set()).add(user_id)
    return people


def _label(building, address):
    """The household as a reminder names it: building and masked address (a reminder may go by
    e-mail or SMS; the page behind its link shows the rest to whoever may see it)."""
    return f"{building} {mask_address(address)}".strip()


def _link(pk):
    return reverse("care:household", args=[pk])


def _to_paired(rows, today, *, make):
    for batch in _batches(rows.iterator(chunk_size=CHUNK)):
        people = _paired_people([row[0] for row in batch], today)
        for row in batch:
            for user_id in sorted(people.get(row[0], ())):
                yield make(row, user_id)


@reminder_kind(
    "care.visit_due", gettext_lazy("Household visit due today"), channels=("inbox", "email")
)
def visit_due(now):
    """Rule: a paired household whose next visit (care.selectors.with_visit_schedule) is due
    today (Asia/Shanghai) reminds the grid worker and every registered Party member of its active
    pairing, once per due date."""
    today = timezone.localdate(now)
    rows = (
        _scheduled(today)
        .filter(due_on=today)
        .values_list("id", "building", "address", "grid__name", "frequency_days")
        .order_by("id")
    )

    def make(row, user_id):
        pk, building, address, grid, days = row
        return Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=today.isoformat(),
            subject=texts.VISIT_DUE(household=_label(building, address)),
            body=texts.VISIT_DUE_BODY(household=_label(building, address), grid=grid, days=days),
            link=_link(pk),
        )

    yield from _to_paired(rows, today, make=make)


@reminder_kind(
    "care.visit_overdue", gettext_lazy("Household visit overdue"), channels=("inbox", "email")
)
def visit_overdue(now):
    """Rule: a paired household whose visit due date has passed without a visit reminds the grid
    worker and every registered Party member of its active pairing, once per due date (a visit
    moves the due date; the next time it passes reminds again)."""
    today = timezone.localdate(now)
    rows = (
        _scheduled(today)
        .filter(due_on__lt=today)
        .values_list("id", "building", "address", "grid__name", "due_on")
        .order_by("id")
    )

    def make(row, user_id):
        pk, building, address, grid, due_on = row
        return Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=f"overdue:{due_on.isoformat()}",
            subject=texts.VISIT_OVERDUE(household=_label(building, address)),
            body=texts.VISIT_OVERDUE_BODY(
                household=_label(building, address), grid=grid, date=due_on.isoformat()
            ),
            link=_link(pk),
        )

    yield from _to_paired(rows, today, make=make)


@reminder_kind(
    "care.visit_overdue_grid_head",
    gettext_lazy("Overdue household visit escalated to the grid head"),
    channels=("inbox", "email"),
)
def visit_overdue_grid_head(now):
    """Rule: a paired household still not visited REDGRID_CARE_VISIT_ESCALATE_HEAD_DAYS (default
    7) days after its visit due date is escalated once per due date to every active grid head
    bound to its area grid (urgent: not held by quiet hours)."""
    from accounts.models import User

    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=conf.VISIT_ESCALATE_HEAD_DAYS)
    heads: dict[int, list[int]] = {}
    for user_id, grid_id in (
        User.objects.filter(role=Role.GRID_HEAD, is_active=True, grid__isnull=False)
        .values_list("id", "grid_id")
        .order_by("id")
    ):
        heads.setdefault(grid_id, []).append(user_id)
    rows = (
        _scheduled(today)
        .filter(due_on__lte=limit, grid_id__in=list(heads))
        .values_list("id", "grid_id", "building", "address", "grid__name", "due_on")
        .order_by("id")
    )
    for pk, grid_id, building, address, grid, due_on in rows.iterator(chunk_size=CHUNK):
        for user_id in heads[grid_id]:
            yield Reminder(
                object_id=pk,
                recipient_id=user_id,
                period=f"head:{due_on.isoformat()}",
                subject=texts.ESCALATED(household=_label(building, address)),
                body=texts.ESCALATED_BODY(
                    household=_label(building, address), grid=grid, date=due_on.isoformat()
                ),
                link=_link(pk),
                urgent=True,
            )
