from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFile


class RequestsDeskConfig(AppConfig):
    name = "requests_desk"
    verbose_name = _("Requests desk")
    # Who may read each kind of stored file (core.files).
    private_files = [
        PrivateFile(
            "request-photo",
            "requests_desk.RequestPhoto",
            "requests_desk.selectors.photos_visible_to",
        ),
    ]
    nav_items = [
        ("requests_desk:new", _("Report a problem"), "public"),
        ("requests_desk:mine", _("My requests"), "public"),
        ("areas:list", _("Reports by area"), "public"),
        ("requests_desk:queue", _("Requests queue"), "staff"),
    ]
    role_permissions = {
        "district_admin": [
            "requests_desk.request",
            "requests_desk.requestevent",
            "requests_desk.category",
            "requests_desk.department",
            "requests_desk.holiday",
            "requests_desk.holidaycalendaryear",
            "requests_desk.open311client",
            "requests_desk.view_rating",
        ],
        "street_staff": [
            "requests_desk.view_request",
            "requests_desk.change_request",
            "requests_desk.add_request",
            "requests_desk.view_requestevent",
            "requests_desk.view_category",
            "requests_desk.department",
            "requests_desk.holiday",
            "requests_desk.view_rating",
        ],
        "community_staff": [
            "requests_desk.view_request",
            "requests_desk.change_request",
            "requests_desk.add_request",
            "requests_desk.view_requestevent",
            "requests_desk.view_category",
            "requests_desk.view_department",
            "requests_desk.view_holiday",
            "requests_desk.view_rating",
        ],
        "grid_head": [
            "requests_desk.view_request",
            "requests_desk.change_request",
            "requests_desk.add_request",
            "requests_desk.view_rating",
        ],
        "grid_worker": [
            "requests_desk.view_request",
            "requests_desk.change_request",
            "requests_desk.add_request",
        ],
    }
