"""The requests desk's reminder kinds (requests_desk/reminders.py), each rule tested, and its
monthly report section (requests_desk/report_sections.py) against hand-computed figures."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import reminders_run
from requests_desk.models import Request, Stage
from requests_desk.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db
KINDS = [
    "requests.nearly_due",
    "requests.overdue",
    "requests.overdue_grid_head",
    "requests.overdue_community",
    "requests.contact_overdue",
]


def _request(world, *, due_in_hours, contacted=True, grid="A1a"):
    now = timezone.now()
    return RequestFactory(
        grid=world.grids[grid],
        stage=Stage.HANDLING,
        target=Request.Target.GRID_WORKER,
        assignee=world.users.grid_worker,
        dispatched_at=now - datetime.timedelta(hours=30),
        due_at=now + datetime.timedelta(hours=due_in_hours),
        contact_due_at=now - datetime.timedelta(hours=6),
        contacted_at=now - datetime.timedelta(hours=20) if contacted else None,
    )


def _sent(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel="inbox").values_list(
            "recipient__username", flat=True
        )
    )


def test_handler_is_reminded_before_the_deadline(world, daytime):
    _request(world, due_in_hours=2)
    _request(world, due_in_hours=10)  # not yet
    reminders_run(kinds=KINDS)
    assert _sent("requests.nearly_due") == ["worker_a1a"]
    assert _sent("requests.overdue") == []


def test_overdue_escalates_to_handler_then_grid_head_then_community(world, daytime):
    _request(world, due_in_hours=-1)
    reminders_run(kinds=KINDS)
    assert _sent("requests.overdue") == ["worker_a1a"]
    assert _sent("requests.overdue_grid_head") == []
    Request.objects.update(due_at=timezone.now() - datetime.timedelta(hours=25))
    reminders_run(kinds=KINDS)
    assert _sent("requests.overdue_grid_head") == ["head_a1a"]
    assert _sent("requests.overdue_community") == []
    Request.objects.update(due_at=timezone.now() - datetime.timedelta(hours=73))
    reminders_run(kinds=KINDS)
    assert _sent("requests.overdue_community") == ["community_a1"]
    assert Notification.objects.get(kind="requests.overdue_community", channel="inbox").urgent


def test_reruns_write_nothing_twice_and_a_new_deadline_reminds_again(world, daytime):
    _request(world, due_in_hours=-30)
    first = reminders_run(kinds=KINDS)
    assert first["requests.overdue"] == 1 and first["requests.overdue_grid_head"] == 1
    assert sum(reminders_run(kinds=KINDS).values()) == 0
    Request.objects.update(due_at=timezone.now() - datetime.timedelta(hours=2))  # extension
    assert reminders_run(kinds=["requests.overdue"]) == {"requests.overdue": 1}


def test_resident_not_contacted_in_24_hours_reminds_the_handler(world, daytime):
    _request(world, due_in_hours=30, contacted=False)
    _request(world, due_in_hours=30, contacted=True)
    reminders_run(kinds=KINDS)
    assert _sent("requests.contact_overdue") == ["worker_a1a"]


def test_closed_requests_remind_nobody(world, daytime):
    req = _request(world, due_in_hours=-100, contacted=False)
    Request.objects.filter(pk=req.pk).update(
        stage=Stage.CLOSED, closure_type=Request.ClosureType.NORMAL
    )
    assert sum(reminders_run(kinds=KINDS).values()) == 0


def test_requests_report_section_matches_hand_computed_figures(world, time_machine):
    import zoneinfo

    from reports.models import ReportRun
    from reports.services import reports_generate

    sh = zoneinfo.ZoneInfo("Asia/Shanghai")
    march = datetime.datetime(2026, 3, 10, 9, tzinfo=sh)
    for grid in ("A1a", "A1a", "A1b", "B2b"):
        RequestFactory(grid=world.grids[grid], created_at=march)
    RequestFactory(
        grid=world.grids["A1a"], created_at=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=sh)
    )  # April
    # The factory writes rows directly, as a bulk import would; the desk's monthly summary (what
    # the report section reads) is then rebuilt from them, as after any import.
    from requests_desk.monthly import monthly_figures_rebuild

    monthly_figures_rebuild()
    time_machine.move_to(datetime.datetime(2026, 4, 2, 9, tzinfo=sh))
    run = ReportRun.objects.create(period=datetime.date(2026, 3, 1))
    reports = {
        (r.level, r.node_code): r.numbers["requests"]
        for r in reports_generate(period=datetime.date(2026, 3, 1), run=run)
    }
    assert reports[("grid", world.grids["A1a"].code)]["reports"] == 2
    assert reports[("community", world.communities["A1"].code)]["reports"] == 3
    assert reports[("street", world.streets["B"].code)]["reports"] == 1
    assert reports[("district", world.district.code)]["reports"] == 4
    assert (
        reports[("grid", world.grids["B1a"].code)]["closure_rate"] is None
        or reports[("grid", world.grids["B1a"].code)]["closure_rate"] == 0
    )
