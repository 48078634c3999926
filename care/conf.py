"""Settings of the care app (REDGRID_CARE_*; how settings work: core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, positive


class CareSettings(AppSettings):
    prefix = "REDGRID_CARE_"

    # PIPL asks for the shortest period the purpose needs; processing records (the audit log) are
    # kept separately, for at least three years.
    RETENTION_DAYS = Setting(
        365,
        "Days after a pairing ends before the household's personal data is anonymised.",
        check=positive,
    )
    PAGE_SIZE = Setting(50, "Households per page in the household lists.", check=positive)
    VISIT_ESCALATE_HEAD_DAYS = Setting(
        7,
        "Days after a visit fell due before the overdue visit is escalated to the grid head.",
        check=positive,
    )


conf = CareSettings()
