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
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save
        from django.utils.module_loading import autodiscover_modules

        from accounts.audit import audit_register
        from accounts.middleware import audit_entry_fill

        audit_register()
        pre_save.connect(audit_entry_fill, sender=LogEntry, dispatch_uid="accounts.audit_entry")
        # Each app hands a leaving person's work to their successor in <app>/handover.py.
        autodiscover_modules("handover")
