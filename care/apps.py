from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFile

_CARE_MODELS = [
    "care.household",
    "care.resident",
    "care.residenttag",
    "care.pairing",
    "care.visit",
    "care.householdneed",
    "care.referral",
]


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Household pairing")
    # Who may read each kind of stored file (core.files).
    private_files = [
        PrivateFile("visit-photo", "care.VisitPhoto", "care.selectors.visit_photos_visible_to"),
    ]
    # Registered Party members are paired too, so "My households" is offered to every logged-in
    # user; the page lists only what care.selectors lets them see.
    nav_items = [
        ("care:home", _("My households"), "user"),
    ]
    # Model permissions open the admin pages; which persons appear is decided by
    # care.selectors.residents_visible_to (care_role, pairing, grid head), not by these.
    role_permissions = {
        "district_admin": ["care.caretag", "care.serviceproject", "care.view_household"],
        "street_staff": ["care.view_serviceproject", "care.view_household"],
        "community_staff": [*_CARE_MODELS, "care.view_caretag", "care.serviceproject"],
        "grid_head": [
            "care.view_household",
            "care.add_household",
            "care.view_resident",
            "care.add_resident",
            "care.add_residenttag",
            "care.add_visit",
            "care.view_visit",
            "care.add_pairing",
            "care.change_pairing",
        ],
        "grid_worker": [
            "care.view_household",
            "care.add_household",
            "care.view_resident",
            "care.add_resident",
            "care.add_residenttag",
            "care.add_visit",
            "care.view_visit",
        ],
        "party_member": [
            "care.view_household",
            "care.view_resident",
            "care.add_visit",
            "care.view_visit",
        ],
    }
