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
