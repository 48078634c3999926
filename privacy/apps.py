from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")
    role_permissions = {"district_admin": ["privacy.view_auditlogentry"]}
