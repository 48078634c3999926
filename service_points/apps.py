from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFile

_POSITION_MODELS = [
    "service_points.serviceposition",
    "service_points.openinghours",
    "service_points.openingexception",
    "service_points.positionphoto",
    "service_points.room",
    "service_points.booking",
]


class ServicePointsConfig(AppConfig):
    name = "service_points"
    verbose_name = _("Service positions")
    # Who may read each kind of stored file (core.files).
    private_files = [
        PrivateFile(
            "position-photo",
            "service_points.PositionPhoto",
            "service_points.selectors.position_photos_visible_to",
        ),
    ]
    nav_items = [
        ("service_points:list", _("Service positions"), "public"),
        ("service_points:rooms", _("Room bookings"), "staff"),
    ]
    role_permissions = {
        "district_admin": [*_POSITION_MODELS, "service_points.facility", "service_points.function"],
        "street_staff": [
            *_POSITION_MODELS,
            "service_points.view_facility",
            "service_points.view_function",
        ],
        "community_staff": [
            *_POSITION_MODELS,
            "service_points.view_facility",
            "service_points.view_function",
        ],
        "grid_head": [
            "service_points.view_serviceposition",
            "service_points.view_room",
            "service_points.view_booking",
            "service_points.add_booking",
            "service_points.change_booking",
        ],
        "grid_worker": [
            "service_points.view_serviceposition",
            "service_points.view_room",
            "service_points.view_booking",
        ],
    }
