"""Settings of the hierarchy app (REDGRID_GRIDS_*; how settings work: core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, count_per_seconds, positive


class GridsSettings(AppSettings):
    prefix = "REDGRID_GRIDS_"

    RATE_LIMIT_PLACES = Setting(
        (120, 60),
        "Public place search and “which grid is this” (the resident form's gazetteer): "
        "(looks, seconds) per client address.",
        check=count_per_seconds,
    )
    NEAREST_PLACE_METRES = Setting(
        1000,
        "The nearest known place shown after a tap on the form is at most this far away.",
        check=positive,
    )


conf = GridsSettings()
