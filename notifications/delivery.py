"""Delivery of pending outbox rows (e-mail and SMS; inbox rows are delivered by being stored).

Claim → send → mark:

1. **Claim** (a short transaction): pick due pending rows with
   `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same row, and set a
   lease (`claimed_until`) and a claim token. The UPDATE re-checks the lease condition, which also
   keeps two workers apart on SQLite (no row locks there).
2. **Send** outside any transaction: a slow SMTP server or SMS gateway never holds locks.
3. **Mark** each row right after its send (one UPDATE per row, to keep the window in which a
   crash could cause a resend as small as possible): status sent. A failed send puts the row back
   with a backoff (`not_before`) and the error, or marks it failed after the last attempt.

A worker killed mid-batch leaves claimed-but-unsent rows; they become claimable again when the
lease passes. So every row is sent at most once per claim and at least once overall; a row marked
sent is never claimed again.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.attachments import attachment_render
from notifications.conf import conf
from notifications.models import Notification
from notifications.quiet_hours import quiet_until_for
from notifications.sms import sms_backend

logger = logging.getLogger(__name__)
Status = Notification.Status
Channel = Notification.Channel


def _claimable(now):
    return (
        Notification.objects.filter(status=Status.PENDING, channel__in=[Channel.EMAIL, Channel.SMS])
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def claim_batch(*, limit: int, now=None) -> tuple[str, list[Notification]]:
    """Reserve up to `limit` due rows for this worker; returns (token, rows)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            _claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return token, []
        _claimable(now).filter(id__in=ids).update(
            claimed_until=now + timedelta(seconds=conf.LEASE_SECONDS),
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    rows = list(
        Notification.objects.filter(id__in=ids, claim_token=token)
        .select_related("recipient__notification_preference")
        .order_by("id")
    )
    return token, rows


def _release_for_quiet_hours(rows, token, now) -> list[Notification]:
    """Rows whose recipient entered quiet hours since they were queued wait again."""
    ready = []
    for row in rows:
        if row.urgent:
            ready.append(row)
            continue
        preference = None
        if row.recipient is not None:
            preference = getattr(row.recipient, "notification_preference", None)
        until = quiet_until_for(now, preference)
        if until is None:
            ready.append(row)
            continue
        Notification.objects.filter(pk=row.pk, claim_token=token).update(
            not_before=until, claimed_until=None, claim_token="", attempts=F("attempts") - 1
        )
    return ready


def _message_id_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "redgrid.local"


def _send(row: Notification, connection) -> None:
    if row.channel == Channel.EMAIL:
        message = EmailMessage(
            row.subject,
            _email_body(row),
            settings.DEFAULT_FROM_EMAIL,
            [row.address],
            connection=connection,
            # A stable Message-ID per outbox row: if a worker dies between sending and marking
            # the row sent, the one resend carries the same Message-ID, which mail systems use
            # to recognise the duplicate (the SMS path passes message_id for the same reason).
            headers={
                "X-RedGrid-Notification": str(row.pk),
                "Message-ID": f"<redgrid-notification-{row.pk}@{_message_id_domain()}>",
            },
        )
        if row.attachment:
            message.attach(*attachment_render(row.attachment))
        message.send()
    elif row.channel == Channel.SMS:
        sms_backend().send(
            row.address, f"{row.subject}：{row.body}"[:300], message_id=f"redgrid-{row.pk}"
        )


def _email_body(row) -> str:
    return f"{row.body}\n\n{row.link}" if row.link else row.body


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=conf.RETRY_BASE_SECONDS * 4 ** max(attempts - 1, 0))


def deliver_pending_batch(limit: int | None = None) -> dict[str, int]:
    """Claim, send and mark one batch. Returns counts: claimed, sent, failed, deferred."""
    now = timezone.now()
    token, rows = claim_batch(limit=limit or conf.BATCH_SIZE, now=now)
    counts = {"claimed": len(rows), "sent": 0, "failed": 0, "deferred": 0}
    if not rows:
        return counts
    ready = _release_for_quiet_hours(rows, token, now)
    counts["deferred"] = len(rows) - len(ready)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - mail server down: e-mails retry, SMS still goes
        logger.warning("Mail server unreachable: %s", exc)
        connection = None
    try:
        for row in ready:
            try:
                if row.channel == Channel.EMAIL and connection is None:
                    raise ConnectionError("mail server unreachable")
                _send(row, connection)
            except Exception as exc:  # noqa: BLE001 - any send failure is retried with backoff
                _mark_failed(row, token, exc)
                counts["failed"] += 1
                continue
            marked = Notification.objects.filter(pk=row.pk, claim_token=token).update(
                status=Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
            )
            if not marked:
                logger.warning("notification %s was sent after its lease ran out", row.pk)
            counts["sent"] += 1
    finally:
        if connection is not None:
            connection.close()
    return counts


def _mark_failed(row, token, exc) -> None:
    attempts = row.attempts  # already counts this attempt (the claim incremented it)
    final = attempts >= conf.MAX_ATTEMPTS
    Notification.objects.filter(pk=row.pk, claim_token=token).update(
        status=Status.FAILED if final else Status.PENDING,
        not_before=None if final else timezone.now() + _backoff(attempts),
        claimed_until=None,
        last_error=f"{type(exc).__name__}: {exc}"[:300],
    )
    logger.warning(
        "notification %s: send attempt %s failed (%s)", row.pk, attempts, type(exc).__name__
    )


def deliver_pending(*, time_budget: float | None = None) -> dict[str, int]:
    """Deliver batches until nothing is due or the time budget is spent."""
    budget = conf.TIME_BUDGET if time_budget is None else time_budget
    started = time.monotonic()
    totals = {"claimed": 0, "sent": 0, "failed": 0, "deferred": 0}
    while True:
        counts = deliver_pending_batch()
        for key, value in counts.items():
            totals[key] += value
        if not counts["claimed"] or time.monotonic() - started > budget:
            return totals
