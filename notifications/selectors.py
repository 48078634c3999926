from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from core import prepared
from core.rows import Columns
from notifications.models import Notification, NotificationPreference
from notifications.registry import CHANNELS, KINDS, channels_for

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def unread_count(user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.INBOX, read_at__isnull=True
    ).count()


# What an inbox message shows (notifications/_message.html), read by `unread_inbox`.
_SHOWN = ("id", "subject", "body", "message", "link", "urgent", "created_at", "read_at")
_unread_statement: tuple[str, Columns] | None = None


def _unread_sql() -> tuple[str, Columns]:
    global _unread_statement
    if _unread_statement is None:
        columns = Columns(Notification, _SHOWN)
        table = connection.ops.quote_name(Notification._meta.db_table)
        _unread_statement = (
            f"SELECT {columns.select('n')}, count(*) OVER () FROM {table} n "
            "WHERE n.recipient_id = %s AND n.channel = %s AND n.read_at IS NULL "
            "ORDER BY n.created_at DESC, n.id DESC LIMIT %s",
            columns,
        )
    return _unread_statement


@dataclass(frozen=True, slots=True)
class Unread:
    """An unread inbox message as `unread_inbox` read it: its id, and the message itself built
    from its row only when asked. The dashboard shows each message from HTML kept per process
    (notifications.kept), so most views never need the instance (issue 17)."""

    pk: int
    row: tuple[Any, ...]

    def message(self) -> Notification:
        message: Notification = _unread_sql()[1].build(self.row)
        return message


def unread_inbox(user: User, *, limit: int) -> tuple[list[Unread], int]:
    """The user's newest `limit` unread inbox messages (inbox_for's order, with only the fields a
    message shows) and how many unread messages they have in all (unread_count), in one prepared
    statement: each row carries the total. Written as SQL because the dashboard asks on every
    view and the ORM spent ≈ 1 ms building this query (issue 17)."""
    sql, columns = _unread_sql()
    rows = prepared.fetchall(sql, [user.pk, Notification.Channel.INBOX.value, limit])
    at = columns.names.index("id")
    return [Unread(row[at], row[:-1]) for row in rows], rows[0][-1] if rows else 0


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
