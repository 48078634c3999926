"""Settings of the service positions (REDGRID_SERVICE_POINTS_*; how settings work:
core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, positive


class ServicePointsSettings(AppSettings):
    prefix = "REDGRID_SERVICE_POINTS_"

    WALKING_DISTANCE_M = Setting(
        500,
        "Coverage report: a sub-grid is covered when a micro-site lies within this distance "
        "(metres, straight line); the default of the report's distance field.",
        check=positive,
    )
    UPCOMING_DAYS = Setting(
        30, "How many days ahead a position's public page lists activities.", check=positive
    )
    BOOKING_MAX_HOURS = Setting(12, "Longest single room booking, in hours.", check=positive)
    BOOKING_MAX_DAYS_AHEAD = Setting(
        180, "How many days ahead a room can be booked.", check=positive
    )
    PAGE_SIZE = Setting(
        30, "Positions per page of the public list; “nearest” shows this many.", check=positive
    )


conf = ServicePointsSettings()
