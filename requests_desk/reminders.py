"""Reminder kinds of the requests desk (run by notifications.services.reminders_run).

Escalation: the handler is reminded before the deadline and when it passes; the area grid's
current grid head after REDGRID_REQUESTS_DESK_ESCALATE_HEAD_HOURS overdue (default 24 h), the
community staff after REDGRID_REQUESTS_DESK_ESCALATE_COMMUNITY_HOURS (default 72 h). Each reminder's
period includes the deadline, so an extension or re-dispatch (new deadline) reminds again.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.texts import moment
from grids.selectors import grid_head_subquery
from notifications.registry import Reminder, reminder_kind
from requests_desk import texts
from requests_desk.conf import conf
from requests_desk.models import Request, Stage, holiday_calendar_covered_until

CHUNK = 2000


def _running():
    return Request.objects.filter(stage__in=Stage.CLOCK, due_at__isnull=False)


def _link(code):
    return reverse("requests_desk:case", args=[code])


@reminder_kind(
    "requests.nearly_due", gettext_lazy("Request nearly due"), channels=("inbox", "email")
)
def nearly_due(now):
    """Rule: a request whose handling clock runs (dispatched or being handled), with a handler,
    and whose deadline falls within the next REDGRID_REQUESTS_DESK_NEARLY_DUE_HOURS (default 4 h;
    the queue's "nearly due", Request.objects.nearly_due) reminds the handler once per
    deadline."""
    rows = (
        Request.objects.nearly_due(now)
        .filter(assignee__isnull=False)
        .values_list("id", "assignee_id", "code", "due_at")
        .order_by("id")
    )
    for pk, user_id, code, due_at in rows.iterator(chunk_size=CHUNK):
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=due_at.isoformat(),
            subject=texts.DUE_SOON(code=code),
            body=texts.DUE_SOON_BODY(code=code, due=moment(due_at)),
            link=_link(code),
        )


@reminder_kind("requests.overdue", gettext_lazy("Request overdue"), channels=("inbox", "email"))
def overdue(now):
    """Rule: a request whose clock runs and whose deadline has passed reminds its handler once
    per deadline (urgent: not held by quiet hours)."""
    rows = (
        Request.objects.overdue(now)
        .filter(assignee__isnull=False)
        .values_list("id", "assignee_id", "code", "due_at")
        .order_by("id")
    )
    for pk, user_id, code, due_at in rows.iterator(chunk_size=CHUNK):
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=f"overdue:{due_at.isoformat()}",
            subject=texts.OVERDUE(code=code),
            body=texts.OVERDUE_BODY(code=code, due=moment(due_at)),
            link=_link(code),
            urgent=True,
        )


@reminder_kind(
    "requests.overdue_grid_head",
    gettext_lazy("Overdue request escalated to the grid head"),
    channels=("inbox", "email"),
)
def overdue_grid_head(now):
    """Rule: a request still running REDGRID_REQUESTS_DESK_ESCALATE_HEAD_HOURS (default 24 h) after its
    deadline is escalated once per deadline to the current grid head of its area grid."""
    limit = now - datetime.timedelta(hours=conf.ESCALATE_HEAD_HOURS)
    today = timezone.localdate(now)
    rows = (
        _running()
        .filter(due_at__lte=limit, grid__isnull=False)
        .annotate(head_id=grid_head_subquery(grid_ref="grid", on=today))
        .filter(head_id__isnull=False)
        .values_list("id", "head_id", "code", "due_at")
        .order_by("id")
    )
    for pk, user_id, code, due_at in rows.iterator(chunk_size=CHUNK):
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=f"head:{due_at.isoformat()}",
            subject=texts.ESCALATED(code=code),
            body=texts.ESCALATED_HEAD_BODY(code=code, due=moment(due_at)),
            link=_link(code),
            urgent=True,
        )


@reminder_kind(
    "requests.overdue_community",
    gettext_lazy("Overdue request escalated to the community"),
    channels=("inbox", "email"),
)
def overdue_community(now):
    """Rule: a request still running REDGRID_REQUESTS_DESK_ESCALATE_COMMUNITY_HOURS (default 72 h)
    after its deadline is escalated once per deadline to every active community staff member
    of its community (two queries: the staff by community, then the requests)."""
    from accounts.models import Role, User

    limit = now - datetime.timedelta(hours=conf.ESCALATE_COMMUNITY_HOURS)
    staff = {}
    for user_id, community_id in User.objects.filter(
        role=Role.COMMUNITY_STAFF, is_active=True
    ).values_list("id", "community_id"):
        staff.setdefault(community_id, []).append(user_id)
    rows = (
        _running()
        .filter(due_at__lte=limit, community_id__in=list(staff))
        .values_list("id", "community_id", "code", "due_at")
        .order_by("id")
    )
    for pk, community_id, code, due_at in rows.iterator(chunk_size=CHUNK):
        for user_id in staff[community_id]:
            yield Reminder(
                object_id=pk,
                recipient_id=user_id,
                period=f"community:{due_at.isoformat()}",
                subject=texts.ESCALATED(code=code),
                body=texts.ESCALATED_COMMUNITY_BODY(code=code, due=moment(due_at)),
                link=_link(code),
                urgent=True,
            )


@reminder_kind(
    "requests.contact_overdue",
    gettext_lazy("Resident not contacted within 24 h"),
    channels=("inbox", "email"),
)
def contact_overdue(now):
    """Rule: a running request whose resident has not been contacted by its contact deadline
    (24 h after dispatch, Shenzhen's rule) reminds the handler once per contact deadline."""
    rows = (
        _running()
        .filter(assignee__isnull=False, contact_due_at__lte=now, contacted_at__isnull=True)
        .values_list("id", "assignee_id", "code", "contact_due_at")
        .order_by("id")
    )
    for pk, user_id, code, contact_due in rows.iterator(chunk_size=CHUNK):
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=f"contact:{contact_due.isoformat()}",
            subject=texts.CONTACT(code=code),
            body=texts.CONTACT_BODY(code=code, due=moment(contact_due)),
            link=_link(code),
        )


@reminder_kind(
    "requests.holiday_calendar_ending",
    gettext_lazy("Holiday calendar running out"),
    channels=("inbox", "email"),
)
def holiday_calendar_ending(now):
    """Rule: from REDGRID_REQUESTS_DESK_CALENDAR_WARN_DAYS (default 60) days before the last day
    the holiday calendar covers (31 December of its last official year), every active district
    admin is reminded once per last day to import the next year's schedule; with no year loaded
    at all, once (two queries)."""
    from accounts.models import Role, User

    covered_until = holiday_calendar_covered_until()
    today = timezone.localdate(now)
    if covered_until is not None and today < covered_until - datetime.timedelta(
        days=conf.CALENDAR_WARN_DAYS
    ):
        return
    admins = User.objects.filter(role=Role.DISTRICT_ADMIN, is_active=True).values_list(
        "id", flat=True
    )
    if covered_until is None:
        subject, body = texts.CALENDAR_EMPTY(), texts.CALENDAR_EMPTY_BODY()
    else:
        date = covered_until.isoformat()
        subject, body = texts.CALENDAR_ENDS(date=date), texts.CALENDAR_ENDS_BODY(date=date)
    for user_id in admins.order_by("id").iterator(chunk_size=CHUNK):
        yield Reminder(
            object_id="holiday-calendar",
            recipient_id=user_id,
            period=covered_until.isoformat() if covered_until else "none",
            subject=subject,
            body=body,
            link=reverse("imports:sheet", args=["holidays"]),
        )
