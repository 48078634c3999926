from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyBranchesConfig(AppConfig):
    name = "party_branches"
    verbose_name = _("Party branches")
