"""The notification outbox: one row per message per channel, written in the same transaction as the
event that causes it, delivered later by a task. If the broker or the mail server is down nothing
is lost: rows stay pending and the periodic delivery task picks them up when they are back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.crypto import EncryptedTextField


class Notification(models.Model):
    class Channel(models.TextChoices):
        INBOX = "inbox", _("in-app inbox")
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="notifications", verbose_name=_("recipient"),
    )
    # For people without an account (residents): encrypted, never shown in full.
    address = EncryptedTextField(_("address (e-mail or phone)"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            # A reminder (object, kind, due period) is written once per channel, whatever re-runs.
            models.UniqueConstraint(fields=["dedup_key", "channel"],
                                    condition=Q(dedup_key__isnull=False),
                                    name="notification_dedup_once_per_channel"),
        ]
        indexes = [
            models.Index(fields=["status", "channel"], name="notification_pending_idx",
                         condition=Q(status="pending")),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.subject}"
