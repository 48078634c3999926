"""Handover of a leaving person's open cases (accounts.handover): every open request assigned to
them is assigned to the successor, with a timeline entry on each case and one inbox message to
the successor. The stage, the deadline and the monthly figures do not change (the figures do not
depend on the assignee)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.handover import HandoverStep, handover_step
from notifications.services import notification_enqueue
from requests_desk.models import Request, RequestEvent


@handover_step("requests.open_cases", gettext_lazy("Open cases assigned"), order=20)
class OpenCases(HandoverStep):
    def _open(self, user):
        return Request.objects.open().filter(assignee=user)

    def pending(self, user) -> int:
        return self._open(user).count()

    def hand_over(self, *, user, successor, by) -> int:
        now = timezone.now()
        cases = list(self._open(user).select_for_update().only("id", "stage"))
        if not cases:
            return 0
        Request.objects.filter(pk__in=[c.pk for c in cases]).update(assignee=successor)
        note = _("Handed over from %(old)s to %(new)s (%(old)s left).") % {
            "old": user,
            "new": successor,
        }
        RequestEvent.objects.bulk_create(
            RequestEvent(
                request_id=case.pk,
                action="handover",
                from_stage=case.stage,
                to_stage=case.stage,
                actor=by,
                actor_label=str(by) if by is not None else _("system"),
                note=note,
                created_at=now,
            )
            for case in cases
        )
        notification_enqueue(
            kind="requests.handed_over",
            subject=_("%(n)s cases handed over to you") % {"n": len(cases)},
            body=_("%(old)s left; their %(n)s open cases are now assigned to you.")
            % {"old": user, "n": len(cases)},
            user=successor,
            link=reverse("requests_desk:queue"),
        )
        return len(cases)
