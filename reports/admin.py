from django.contrib import admin

from grids.admin import JurisdictionScopedAdmin
from reports.models import Report, ReportRun, ReportSubscription


@admin.register(Report)
class ReportAdmin(JurisdictionScopedAdmin):
    """Read-only: reports are immutable snapshots (regenerate from /reports/ for a new version)."""

    list_display = ["period", "level", "node_name", "version", "generated_at", "code_version"]
    list_filter = ["level", "period"]
    search_fields = ["node_name", "node_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = [
        "period",
        "status",
        "done_steps",
        "total_steps",
        "reports_created",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
