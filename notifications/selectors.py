from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.models import Notification, NotificationPreference
from notifications.registry import CHANNELS, KINDS, channels_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def unread_count(user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.INBOX, read_at__isnull=True
    ).count()


def unread_inbox(user: User, *, limit: int) -> tuple[list[Notification], int]:
    """The user's newest `limit` unread inbox messages (inbox_for's order) and how many unread
    messages they have in all (unread_count), in one query: each row carries the total."""
    from django.db.models import Count, Window

    rows = list(
        inbox_for(user, unread_only=True).annotate(unread_total=Window(Count("id")))[:limit]
    )
    return rows, rows[0].unread_total if rows else 0


def inbox_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own inbox messages, newest first (nobody else's, whatever their role)."""
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.INBOX)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def preference_table(user: User) -> tuple[NotificationPreference | None, list[dict]]:
    """The user's preference (or None) and one row per known kind with the channels in force."""
    preference = NotificationPreference.objects.filter(user=user).first()
    chosen = preference.channels if preference else {}
    rows = []
    for name in sorted(KINDS):
        kind = KINDS[name]
        active = channels_for(name, chosen)
        rows.append(
            {
                "name": name,
                "label": kind.label,
                "channels": [
                    {"channel": c, "label": Notification.Channel(c).label, "on": c in active}
                    for c in CHANNELS
                ],
            }
        )
    return preference, rows
