"""The append-only audit log of access to personal data.

Rows are only ever inserted. On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002); the
admin offers no change or delete; services expose only `audit_record`.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogEntry(models.Model):
    class Action(models.TextChoices):
        REVEAL = "reveal", _("revealed a full value")
        EXPORT = "export", _("exported records")
        PRINT = "print", _("printed records")
        SUBJECT_EXPORT = "subject_export", _("exported everything held about a person")
        CORRECT = "correct", _("corrected personal data")
        ANONYMISE = "anonymise", _("deleted or anonymised a person")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
        null=True,
    )
    actor_name = models.CharField(_("who (name at the time)"), max_length=150)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("record type")
    )
    subject_id = models.CharField(_("record id"), max_length=64, blank=True)
    subject_label = models.CharField(_("whom (masked)"), max_length=200, blank=True)
    fields = models.CharField(_("what"), max_length=200, blank=True)
    purpose = models.TextField(_("why"))
    ip_address = models.GenericIPAddressField(_("from where"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=1)

    class Meta:
        verbose_name = _("personal-data audit entry")
        verbose_name_plural = _("personal-data audit log")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
