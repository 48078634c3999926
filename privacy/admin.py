import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is searchable and exportable by district admins, never editable."""

    list_display = (
        "created_at",
        "actor_name",
        "action",
        "subject_label",
        "fields",
        "purpose",
        "ip_address",
    )
    list_filter = ("action", "created_at")
    search_fields = ("actor_name", "subject_label", "purpose", "subject_id", "ip_address")
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export the selected entries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("when"),
                _("who"),
                _("action"),
                _("whom (masked)"),
                _("what"),
                _("why"),
                _("from where"),
                _("records"),
            ]
        )
        for entry in queryset.iterator():
            writer.writerow(
                [
                    timezone.localtime(entry.created_at).isoformat(),
                    entry.actor_name,
                    entry.get_action_display(),
                    entry.subject_label,
                    entry.fields,
                    entry.purpose,
                    entry.ip_address or "",
                    entry.record_count,
                ]
            )
        return response
