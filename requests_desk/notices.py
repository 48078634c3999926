"""Notices about requests, all through notifications.services.notification_enqueue (the outbox).

Residents who gave consent and a phone or e-mail address get a short notice at each public stage
change (never any personal data in it; the link is the public status page). Staff get an inbox
message when a request lands in their grid or is dispatched to them. Requests merged into another
one are notified together with it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from grids.models import GridAssignment
from notifications.services import notification_enqueue
from requests_desk.models import Request, Stage


def _resident_notice(request: Request, stage_label: str, link: str):
    if not request.consent or not (request.reporter_phone or request.reporter_email):
        return
    subject = _("Your request %(code)s: %(stage)s") % {"code": request.code, "stage": stage_label}
    body = _("Your request %(code)s is now: %(stage)s. Follow it at %(link)s") % {
        "code": request.code,
        "stage": stage_label,
        "link": link,
    }
    notification_enqueue(
        kind="request_stage",
        subject=subject,
        body=body,
        phone=request.reporter_phone,
        email=request.reporter_email,
        link=link,
    )


def notify_stage_change(*, request: Request, event) -> None:
    if event.to_stage != event.from_stage and event.to_stage in Stage.NOTIFY_RESIDENT:
        label = request.get_stage_display()
        _resident_notice(request, label, reverse("requests_desk:status", args=[request.code]))
        # Requests merged into this one share its resolution: their residents hear of it too.
        for merged in request.merged.all():
            _resident_notice(merged, label, reverse("requests_desk:status", args=[merged.code]))
    if event.action == "dispatch" and request.assignee_id and request.assignee_id != event.actor_id:
        notification_enqueue(
            kind="request_dispatched",
            user=request.assignee,
            subject=_("Request %(code)s dispatched to you") % {"code": request.code},
            body=request.description[:200],
            link=reverse("requests_desk:case", args=[request.code]),
        )
    if event.action == "request_extension":
        pass  # the approvers see it in their queue (filter "extension requested")


def notify_new_request(*, request: Request) -> None:
    if request.grid_id is None:
        return
    head = (
        GridAssignment.objects.current_grid_heads()
        .filter(grid_id=request.grid_id)
        .select_related("user")
        .first()
    )
    if head is not None and head.user_id != request.created_by_id:
        notification_enqueue(
            kind="request_new",
            user=head.user,
            subject=_("New request %(code)s in your grid") % {"code": request.code},
            body=request.description[:200],
            link=reverse("requests_desk:case", args=[request.code]),
        )
