"""Writing notifications. Callers only enqueue (in their own transaction); delivery is in
delivery.py, run by tasks.deliver_pending (every minute, and kicked after each commit)."""

from __future__ import annotations

import datetime
import itertools
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.texts import Text
from notifications.conf import conf
from notifications.models import Notification, NotificationPreference
from notifications.quiet_hours import quiet_until_for
from notifications.registry import CHANNELS, REMINDER_KINDS, Reminder, ReminderKind, channels_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User

logger = logging.getLogger(__name__)
Channel = Notification.Channel


def _preference_of(user: User | None) -> NotificationPreference | None:
    if user is None or user.pk is None:
        return None
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


# No savepoint of its own inside the caller's transaction (issue 17: two statements less per
# message); an error in it marks the caller's transaction for rollback instead.
@transaction.atomic(savepoint=False)
def notification_enqueue(
    *,
    kind: str,
    subject: str | Text,
    body: str | Text,
    user: User | None = None,
    email: str = "",
    phone: str = "",
    channels: Iterable[str] | None = None,
    link: str = "",
    urgent: bool = False,
    dedup_key: str | None = None,
    attachment: str = "",
) -> list[Notification]:
    """Queue a message for `user` (an account) or for an e-mail address / phone number.

    `channels` defaults to the user's choice for this kind (or the kind's default channels; the
    in-app inbox for unregistered kinds), plus e-mail / SMS for the addresses given. A user who
    turned a channel off for this kind does not get it even if the caller asks for it. Non-urgent
    e-mail and SMS wait until the recipient's quiet hours end (not_before).

    Runs inside the caller's transaction: if the event rolls back, so does the notification. With
    `dedup_key`, a second call for the same key and channel writes nothing (returns no row for it).
    `attachment` ("resolver:argument", see notifications.attachments) is added to e-mails.
    A `subject` or `body` given as system text (core.texts.Text) is shown in the inbox in the
    reader's language; e-mail and SMS carry it in the language active when it was queued.
    """
    rows = notification_rows(
        kind=kind,
        subject=subject,
        body=body,
        user=user,
        email=email,
        phone=phone,
        channels=channels,
        link=link,
        urgent=urgent,
        dedup_key=dedup_key,
        attachment=attachment,
    )
    created = []
    for row in rows:
        if dedup_key is None:
            row.save()
            created.append(row)
            continue
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue
        created.append(row)
    notifications_stored(created)
    return created


def notification_rows(
    *,
    kind: str,
    subject: str | Text,
    body: str | Text,
    user: User | None = None,
    email: str = "",
    phone: str = "",
    channels: Iterable[str] | None = None,
    link: str = "",
    urgent: bool = False,
    dedup_key: str | None = None,
    attachment: str = "",
) -> list[Notification]:
    """The rows notification_enqueue stores, unsaved: for a caller that stores them in a
    statement of its own together with its other writes (core.db_batch, issue 17), and then
    calls notifications_stored(rows). Without a dedup_key: the caller's statement does not
    skip a row another one already holds."""
    preference = _preference_of(user)
    chosen = preference.channels if preference else {}
    if channels is None:
        channels = list(channels_for(kind, chosen)) if user is not None else []
        if email and Channel.EMAIL not in channels:
            channels.append(Channel.EMAIL)
        if phone and Channel.SMS not in channels:
            channels.append(Channel.SMS)
    elif kind in chosen:
        channels = [c for c in channels if c in chosen[kind]]
    now = timezone.now()
    quiet_end = None if urgent else quiet_until_for(now, preference)
    rows = []
    for channel in channels:
        address = ""
        if channel == Channel.EMAIL:
            address = email or (getattr(user, "email", "") if user is not None else "")
        elif channel == Channel.SMS:
            address = phone or (getattr(user, "phone", "") if user is not None else "")
        if channel != Channel.INBOX and not address:
            continue
        if channel == Channel.INBOX and user is None:
            continue
        rows.append(
            _build_row(
                user_id=user.pk if user is not None else None,
                address=address,
                channel=channel,
                kind=kind,
                subject=subject,
                body=body,
                link=link,
                urgent=urgent,
                dedup_key=dedup_key,
                now=now,
                quiet_end=quiet_end,
                attachment=attachment,
            )
        )
    return rows


def notifications_stored(rows: Iterable[Notification]) -> None:
    """Rows were stored (by notification_enqueue, or a caller of notification_rows): a worker
    delivers the e-mail and SMS among them once the transaction commits."""
    if any(row.channel != Channel.INBOX for row in rows):
        transaction.on_commit(_kick_delivery)


def _build_row(
    *,
    user_id: int | None,
    address: str,
    channel: str,
    kind: str,
    subject: str | Text,
    body: str | Text,
    link: str,
    urgent: bool,
    dedup_key: str | None,
    now: datetime.datetime,
    quiet_end: datetime.datetime | None,
    attachment: str = "",
) -> Notification:
    # The in-app inbox is delivered by being stored: it is silent, so quiet hours do not apply.
    inbox = channel == Channel.INBOX
    # System text (core.texts.Text) is also stored as its kind and parameters, so the inbox shows
    # it in the reader's language; subject and body keep the text as sent (e-mail, SMS).
    message = {
        part: text.store()
        for part, text in (("subject", subject), ("body", body))
        if isinstance(text, Text)
    }
    return Notification(
        recipient_id=user_id,
        address=address,
        channel=channel,
        kind=kind,
        subject=str(subject)[:200],
        body=str(body),
        message=message,
        link=link[:300],
        urgent=urgent,
        dedup_key=dedup_key,
        status=Notification.Status.SENT if inbox else Notification.Status.PENDING,
        sent_at=now if inbox else None,
        not_before=None if inbox else quiet_end,
        attachment=attachment,
    )


def _kick_delivery() -> None:
    """Ask a worker to deliver now; if the broker is down the periodic task delivers later."""
    try:
        from notifications.tasks import deliver_pending

        deliver_pending.apply_async(ignore_result=True, retry=False)
    except Exception:  # noqa: BLE001 - broker down: the outbox keeps the rows, beat retries
        logger.warning(
            "Could not reach the Celery broker; pending notifications wait for the "
            "periodic delivery task."
        )


# --- Inbox ----------------------------------------------------------------------------------------


def inbox_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's inbox messages read (idempotent). Raises DoesNotExist for a message
    that is not the user's."""
    row = Notification.objects.get(pk=notification_id, recipient=user, channel=Channel.INBOX)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def inbox_mark_all_read(*, user: User) -> int:
    """Mark every unread inbox message of the user read; returns how many (one UPDATE)."""
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, read_at__isnull=True
    ).update(read_at=timezone.now())


# --- Preferences ----------------------------------------------------------------------------------


@transaction.atomic
def preference_update(
    *,
    user: User,
    channels: dict[str, list[str]],
    quiet_hours_enabled: bool,
    quiet_start: datetime.time,
    quiet_end: datetime.time,
) -> NotificationPreference:
    for chosen in channels.values():
        unknown = set(chosen) - set(CHANNELS)
        if unknown:
            raise ValidationError(
                _("Unknown channel: %(channel)s") % {"channel": ", ".join(sorted(unknown))}
            )
    if quiet_hours_enabled and quiet_start == quiet_end:
        raise ValidationError(_("Quiet hours must start and end at different times."))
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.channels = {kind: sorted(set(chosen)) for kind, chosen in channels.items()}
    preference.quiet_hours_enabled = quiet_hours_enabled
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.full_clean()
    preference.save()
    return preference


# --- Reminders ------------------------------------------------------------------------------------


def reminder_dedup_key(kind: str, reminder: Reminder) -> str:
    """(kind, object, recipient, due period): the unique key of one reminder (per channel)."""
    return f"{kind}:{reminder.object_id}:{reminder.recipient_id}:{reminder.period}"[:200]


def reminders_run(
    *,
    kinds: list[str] | None = None,
    now: datetime.datetime | None = None,
    chunk_size: int | None = None,
) -> dict[str, int]:
    """Find every due reminder of every registered kind and write it to the outbox once.

    Each kind's query yields reminders lazily; they are processed `chunk_size` at a time: one
    query for the (dedup key, channel) pairs already written (skipped), one for the recipients'
    addresses and preferences, one bulk INSERT … ON CONFLICT DO NOTHING on the dedup key for the
    rest. Memory stays bounded whatever the number of due reminders. Returns the number of new
    notification rows per kind.
    """
    now = now or timezone.now()
    chunk_size = chunk_size or conf.REMINDER_CHUNK_SIZE
    names = kinds if kinds is not None else sorted(REMINDER_KINDS)
    written = {}
    for name in names:
        kind = REMINDER_KINDS[name]
        started = timezone.now()
        # Messages are written in the site's language (Simplified Chinese), whoever runs this.
        with translation.override(settings.LANGUAGE_CODE):
            iterator = iter(kind.due(now))
            while True:
                chunk = list(itertools.islice(iterator, chunk_size))
                if not chunk:
                    break
                _reminders_write(kind=kind, chunk=chunk, now=now)
        # ignore_conflicts does not report which rows were skipped: count what this run added
        # (one indexed query per kind; a concurrent run of the same kind would be counted too).
        count = Notification.objects.filter(kind=name, created_at__gte=started).count()
        written[name] = count
        if count:
            logger.info("reminders: %s wrote %d notifications", name, count)
    if any(written.values()):
        transaction.on_commit(_kick_delivery)
    return written


def _reminders_write(*, kind: ReminderKind, chunk: list[Reminder], now: datetime.datetime) -> int:
    """Write one chunk: one query for the (dedup key, channel) pairs already written, one for the
    recipients, and one INSERT … ON CONFLICT DO NOTHING of the rest. A re-run over reminders
    already written builds and sends no row at all (the unique constraint still settles races
    between concurrent runs)."""
    keys = [reminder_dedup_key(kind.name, r) for r in chunk]
    written = set(
        Notification.objects.filter(dedup_key__in=set(keys))
        .order_by()
        .values_list("dedup_key", "channel")
    )
    User = get_user_model()
    recipient_ids = {r.recipient_id for r in chunk}
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=recipient_ids, is_active=True)
        .select_related("notification_preference")
        .only("pk", "email", "phone", "notification_preference")
    }
    rows = []
    for reminder, key in zip(chunk, keys, strict=True):
        user = users.get(reminder.recipient_id)
        if user is None:
            continue
        preference = _preference_of(user)
        quiet_end = None if reminder.urgent else quiet_until_for(now, preference)
        for channel in channels_for(kind.name, preference.channels if preference else None):
            if (key, channel) in written:
                continue
            address = {"email": user.email, "sms": user.phone}.get(channel, "")
            if channel != Channel.INBOX and not address:
                continue
            rows.append(
                _build_row(
                    user_id=user.pk,
                    address=address,
                    channel=channel,
                    kind=kind.name,
                    subject=reminder.subject,
                    body=reminder.body,
                    link=reminder.link,
                    urgent=reminder.urgent,
                    dedup_key=key,
                    now=now,
                    quiet_end=quiet_end,
                )
            )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
