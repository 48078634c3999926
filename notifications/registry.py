"""Registries of message kinds and reminder kinds.

A *kind* names a type of message ("requests.overdue") with a label for the preferences page and
the channels it uses unless the user chose otherwise. A *reminder kind* is a kind plus a rule: a
function that finds, with set-based queries, every reminder due now. Apps contribute reminder kinds
in their own `<app>/reminders.py` (imported by `NotificationsConfig.ready`):

    from notifications.registry import Reminder, reminder_kind

    @reminder_kind("volunteers.signup_tomorrow", _("Activity tomorrow"), channels=("inbox", "sms"))
    def signup_tomorrow(now):
        \"\"\"Rule: each sign-up for an activity that starts tomorrow (Asia/Shanghai) reminds the
        volunteer once, on the day before.\"\"\"
        rows = SignUp.objects.filter(...).values_list("id", "user_id", "activity__title", ...)
        for pk, user_id, title, ... in rows.iterator(chunk_size=2000):
            yield Reminder(object_id=pk, recipient_id=user_id, period=..., subject=..., body=...)

The runner (notifications.services.reminders_run) consumes the generator in chunks, skips the
(dedup key, channel) pairs already in the outbox (one query per chunk) and writes the rest with
bulk_create(ignore_conflicts=True) on the dedup key (kind, object, recipient, period), so re-runs,
duplicate beats and killed workers never write a reminder twice.
"""

import datetime
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

CHANNELS = ("inbox", "email", "sms")


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    default_channels: tuple[str, ...] = ("inbox",)


@dataclass(frozen=True)
class Reminder:
    """One due reminder: who gets what about which object, for which due period.

    `period` identifies the occurrence (e.g. "2026-03-01" for a daily reminder, "overdue" for a
    one-off escalation, "2026-03-02T10:00" for a meeting); together with kind, object and
    recipient it forms the dedup key.
    """

    object_id: int | str
    recipient_id: int
    period: str
    subject: str
    body: str
    link: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class ReminderKind(Kind):
    rule: str = ""
    due: Callable[[datetime.datetime], Iterable[Reminder]] | None = field(
        default=None, compare=False
    )
    app_label: str = ""


KINDS: dict[str, Kind] = {}
REMINDER_KINDS: dict[str, ReminderKind] = {}


def kind_register(name: str, label, *, channels: Iterable[str] = ("inbox",)) -> Kind:
    """Declare a message kind (for the preferences page and its default channels)."""
    channels = tuple(channels)
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {unknown} for kind {name}")
    kind = Kind(name=name, label=label, default_channels=channels)
    KINDS[name] = kind
    return kind


def reminder_kind(name: str, label, *, channels: Iterable[str] = ("inbox", "email")):
    """Decorator registering `func(now) -> Iterable[Reminder]` as a reminder kind. The function's
    docstring is the rule (shown in the admin and notifications/README.md)."""

    def decorator(func):
        channels_tuple = tuple(channels)
        kind_register(name, label, channels=channels_tuple)
        REMINDER_KINDS[name] = ReminderKind(
            name=name,
            label=label,
            default_channels=channels_tuple,
            rule=inspect.cleandoc(func.__doc__ or ""),
            due=func,
            app_label=func.__module__.split(".")[0],
        )
        return func

    return decorator


def kind_label(name: str):
    kind = KINDS.get(name)
    return kind.label if kind else name


def channels_for(kind: str, preference_channels: dict | None) -> tuple[str, ...]:
    """The channels a user gets `kind` on: their choice if they made one, else the default."""
    if preference_channels and kind in preference_channels:
        return tuple(c for c in preference_channels[kind] if c in CHANNELS)
    registered = KINDS.get(kind)
    return registered.default_channels if registered else ("inbox",)
