from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")
    role_permissions = {
        "district_admin": ["accounts.user", "authtoken.token", "authtoken.tokenproxy"],
        "street_staff": ["accounts.view_user", "accounts.add_user", "accounts.change_user"],
        "community_staff": ["accounts.view_user", "accounts.add_user", "accounts.change_user"],
    }
