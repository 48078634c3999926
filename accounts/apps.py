from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")
    nav_items = [("accounts:people", _("Accounts"), "managers")]
    role_permissions = {
        "district_admin": ["accounts.user"],
        "street_staff": ["accounts.view_user", "accounts.add_user", "accounts.change_user"],
        "community_staff": ["accounts.view_user", "accounts.add_user", "accounts.change_user"],
    }

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from accounts.audit import audit_register

        audit_register()
        # Each app hands a leaving person's work to their successor in <app>/handover.py.
        autodiscover_modules("handover")
