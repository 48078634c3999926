"""Writing notifications. Delivery happens in tasks.py; callers only enqueue."""

from django.db import IntegrityError, transaction

from notifications.models import Notification

Channel = Notification.Channel


@transaction.atomic
def notification_enqueue(*, kind: str, subject: str, body: str, user=None, email: str = "",
                         phone: str = "", channels=None, link: str = "", urgent: bool = False,
                         dedup_key: str | None = None) -> list[Notification]:
    """Queue a message for `user` (an account) or for an e-mail address / phone number.

    `channels` defaults to the in-app inbox for a user, and e-mail / SMS for the addresses given.
    Runs inside the caller's transaction: if the event rolls back, so does the notification. With
    `dedup_key`, a second call for the same key and channel writes nothing (returns no row for it).
    """
    if channels is None:
        channels = []
        if user is not None:
            channels.append(Channel.INBOX)
        if email:
            channels.append(Channel.EMAIL)
        if phone:
            channels.append(Channel.SMS)
    created = []
    for channel in channels:
        address = ""
        if channel == Channel.EMAIL:
            address = email or (getattr(user, "email", "") if user is not None else "")
        elif channel == Channel.SMS:
            address = phone or (getattr(user, "phone", "") if user is not None else "")
        if channel != Channel.INBOX and not address:
            continue
        row = Notification(recipient=user, address=address, channel=channel, kind=kind,
                           subject=subject[:200], body=body, link=link, urgent=urgent,
                           dedup_key=dedup_key)
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
    if created:
        transaction.on_commit(_kick_delivery)
    return created


def _kick_delivery():
    """Ask a worker to deliver now; if the broker is down the periodic task delivers later."""
    try:
        from notifications.tasks import deliver_pending

        deliver_pending.apply_async(ignore_result=True, retry=False)
    except Exception:  # noqa: BLE001 - broker down: the outbox keeps the rows, beat retries
        pass
