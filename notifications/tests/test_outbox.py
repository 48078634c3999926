"""The outbox: enqueue in the caller's transaction, deliver once, retry, survive a broker outage."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from notifications.delivery import claim_batch, deliver_pending, deliver_pending_batch
from notifications.models import Notification
from notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_rolls_back_with_the_event(world, daytime):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(kind="t", subject="s", body="b", user=world.users.grid_head)
        raise RuntimeError
    assert not Notification.objects.exists()


def test_inbox_row_is_delivered_by_being_stored(world, daytime):
    (row,) = notification_enqueue(kind="t", subject="s", body="b", user=world.users.grid_head)
    assert row.channel == "inbox" and row.status == "sent" and row.read_at is None


def test_email_and_sms_are_sent_once_and_marked(
    world, daytime, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notification_enqueue(
            kind="t", subject="提醒", body="内容", email="a@example.cn", phone="13800138000"
        )
    assert {r.channel for r in rows} == {"email", "sms"}
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "提醒"
    assert mail.outbox[0].extra_headers["X-RedGrid-Notification"] == str(rows[0].pk)
    assert [m["phone"] for m in sms_outbox] == ["13800138000"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    deliver_pending()  # a second run (duplicate beat) sends nothing again
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_broker_down_loses_nothing_and_delivers_when_back(
    world, daytime, django_capture_on_commit_callbacks
):
    from notifications.tasks import deliver_pending as task

    down = mock.patch.object(task, "apply_async", side_effect=ConnectionRefusedError("redis down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn")
    assert mail.outbox == []
    assert Notification.objects.get().status == "pending"
    task.delay()  # the broker is back: the periodic task runs
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == "sent"


def test_failed_send_is_retried_with_backoff_then_marked_failed(
    world, daytime, settings, time_machine
):
    settings.REDGRID_NOTIFICATIONS_MAX_ATTEMPTS = 2
    notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn")
    with mock.patch("notifications.delivery.EmailMessage.send", side_effect=OSError("smtp 451")):
        assert deliver_pending_batch()["failed"] == 1
        row = Notification.objects.get()
        assert row.status == "pending" and row.attempts == 1 and "smtp 451" in row.last_error
        assert deliver_pending_batch()["claimed"] == 0  # waits for its backoff
        time_machine.shift(61)
        assert deliver_pending_batch()["failed"] == 1
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 2
    assert mail.outbox == []


def test_mail_server_down_keeps_rows_until_it_returns(world, daytime, time_machine):
    notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn")
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.open", side_effect=ConnectionRefusedError
    ):
        deliver_pending()
    assert Notification.objects.get().status == "pending"
    time_machine.shift(120)
    deliver_pending()
    assert len(mail.outbox) == 1


def test_a_claimed_row_is_not_taken_by_another_worker_until_its_lease_passes(
    world, daytime, time_machine
):
    notification_enqueue(kind="t", subject="s", body="b", email="a@example.cn")
    _token, rows = claim_batch(limit=10)  # a worker that dies before sending
    assert len(rows) == 1
    assert deliver_pending()["claimed"] == 0
    time_machine.shift(301)
    assert deliver_pending()["sent"] == 1
    assert len(mail.outbox) == 1


def test_dedup_key_writes_once_per_channel(world, daytime):
    for _ in range(2):
        notification_enqueue(
            kind="t",
            subject="s",
            body="b",
            user=world.users.grid_head,
            email="a@example.cn",
            dedup_key="request:1:overdue",
        )
    assert Notification.objects.count() == 2


def test_beat_schedules_are_seeded_once():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("notifications.migrations.0003_seed_beat_schedules")
    migration.seed(apps, None)
    migration.seed(apps, None)
    tasks = dict(PeriodicTask.objects.values_list("task", "interval__every"))
    assert tasks["notifications.tasks.deliver_pending"] == 1
    assert tasks["notifications.tasks.run_reminders"] == 15


def test_each_outbox_row_keeps_one_message_id_across_resends(db):
    """A resend after a crash between send and mark carries the same Message-ID as the first
    send, so mail systems can recognise the duplicate."""
    from django.core import mail

    from notifications.delivery import _send
    from notifications.models import Notification

    row = Notification.objects.create(
        channel=Notification.Channel.EMAIL,
        address="a@example.org",
        kind="test",
        subject="s",
        body="b",
    )
    _send(row, None)
    _send(row, None)
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox[-2:]]
    assert ids[0] == ids[1] == f"<redgrid-notification-{row.pk}@localhost>"
