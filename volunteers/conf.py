"""Settings of the volunteer action (REDGRID_VOLUNTEERS_*; how settings work: core/appsettings.py)."""

from decimal import Decimal

from core.appsettings import AppSettings, Setting, positive


def _ascending_hours(value: tuple[int, ...]) -> str | None:
    if len(value) != 5 or not all(isinstance(h, int) and h > 0 for h in value):
        return "must be five positive whole numbers of hours (1 to 5 stars)"
    if list(value) != sorted(set(value)):
        return "must rise from one star to the next"
    return None


class VolunteersSettings(AppSettings):
    prefix = "REDGRID_VOLUNTEERS_"

    REGISTRATION_MONTHS = Setting(
        6,
        "A registration must be re-confirmed after this many months (docs/DOMAIN.md §4: six).",
        check=positive,
    )
    POINTS_PER_HOUR = Setting(Decimal(10), "Points credited per certified service hour.")
    STAR_HOURS = Setting(
        (100, 300, 600, 1000, 1500),
        "Certified service hours for one to five stars (Guangdong star-volunteer levels).",
        check=_ascending_hours,
    )
    ACTION_NAME = Setting(
        "",
        "The district's own name for its volunteer action, shown in the menu and on the action's "
        "page (Guangming's is 光明虹志愿行动; `make run` sets it for the demo). Empty: the "
        "translated generic name, 志愿服务行动.",
    )
    CHECKIN_WINDOW_MINUTES = Setting(
        120,
        "How long before the start and after the end of an activity a QR check-in or check-out "
        "is accepted, in minutes.",
        check=positive,
    )


conf = VolunteersSettings()


def action_name() -> str:
    """The volunteer action's name: the district's own, else the generic one in the UI language."""
    from django.utils.translation import gettext

    return conf.ACTION_NAME or gettext("Volunteer action")
