"""Notices about requests, all through notifications.services.notification_enqueue (the outbox).

Residents who gave consent and a phone or e-mail address get a short notice by SMS and e-mail at
each public stage change — accepted, dispatched, handling reported, closed (and cancelled, carried
over, merged) — never with any personal data in it. The link is the public status page, absolute
(the deployment's REDGRID_SITE_URL, settings.SITE_URL), and the closing notice asks for the
rating. Staff get an inbox
message when a request lands in their grid or is dispatched to them. Requests merged into another
one are notified together with it.
"""

from django.conf import settings
from django.urls import reverse

from grids.models import GridAssignment
from notifications.services import notification_enqueue
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


def notify_new_request(*, case: Request) -> None:
    if case.grid_id is None:
        return
    head = (
        GridAssignment.objects.current_grid_heads()
        .filter(grid_id=case.grid_id)
        # The head's notification preference comes with them, and only what
        # notification_enqueue reads (a user row has some thirty columns).
        .select_related("user__notification_preference")
        .only(
            "user__email",
            "user__phone",
            *(f"user__notification_preference__{name}" for name in NOTICE_PREFERENCE),
        )
        .first()
    )
    if head is not None and head.user_id != case.created_by_id:
        notification_enqueue(
            kind="request_new",
            user=head.user,
            subject=texts.NEW_IN_GRID(code=case.code),
            body=case.description[:200],
            link=reverse("requests_desk:case", args=[case.code]),
        )
