from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")
    nav_items = [
        ("dashboards:dashboard", _("Dashboard"), "staff"),
        ("dashboards:overview", pgettext_lazy("dashboards", "Overview"), "staff"),
    ]
