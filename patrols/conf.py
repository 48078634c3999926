"""Settings of the patrols app (REDGRID_PATROLS_*; how settings work: core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, positive


class PatrolsSettings(AppSettings):
    prefix = "REDGRID_PATROLS_"

    # Phone GPS is good to a few tens of metres.
    MAX_CHECK_IN_METRES = Setting(
        200, "How far from a key place a patrol check-in may be, in metres.", check=positive
    )
    ESCALATE_HEAD_DAYS = Setting(
        3,
        "Days after a key place fell due before it is escalated to the grid head.",
        check=positive,
    )


conf = PatrolsSettings()
