from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    nav_items = [("reports:index", _("Monthly reports"), "staff")]
    role_permissions = {
        "district_admin": [
            "reports.view_report",
            "reports.add_reportrun",
            "reports.view_reportrun",
            "reports.reportsubscription",
        ],
        "street_staff": ["reports.view_report", "reports.add_reportrun", "reports.view_reportrun"],
        "community_staff": [
            "reports.view_report",
            "reports.add_reportrun",
            "reports.view_reportrun",
        ],
        "grid_head": ["reports.view_report"],
        "grid_worker": ["reports.view_report"],
    }

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from notifications.attachments import attachment_resolver_register
        from notifications.registry import kind_register
        from reports.exports import xlsx_attachment

        # Each app contributes its sections in <app>/report_sections.py.
        autodiscover_modules("report_sections")
        attachment_resolver_register("reports.xlsx", xlsx_attachment)
        kind_register("reports.monthly", _("Monthly report (subscription)"), channels=("email",))
