from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _action_name() -> str:
    from volunteers.conf import action_name

    return action_name()


_STAFF = [
    "volunteers.registration",
    "volunteers.needslistitem",
    "volunteers.activity",
    "volunteers.signup",
    "volunteers.team",
    "volunteers.view_activitycategory",
]


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")
    nav_items = [
        ("volunteers:mine", _("My volunteering"), "user"),
        ("volunteers:staff_home", lazy(_action_name, str)(), "staff"),
    ]
    role_permissions = {
        "district_admin": [*_STAFF, "volunteers.activitycategory"],
        "street_staff": _STAFF,
        "community_staff": _STAFF,
        "grid_head": [
            "volunteers.view_registration",
            "volunteers.needslistitem",
            "volunteers.activity",
            "volunteers.signup",
            "volunteers.team",
            "volunteers.view_activitycategory",
        ],
        "grid_worker": [
            "volunteers.view_registration",
            "volunteers.view_needslistitem",
            "volunteers.view_activity",
            "volunteers.change_signup",
        ],
    }
