"""A reminder kind that exists only in the benchmark deployment (bench.settings).

The requests desk's own reminder kinds select the cases due *now*, which in generated data are a
few thousand; the benchmark needs a batch of exactly N due items (100,000 by default) going through
the same runner (notifications.services.reminders_run: chunked reads, one recipients query and one
INSERT … ON CONFLICT DO NOTHING per chunk). This kind yields one reminder per case dispatched to a
grid worker, newest first, up to settings.BENCH_REMINDER_LIMIT.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.registry import Reminder, reminder_kind

KIND = "bench.case_digest"


@reminder_kind(KIND, _("Benchmark: case digest"), channels=("inbox", "email"))
def case_digest(now):
    """Rule (benchmark only): each case dispatched to a grid worker reminds that worker once."""
    from requests_desk.models import Request

    limit = getattr(settings, "BENCH_REMINDER_LIMIT", 100_000)
    rows = (
        Request.objects.filter(assignee__isnull=False, dispatched_at__isnull=False)
        .order_by("-id")
        .values_list("id", "assignee_id", "code")[:limit]
    )
    for pk, assignee_id, code in rows.iterator(chunk_size=5000):
        yield Reminder(
            object_id=pk,
            recipient_id=assignee_id,
            period="bench",
            subject=f"案件 {code}",
            body=f"案件 {code} 请跟进。",
            link=f"/requests/case/{code}/",
        )
