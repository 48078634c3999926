from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base layer")

    def ready(self):
        from core import checks  # noqa: F401 - registers the private-file system checks
