from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base layer")

    def ready(self) -> None:
        # Registers the system checks: app settings (unknown names, values of the wrong type) and
        # private files (every file field served through core.files).
        from core import appsettings, checks  # noqa: F401

        # Each app's system text kinds (core.texts): `<app>/texts.py`, found by name like the
        # admin's `admin.py`, so core imports no app.
        autodiscover_modules("texts")
