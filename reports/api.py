"""Monthly reports over the API (read-only, jurisdiction-scoped): /api/v1/reports/."""

from rest_framework import viewsets

from core.access import IsStaff
from reports import selectors
from reports.forms import FilterForm
from reports.serializers import ReportSerializer


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports in the caller's jurisdiction. `?period=YYYY-MM&level=grid` filter; `?all=1`
    includes superseded versions (default: the newest version of each area and month)."""

    serializer_class = ReportSerializer
    permission_classes = [IsStaff.with_permission("reports.view_report")]

    def get_queryset(self):
        user = self.request.user
        if self.action != "list" or self.request.query_params.get("all") == "1":
            return selectors.reports_for(user).order_by("-period", "level", "node_code", "-version")
        filters = FilterForm(self.request.query_params)
        period = level = None
        if filters.is_valid():
            period, level = filters.cleaned_data["period"], filters.cleaned_data["level"]
        return selectors.latest_reports(user, period=period, level=level)
