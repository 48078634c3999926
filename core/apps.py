from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Base layer")

    def ready(self) -> None:
        # Registers the system checks: app settings (unknown names, values of the wrong type) and
        # private files (every file field served through core.files).
        from core import appsettings, checks, csrf  # noqa: F401

        # CSRF secrets and masks drawn with one system call each, not one per character.
        csrf.install()

        # Each app's system text kinds (core.texts): `<app>/texts.py`, found by name like the
        # admin's `admin.py`, so core imports no app.
        autodiscover_modules("texts")
