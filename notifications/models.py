"""The notification outbox: one row per message per channel, written in the same transaction as the
event that causes it, delivered later by a task. If the broker or the mail server is down nothing
is lost: rows stay pending and the periodic delivery task picks them up when they are back."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.texts import render
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # For people without an account (residents): encrypted, never shown in full.
    address = EncryptedTextField(_("address (e-mail or phone)"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # System text as kinds and parameters (core.texts): {"subject": {...}, "body": {...}}. The
    # inbox renders them in the reader's language; subject and body are the text as sent.
    message = models.JSONField(_("system text"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    # Delivery lease: a worker claims a row by setting claimed_until (and its claim token) in a
    # short transaction, sends outside it, then marks it sent. If the worker dies after claiming,
    # the row becomes claimable again once the lease has passed.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True)
    # "<resolver>:<argument>", e.g. "reports.xlsx:42": rendered by a registered attachment resolver
    # when the e-mail is sent (see notifications.attachments).
    attachment = models.CharField(_("attachment"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            # A reminder (object, kind, due period) is written once per channel, whatever re-runs.
            models.UniqueConstraint(
                fields=["dedup_key", "channel"],
                condition=Q(dedup_key__isnull=False),
                name="notification_dedup_once_per_channel",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "channel"],
                name="notification_pending_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(
                fields=["not_before"], name="notification_due_idx", condition=Q(status="pending")
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.subject}"

    @property
    def subject_shown(self) -> str:
        return render(self.message.get("subject"), self.subject)

    @property
    def body_shown(self) -> str:
        return render(self.message.get("body"), self.body)


def _default_quiet_start():
    return datetime.time(22, 0)


def _default_quiet_end():
    return datetime.time(8, 0)


class NotificationPreference(models.Model):
    """A user's choices: which channels each kind of message uses, and quiet hours.

    `channels` maps a kind ("requests.overdue") to the channels the user wants for it, e.g.
    {"requests.overdue": ["inbox", "sms"]}. A kind missing from the map uses its default
    (notifications.kinds). Non-urgent e-mail and SMS wait until the quiet hours end.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    channels = models.JSONField(_("channels per kind"), default=dict, blank=True)
    quiet_hours_enabled = models.BooleanField(_("quiet hours"), default=True)
    quiet_start = models.TimeField(_("quiet hours start"), default=_default_quiet_start)
    quiet_end = models.TimeField(_("quiet hours end"), default=_default_quiet_end)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
