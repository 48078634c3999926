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
    ANSWER_CACHE_SECONDS = Setting(
        3600,
        "How long the public list of positions (as anonymous visitors see it), its map data and "
        "the GeoJSON API list stay cached (0: never). Any change to the positions, their hours, "
        "functions, facilities or areas shows at once: the key holds their change marks, and the "
        "opening-hours slot of the moment for “open now”.",
    )


conf = ServicePointsSettings()
