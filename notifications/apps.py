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
        # The bell's count, read with the session's user (notifications.context_processors).
        from accounts.session_user import read_with_user
        from notifications.models import Notification

        column = {
            name: Notification._meta.get_field(name).column
            for name in ("recipient", "channel", "read_at")
        }
        read_with_user(
            "inbox_unread",
            # notifications.selectors.unread_count, on the (recipient, channel, read_at) index.
            f"SELECT count(*) FROM {Notification._meta.db_table} "
            f"WHERE {column['recipient']} = {{user}} "
            f"AND {column['channel']} = '{Notification.Channel.INBOX.value}' "
            f"AND {column['read_at']} IS NULL",
        )
