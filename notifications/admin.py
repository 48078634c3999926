from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, NotificationPreference
from notifications.registry import REMINDER_KINDS


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox. Rows are written by the apps; here staff watch delivery and retry failures."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "not_before",
        "sent_at",
    ]
    list_filter = ["status", "channel", "urgent", "kind"]
    search_fields = ["subject", "kind", "dedup_key", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "address"]
    exclude = ["address"]  # personal data: never shown in the admin
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry now"))
    def retry(self, request, queryset):
        count = queryset.exclude(status=Notification.Status.SENT).update(
            status=Notification.Status.PENDING, not_before=None, claimed_until=None
        )
        self.message_user(
            request,
            ngettext("%d notification queued again.", "%d notifications queued again.", count)
            % count,
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "quiet_hours_enabled", "quiet_start", "quiet_end"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


def reminder_rules():
    """(name, label, rule) of every registered reminder kind, for documentation pages."""
    return [
        (k.name, k.label, k.rule) for k in sorted(REMINDER_KINDS.values(), key=lambda k: k.name)
    ]
