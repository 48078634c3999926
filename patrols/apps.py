from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFile


class PatrolsConfig(AppConfig):
    name = "patrols"
    verbose_name = _("Grid patrols")
    # Who may read each kind of stored file (core.files).
    private_files = [
        PrivateFile(
            "finding-photo", "patrols.FindingPhoto", "patrols.selectors.finding_photos_visible_to"
        ),
    ]
    nav_items = [
        ("patrols:home", _("Patrols"), "staff"),
    ]
    role_permissions = {
        "district_admin": [
            "patrols.view_patrolplan",
            "patrols.view_patrol",
            "patrols.view_checkin",
            "patrols.view_finding",
        ],
        "street_staff": [
            "patrols.patrolplan",
            "patrols.view_patrol",
            "patrols.view_checkin",
            "patrols.view_finding",
        ],
        "community_staff": [
            "patrols.patrolplan",
            "patrols.view_patrol",
            "patrols.view_checkin",
            "patrols.view_finding",
        ],
        # The grid head patrols the grid too (patrols.services.PATROLLING_ROLES).
        "grid_head": [
            "patrols.view_patrolplan",
            "patrols.view_patrol",
            "patrols.view_finding",
            "patrols.add_patrol",
            "patrols.add_checkin",
            "patrols.view_checkin",
            "patrols.add_finding",
        ],
        "grid_worker": [
            "patrols.add_patrol",
            "patrols.add_checkin",
            "patrols.add_finding",
            "patrols.view_patrol",
        ],
    }
