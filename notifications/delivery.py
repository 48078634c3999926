"""Delivery of pending outbox rows: in-app rows are delivered by being stored; e-mail and SMS go
through their backends. (Preferences, quiet hours, retries and batching: see issue 7.)"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications.models import Notification


def deliver_pending_batch(limit: int = 500) -> int:
    sent = 0
    with transaction.atomic():
        rows = list(Notification.objects.select_for_update(skip_locked=True)
                    .filter(status=Notification.Status.PENDING)[:limit])
        for row in rows:
            if row.channel == Notification.Channel.EMAIL:
                send_mail(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.address])
            elif row.channel == Notification.Channel.SMS:
                import_string(settings.REDGRID_SMS_BACKEND)().send(row.address, row.body)
            row.status = Notification.Status.SENT
            row.sent_at = timezone.now()
            row.attempts += 1
            row.save(update_fields=["status", "sent_at", "attempts"])
            sent += 1
    return sent
