"""The reminder runner: chunks, dedup on (kind, object, recipient, period), preferences."""

import pytest

from notifications.models import Notification, NotificationPreference
from notifications.registry import KINDS, REMINDER_KINDS, Reminder, reminder_kind
from notifications.services import reminders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_kind():
    """Registers a kind whose due items the test sets in `state["due"]` (a callable)."""
    state = {"due": lambda now: []}

    @reminder_kind("test.kind", "测试提醒", channels=("inbox", "email"))
    def due(now):
        """Rule: whatever the test says is due."""
        yield from state["due"](now)

    yield state
    REMINDER_KINDS.pop("test.kind")
    KINDS.pop("test.kind")


def test_rule_docstring_is_recorded(test_kind):
    assert REMINDER_KINDS["test.kind"].rule == "Rule: whatever the test says is due."
    assert REMINDER_KINDS["test.kind"].app_label == "notifications"


def test_rerun_writes_each_reminder_once_per_channel(world, daytime, test_kind):
    head = world.users.grid_head
    head.email = "head@example.cn"
    head.save()
    test_kind["due"] = lambda now: [
        Reminder(object_id=1, recipient_id=head.pk, period="2026-03-04", subject="s", body="b"),
        Reminder(
            object_id=2,
            recipient_id=world.users.grid_worker.pk,
            period="2026-03-04",
            subject="s",
            body="b",
        ),
    ]
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 3}  # worker has no e-mail
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 0}
    assert Notification.objects.filter(kind="test.kind").count() == 3
    assert set(Notification.objects.values_list("dedup_key", flat=True)) == {
        f"test.kind:1:{head.pk}:2026-03-04",
        f"test.kind:2:{world.users.grid_worker.pk}:2026-03-04",
    }


def test_a_rerun_over_written_reminders_builds_and_inserts_nothing(
    world, daytime, test_kind, django_assert_max_num_queries
):
    """Keys already in the outbox are skipped before any row is built: no INSERT at all (not one
    refused by ON CONFLICT), a fixed number of queries per chunk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    head_id = world.users.grid_head.pk
    test_kind["due"] = lambda now: (
        Reminder(object_id=i, recipient_id=head_id, period="p", subject="s", body="b")
        for i in range(250)
    )
    assert reminders_run(kinds=["test.kind"], chunk_size=100) == {"test.kind": 250}
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(3 * 2 + 1):
        assert reminders_run(kinds=["test.kind"], chunk_size=100) == {"test.kind": 0}
    assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert Notification.objects.filter(kind="test.kind").count() == 250


def test_a_channel_added_after_a_reminder_is_written_on_the_next_run(world, daytime, test_kind):
    """Deduplication is per channel: the inbox row is not written again, the new e-mail row is."""
    head = world.users.grid_head
    head.email = ""
    head.save()
    test_kind["due"] = lambda now: [
        Reminder(object_id=1, recipient_id=head.pk, period="p", subject="s", body="b")
    ]
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 1}
    head.email = "head@example.cn"
    head.save()
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 1}
    assert sorted(Notification.objects.values_list("channel", flat=True)) == ["email", "inbox"]


def test_next_period_is_a_new_reminder(world, daytime, test_kind):
    period = {"value": "2026-03-04"}
    test_kind["due"] = lambda now: [
        Reminder(
            object_id=1,
            recipient_id=world.users.grid_head.pk,
            period=period["value"],
            subject="s",
            body="b",
        )
    ]
    reminders_run(kinds=["test.kind"])
    period["value"] = "2026-03-05"
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 1}


def test_user_preference_chooses_channels(world, daytime, test_kind):
    head = world.users.grid_head
    head.email, head.phone = "head@example.cn", "13800138000"
    head.save()
    NotificationPreference.objects.create(user=head, channels={"test.kind": ["sms"]})
    test_kind["due"] = lambda now: [
        Reminder(object_id=1, recipient_id=head.pk, period="p", subject="s", body="b")
    ]
    reminders_run(kinds=["test.kind"])
    assert list(Notification.objects.values_list("channel", flat=True)) == ["sms"]


def test_inactive_recipients_get_nothing(world, daytime, test_kind):
    head = world.users.grid_head
    head.is_active = False
    head.save()
    test_kind["due"] = lambda now: [
        Reminder(object_id=1, recipient_id=head.pk, period="p", subject="s", body="b")
    ]
    assert reminders_run(kinds=["test.kind"]) == {"test.kind": 0}


def test_due_reminders_are_streamed_in_chunks_never_all_in_memory(
    world, daytime, test_kind, django_assert_max_num_queries
):
    """The runner holds at most one chunk: when it writes, it has pulled no more than one chunk
    ahead of what is already in the table, and it uses a fixed number of queries per chunk. (The
    same path handles 100,000 due reminders; 6,000 keep the test fast.)"""
    from notifications.models import Notification as N

    head_id = world.users.grid_head.pk
    pulled = {"n": 0, "max_ahead": 0}
    real_bulk_create = N.objects.bulk_create

    def due(now):
        for i in range(6000):
            pulled["n"] += 1
            yield Reminder(
                object_id=i, recipient_id=head_id, period="p", subject="逾期", body="请处理"
            )

    def watching_bulk_create(rows, **kwargs):
        already = N.objects.filter(kind="test.kind").count()
        pulled["max_ahead"] = max(pulled["max_ahead"], pulled["n"] - already)
        return real_bulk_create(rows, **kwargs)

    test_kind["due"] = due
    from unittest import mock

    watching = mock.patch.object(N.objects, "bulk_create", side_effect=watching_bulk_create)
    with watching, django_assert_max_num_queries(6 * 4 + 5):
        result = reminders_run(kinds=["test.kind"], chunk_size=1000)
    assert result == {"test.kind": 6000}
    assert N.objects.filter(kind="test.kind").count() == 6000
    assert pulled["max_ahead"] <= 1000
