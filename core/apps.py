from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base layer")

    def ready(self) -> None:
        # Registers the system check of the app settings (unknown names, values of the wrong type).
        from core import appsettings  # noqa: F401
