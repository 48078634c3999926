"""Notices about requests, all through notifications.services.notification_enqueue (the outbox).

Residents who gave consent and a phone or e-mail address get a short notice by SMS and e-mail at
each public stage change — accepted, dispatched, handling reported, closed (and cancelled, carried
over, merged) — never with any personal data in it. The link is the public status page, absolute
(the deployment's REDGRID_SITE_URL, settings.SITE_URL), and the closing notice asks for the
rating. Staff get an inbox
message when a request lands in their grid or is dispatched to them. Requests merged into another
one are notified together with it.
"""

import copy
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.change_marks import MarkedValue, row_mark
from grids.models import GridAssignment
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_enqueue, notification_rows, notifications_stored
from requests_desk import texts
from requests_desk.models import Request, Stage


def absolute_link(path: str) -> str:
    """A link that works from an SMS or an e-mail: the site's address (REDGRID_SITE_URL) + path."""
    return settings.SITE_URL.rstrip("/") + path


def status_link(case: Request) -> str:
    """The absolute address of `case`'s public status page, for messages leaving the site."""
    return absolute_link(reverse("requests_desk:status", args=[case.code]))


def _resident_notice(case: Request, stage: str):
    if not case.consent or not (case.reporter_phone or case.reporter_email):
        return
    link = status_link(case)
    if stage == Stage.CLOSED:
        body = texts.RESIDENT_BODY_CLOSED(code=case.code, link=link)
    else:
        body = texts.RESIDENT_BODY(code=case.code, stage=stage, link=link)
    notification_enqueue(
        kind="request_stage",
        subject=texts.RESIDENT_SUBJECT(code=case.code, stage=stage),
        body=body,
        phone=case.reporter_phone,
        email=case.reporter_email,
        link=link,
    )


def notify_stage_change(*, case: Request, event) -> None:
    if event.to_stage != event.from_stage and event.to_stage in Stage.NOTIFY_RESIDENT:
        stage = case.stage
        _resident_notice(case, stage)
        # Requests merged into this one share its resolution: their residents hear of it too.
        for merged in case.merged.all():
            _resident_notice(merged, stage)
    if event.action == "dispatch" and case.assignee_id and case.assignee_id != event.actor_id:
        notification_enqueue(
            kind="request_dispatched",
            user=case.assignee,
            subject=texts.DISPATCHED_TO_YOU(code=case.code),
            body=case.description[:200],
            link=reverse("requests_desk:case", args=[case.code]),
        )
    if event.action == "request_extension":
        pass  # the approvers see it in their queue (filter "extension requested")


NOTICE_PREFERENCE = ("channels", "quiet_hours_enabled", "quiet_start", "quiet_end")
# The grid heads' change mark (migration requests_desk 0012: triggers on the grid assignments, the
# accounts and the notification preferences), as a scalar subquery a caller may put into a
# statement it makes anyway (requests_desk.services) and pass to notify_new_request.
HEADS_MARK_SQL = "(SELECT version FROM requests_desk_heads_mark)"
_UNREAD = object()


def _heads_query(on=None):
    """Grid heads in force, newest first, with their address and preference and nothing else
    (notification_enqueue reads only these; a user row has some thirty columns)."""
    return (
        GridAssignment.objects.current_grid_heads(on)
        .select_related("user__notification_preference")
        .only(
            "grid_id",
            "user__email",
            "user__phone",
            *(f"user__notification_preference__{name}" for name in NOTICE_PREFERENCE),
        )
    )


@dataclass(frozen=True)
class _Head:
    """A grid head as notify_new_request needs them, kept per process (no model instance is
    shared: each notice gets fresh ones)."""

    user_id: int
    email: str
    phone: str
    preference: tuple | None  # (pk, *NOTICE_PREFERENCE) or None

    def user(self) -> User:
        user = _fresh(User, {"id": self.user_id, "email": self.email, "phone": self.phone})
        preference = None
        if self.preference is not None:
            values = dict(zip(("id", *NOTICE_PREFERENCE), self.preference, strict=True))
            preference = _fresh(NotificationPreference, {**values, "user_id": self.user_id})
        # As select_related leaves it: no query when notification_enqueue reads it.
        User.notification_preference.related.set_cached_value(user, preference)  # type: ignore[attr-defined]
        return user


def _fresh(model, values: dict):
    """A new instance of `model` with `values` (attribute names), the other fields deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [copy.deepcopy(values[n]) for n in names])


def heads_mark() -> int | None:
    return row_mark(HEADS_MARK_SQL)


def _heads_read(today: datetime.date) -> dict[int, _Head]:
    """Today's head of every grid (the newest assignment in force, as the one-grid query's
    first())."""
    heads: dict[int, _Head] = {}
    for assignment in _heads_query(today):
        if assignment.grid_id in heads:
            continue
        user = assignment.user
        try:
            chosen = user.notification_preference
            preference = (chosen.pk, *(getattr(chosen, n) for n in NOTICE_PREFERENCE))
        except NotificationPreference.DoesNotExist:
            preference = None
        heads[assignment.grid_id] = _Head(user.pk, user.email, user.phone, preference)
    return heads


# Per process: today's heads, kept while the heads' mark and the day stay.
_heads = MarkedValue(_heads_read, mark_sql=HEADS_MARK_SQL)


def notify_new_request(*, case: Request, mark=_UNREAD) -> None:
    """The grid head's message about a new request in their grid. A caller that read the heads'
    change mark (HEADS_MARK_SQL) in a statement of its own passes it as `mark`."""
    rows = new_request_notices(case=case, mark=mark)
    for row in rows:
        row.save()
    notifications_stored(rows)


def new_request_notices(*, case: Request, mark=_UNREAD) -> list[Notification]:
    """notify_new_request's outbox rows, unsaved (notifications.services.notification_rows):
    for request_create, which stores them in its own statement."""
    if case.grid_id is None:
        return []
    if mark is _UNREAD:
        mark = heads_mark()
    if mark is not None:
        found = _heads.get(mark, timezone.localdate()).get(case.grid_id)
        head_id, head = (found.user_id, found.user()) if found else (None, None)
    else:
        assignment = _heads_query().filter(grid_id=case.grid_id).first()
        head_id, head = (assignment.user_id, assignment.user) if assignment else (None, None)
    if head is None or head_id == case.created_by_id:
        return []
    return notification_rows(
        kind="request_new",
        user=head,
        subject=texts.NEW_IN_GRID(code=case.code),
        body=case.description[:200],
        link=reverse("requests_desk:case", args=[case.code]),
    )
