"""What django-auditlog records about accounts: every change of rights (role, jurisdiction, care
role, reveal right, active, staff and superuser flags, groups and permissions) and of where
password messages go, plus API tokens, authenticators and password links made or removed — never
a password, a TOTP key or a token. Phone numbers are stored masked. The district admin reads it
on /accounts/history/ (accounts.people_views.history)."""

from privacy.masking import mask_phone

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


def mask_phone_value(value: str) -> str:
    """auditlog's mask callable for the phone field (it passes "None" for an empty value)."""
    return value if value in ("", "None") else mask_phone(value)


def audit_register() -> None:
    from auditlog.registry import auditlog
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from knox.models import AuthToken

    from accounts.models import PasswordToken

    auditlog.register(
        get_user_model(),
        include_fields=AUDITED_USER_FIELDS,
        m2m_fields={"groups", "user_permissions"},
        mask_fields=["phone"],
        mask_callable="accounts.audit.mask_phone_value",
    )
    auditlog.register(AuthToken, include_fields=["user", "token_key", "expiry"])
    auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
    auditlog.register(
        PasswordToken, include_fields=["user", "kind", "created_by", "expires_at", "used_at"]
    )
