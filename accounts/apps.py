from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What django-auditlog records of each account: its rights and where its messages go (never the
# password, the last login or the TOTP key).
AUDITED_USER_FIELDS = [
    "username",
    "role",
    "district",
    "street",
    "community",
    "grid",
    "care_role",
    "may_reveal_personal_data",
    "is_active",
    "is_staff",
    "is_superuser",
    "phone",
    "email",
]


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
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django.utils.module_loading import autodiscover_modules
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from knox.models import AuthToken

        from accounts.models import PasswordToken

        auditlog.register(
            get_user_model(),
            include_fields=AUDITED_USER_FIELDS,
            m2m_fields={"groups", "user_permissions"},
        )
        auditlog.register(AuthToken, include_fields=["user", "token_key", "expiry"])
        auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(
            PasswordToken, include_fields=["user", "kind", "created_by", "expires_at", "used_at"]
        )
        # Each app hands a leaving person's work to their successor in <app>/handover.py.
        autodiscover_modules("handover")
