"""Settings of the dashboards (REDGRID_DASHBOARDS_*; how settings work: core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, positive


class DashboardsSettings(AppSettings):
    prefix = "REDGRID_DASHBOARDS_"

    # The page stays fast and its query count constant however many requests are open.
    PIN_LIMIT = Setting(
        500,
        "Most request pins drawn on the dashboard map (most urgent first).",
        check=positive,
    )
    LIST_LIMIT = Setting(
        8,
        "Rows in each “today's work” list (the full list is one click away).",
        check=positive,
    )
    UPCOMING_DAYS = Setting(
        14, "Days ahead of today in the “upcoming meetings” list.", check=positive
    )
    MAP_CACHE_SECONDS = Setting(
        3600,
        "How long the maps' layers (area grids, sub-grids, key places, service positions) stay "
        "cached (0: never). Any change to them shows at once: the cache key holds a change mark "
        "of their tables.",
    )
    PANEL_CACHE_SECONDS = Setting(
        3600,
        "How long the dashboards' panels (figures, lists, the overview's values) stay cached "
        "(0: never). Any change shows at once: the cache key holds change marks of the tables "
        "they read, and a panel is rebuilt when a deadline it shows passes.",
    )
    TREND_MONTHS = Setting(12, "Months in the overview's trend charts.", check=positive)


conf = DashboardsSettings()
