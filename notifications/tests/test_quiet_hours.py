"""Quiet hours (22:00–08:00 by default, per user): non-urgent e-mail and SMS wait."""

import datetime
import zoneinfo

import pytest
from django.core import mail

from notifications.delivery import deliver_pending
from notifications.models import Notification, NotificationPreference
from notifications.quiet_hours import quiet_until
from notifications.services import notification_enqueue

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=4):
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(21, 59), None),
        (at(22, 0), at(8, 0, day=5)),
        (at(3, 30), at(8, 0)),
        (at(8, 0), None),
    ],
)
def test_quiet_window_crossing_midnight(now, expected):
    assert quiet_until(now, datetime.time(22), datetime.time(8)) == expected


def test_quiet_window_within_a_day():
    assert quiet_until(at(12, 30), datetime.time(12), datetime.time(14)) == at(14)
    assert quiet_until(at(15), datetime.time(12), datetime.time(14)) is None


def test_non_urgent_email_waits_until_quiet_hours_end(world, time_machine):
    time_machine.move_to(at(23, 0), tick=False)
    user = world.users.grid_head
    user.email = "head@example.cn"
    user.save()
    notification_enqueue(kind="t", subject="s", body="b", user=user, channels=["inbox", "email"])
    email_row = Notification.objects.get(channel="email")
    assert email_row.not_before == at(8, 0, day=5)
    assert Notification.objects.get(channel="inbox").status == "sent"  # the inbox is silent
    deliver_pending()
    assert mail.outbox == []
    time_machine.move_to(at(8, 1, day=5), tick=False)
    deliver_pending()
    assert len(mail.outbox) == 1


def test_urgent_messages_ignore_quiet_hours(world, time_machine):
    time_machine.move_to(at(23, 0), tick=False)
    notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn", urgent=True)
    deliver_pending()
    assert len(mail.outbox) == 1


def test_per_user_quiet_hours_and_turning_them_off(world, time_machine):
    user = world.users.grid_head
    user.email = "head@example.cn"
    user.save()
    NotificationPreference.objects.create(
        user=user, quiet_start=datetime.time(12), quiet_end=datetime.time(14)
    )
    time_machine.move_to(at(23, 0), tick=False)  # quiet by default, not for this user
    notification_enqueue(kind="t", subject="s", body="b", user=user, channels=["email"])
    deliver_pending()
    assert len(mail.outbox) == 1
    time_machine.move_to(at(12, 30), tick=False)
    notification_enqueue(kind="t", subject="s2", body="b", user=user, channels=["email"])
    deliver_pending()
    assert len(mail.outbox) == 1
    user.notification_preference.quiet_hours_enabled = False
    user.notification_preference.save()
    notification_enqueue(kind="t", subject="s3", body="b", user=user, channels=["email"])
    deliver_pending()
    assert [m.subject for m in mail.outbox] == ["s", "s3"]


def test_row_queued_before_quiet_hours_waits_if_delivered_during_them(world, time_machine):
    time_machine.move_to(at(21, 59), tick=False)
    notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn")
    time_machine.move_to(at(22, 5), tick=False)  # the worker only gets to it now
    assert deliver_pending()["deferred"] == 1
    row = Notification.objects.get()
    assert row.status == "pending" and row.not_before == at(8, 0, day=5) and row.attempts == 0
