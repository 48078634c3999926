"""The inbox: the bell's unread count, mark read (htmx and plain), mark all read, settings, API."""

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from notifications.registry import KINDS, kind_register
from notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_client(client, world):
    client.force_login(world.users.grid_head)
    return client


def _messages(user, n=3):
    return [
        notification_enqueue(kind="t", subject=f"消息{i}", body="内容", user=user)[0]
        for i in range(n)
    ]


def test_bell_shows_unread_count_on_every_page(head_client, world):
    _messages(world.users.grid_head, 2)
    html = head_client.get("/").content.decode()
    assert '<span class="bell-count">2</span>' in html


def test_inbox_lists_only_own_messages_with_fixed_queries(
    head_client, world, django_assert_max_num_queries
):
    _messages(world.users.grid_head, 40)
    _messages(world.users.grid_worker, 1)
    with django_assert_max_num_queries(12):
        response = head_client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert len(response.context["inbox_messages"]) == 30
    assert all(
        m.recipient_id == world.users.grid_head.pk for m in response.context["inbox_messages"]
    )


def test_mark_read_with_htmx_returns_the_message_and_the_new_bell(head_client, world):
    first, _second = _messages(world.users.grid_head, 2)
    response = head_client.post(
        reverse("notifications:mark-read", args=[first.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="inbox-bell" href="/inbox/" hx-swap-oob="true"' in html
    assert '<span class="bell-count">1</span>' in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_cannot_mark_someone_elses_message(head_client, world):
    (other,) = _messages(world.users.grid_worker, 1)
    response = head_client.post(reverse("notifications:mark-read", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(head_client, world):
    _messages(world.users.grid_head, 3)
    response = head_client.post(reverse("notifications:mark-all-read"), follow=True)
    assert "3" in response.content.decode()
    assert not Notification.objects.filter(
        recipient=world.users.grid_head, read_at__isnull=True
    ).exists()


def test_settings_page_saves_channels_and_quiet_hours(head_client, world):
    kind_register("t.settings", "测试类型", channels=("inbox",))
    try:
        response = head_client.post(
            reverse("notifications:preferences"),
            {
                "kind:t.settings": ["inbox", "sms"],
                "quiet_hours_enabled": "on",
                "quiet_start": "21:30",
                "quiet_end": "07:00",
            },
        )
        assert response.status_code == 302
        pref = NotificationPreference.objects.get(user=world.users.grid_head)
        assert pref.channels["t.settings"] == ["inbox", "sms"]
        assert str(pref.quiet_start) == "21:30:00"
        page = head_client.get(reverse("notifications:preferences")).content.decode()
        assert "测试类型" in page
    finally:
        KINDS.pop("t.settings")


def test_settings_refuse_empty_quiet_window_in_chinese(head_client, world):
    response = head_client.post(
        reverse("notifications:preferences"),
        {"quiet_hours_enabled": "on", "quiet_start": "22:00", "quiet_end": "22:00"},
    )
    assert response.status_code == 200
    assert "免打扰时段的开始和结束时间不能相同" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_opted_out_channel_is_not_used(world, daytime):
    user = world.users.grid_head
    user.email = "head@example.cn"
    user.save()
    NotificationPreference.objects.create(user=user, channels={"t": ["inbox"]})
    rows = notification_enqueue(
        kind="t", subject="s", body="b", user=user, channels=["inbox", "email"]
    )
    assert [r.channel for r in rows] == ["inbox"]


def test_api_inbox_read_and_count(head_client, world):
    first, _second = _messages(world.users.grid_head, 2)
    _messages(world.users.grid_worker, 1)
    listing = head_client.get("/api/v1/inbox/").json()
    assert listing["count"] == 2
    head_client.post(f"/api/v1/inbox/{first.pk}/read/")
    assert head_client.get("/api/v1/inbox/unread-count/").json() == {"unread": 1}
    other = Notification.objects.get(recipient=world.users.grid_worker)
    assert head_client.post(f"/api/v1/inbox/{other.pk}/read/").status_code == 404
    assert head_client.post("/api/v1/inbox/read-all/").json() == {"marked_read": 1}


@pytest.mark.parametrize("unread", [0, 3, 12])
def test_unread_inbox_is_the_list_and_the_count_in_one_query(
    world, unread, django_assert_num_queries
):
    from notifications.selectors import inbox_for, unread_count, unread_inbox

    user = world.users.grid_head
    messages = _messages(user, unread + 2)
    Notification.objects.filter(pk__in=[m.pk for m in messages[:2]]).update(
        read_at="2026-01-01T00:00:00Z"
    )
    _messages(world.users.grid_worker, 2)
    with django_assert_num_queries(1):
        rows, count = unread_inbox(user, limit=8)
    with django_assert_num_queries(0):
        built = [row.message() for row in rows]
    assert built == list(inbox_for(user, unread_only=True)[:8])
    assert [row.pk for row in rows] == [message.pk for message in built]
    assert all(message.read_at is None and message.subject for message in built)
    assert count == unread_count(user) == unread


def test_the_bell_uses_a_count_the_view_already_made(rf, world):
    from notifications.context_processors import inbox, remember_unread

    request = rf.get("/")
    request.user = world.users.grid_head
    _messages(world.users.grid_head, 2)
    assert inbox(request) == {"inbox_unread": 2}
    remember_unread(request, 5)
    assert inbox(request) == {"inbox_unread": 5}
