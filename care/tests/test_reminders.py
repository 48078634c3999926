"""Household visit reminders (care/reminders.py): due today and overdue to the pairing's worker
and Party members, escalated to the grid head after the stated delay; once per due date."""

import datetime
import zoneinfo

import pytest

from care.models import Pairing
from care.services import pairing_end, visit_record
from notifications.models import Notification
from notifications.services import reminders_run

pytestmark = pytest.mark.django_db
KINDS = ["care.visit_due", "care.visit_overdue", "care.visit_overdue_grid_head"]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date):
    return datetime.datetime.combine(day, datetime.time(10, 0), SHANGHAI)


def sent(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel="inbox").values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def visited(care):
    """The paired household of A1a (elderly living alone: every 30 days) visited on 1 June 2025,
    so its next visit is due on 1 July. The A1b household was never visited (due 31 Jan)."""
    visit_record(
        household=care.households["paired"],
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 6, 1),
        mode="in_person",
    )
    return care


def test_visit_due_today_reminds_the_paired_worker_and_members_once(visited):
    written = reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 1)))
    assert sent("care.visit_due") == ["member_a1a", "worker_a1a"]
    # The unpaired household is due too but has nobody to remind; A1b's is overdue, not due today.
    assert sent("care.visit_overdue") == ["worker_a1b"]
    assert written["care.visit_due"] == 2
    message = Notification.objects.filter(kind="care.visit_due").first()
    assert message.link == f"/care/households/{visited.households['paired'].pk}/"
    assert visited.residents["paired"].name not in message.subject + message.body
    assert reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 1)))["care.visit_due"] == 0


def test_overdue_visit_reminds_the_pairing_then_escalates_to_the_grid_head(visited):
    reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 2)))
    assert sent("care.visit_overdue") == ["member_a1a", "worker_a1a", "worker_a1b"]
    # A1b's household has been overdue since January: its grid head hears at once.
    assert sent("care.visit_overdue_grid_head") == ["head_a1b"]
    reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 7)))  # six days: not yet
    assert sent("care.visit_overdue_grid_head") == ["head_a1b"]
    reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 8)))  # seven days after 1 July
    assert sent("care.visit_overdue_grid_head") == ["head_a1a", "head_a1b"]
    assert (
        Notification.objects.filter(kind="care.visit_overdue_grid_head", urgent=True).count() == 2
    )
    assert sent("care.visit_overdue") == ["member_a1a", "worker_a1a", "worker_a1b"]  # no repeats


def test_a_visit_moves_the_due_date_and_ended_pairings_remind_nobody(visited):
    reminders_run(kinds=["care.visit_overdue"], now=at(datetime.date(2025, 7, 2)))
    visit_record(
        household=visited.households["paired"],
        visitor=visited.users.grid_worker,
        visited_on=datetime.date(2025, 7, 2),
        mode="phone",
    )
    pairing_end(
        pairing=Pairing.objects.get(household=visited.households["other"]),
        reason="搬离本网格",
        end_date=datetime.date(2025, 7, 2),
    )
    assert reminders_run(kinds=KINDS, now=at(datetime.date(2025, 7, 20))) == dict.fromkeys(KINDS, 0)
    reminders_run(kinds=KINDS, now=at(datetime.date(2025, 8, 2)))  # due 1 August, now overdue
    assert (
        Notification.objects.filter(
            kind="care.visit_overdue", channel="inbox", dedup_key__endswith="overdue:2025-08-01"
        ).count()
        == 2
    )
