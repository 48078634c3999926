from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base layer")

    def ready(self) -> None:
        # Registers the system checks: app settings (unknown names, values of the wrong type) and
        # private files (every file field served through core.files).
        from core import appsettings, checks  # noqa: F401
