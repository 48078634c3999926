from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    nav_items = []
    role_permissions = {
        "district_admin": ["notifications.notification", "notifications.notificationpreference"],
    }

    def ready(self):
        # Each app contributes its reminder kinds in <app>/reminders.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
        # SMS and e-mail for accounts' one-time password links and codes.
        from notifications.account_channels import register

        register()
