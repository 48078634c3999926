"""Notices about requests, all through notifications.services.notification_enqueue (the outbox).

Residents who gave consent and a phone or e-mail address get a short notice at each public stage
change (never any personal data in it; the link is the public status page). Staff get an inbox
message when a request lands in their grid or is dispatched to them. Requests merged into another
one are notified together with it.
"""

from django.urls import reverse

from grids.models import GridAssignment
from notifications.services import notification_enqueue
from requests_desk import texts
from requests_desk.models import Request, Stage


def _resident_notice(case: Request, stage: str, link: str):
    if not case.consent or not (case.reporter_phone or case.reporter_email):
        return
    notification_enqueue(
        kind="request_stage",
        subject=texts.RESIDENT_SUBJECT(code=case.code, stage=stage),
        body=texts.RESIDENT_BODY(code=case.code, stage=stage, link=link),
        phone=case.reporter_phone,
        email=case.reporter_email,
        link=link,
    )


def notify_stage_change(*, case: Request, event) -> None:
    if event.to_stage != event.from_stage and event.to_stage in Stage.NOTIFY_RESIDENT:
        stage = case.stage
        _resident_notice(case, stage, reverse("requests_desk:status", args=[case.code]))
        # Requests merged into this one share its resolution: their residents hear of it too.
        for merged in case.merged.all():
            _resident_notice(merged, stage, reverse("requests_desk:status", args=[merged.code]))
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


def notify_new_request(*, case: Request) -> None:
    if case.grid_id is None:
        return
    head = (
        GridAssignment.objects.current_grid_heads()
        .filter(grid_id=case.grid_id)
        .select_related("user")
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
