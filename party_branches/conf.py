"""Settings of the Party branches (REDGRID_PARTY_BRANCHES_*; how settings work: core/appsettings.py)."""

from core.appsettings import AppSettings, Setting, positive


class PartyBranchesSettings(AppSettings):
    prefix = "REDGRID_PARTY_BRANCHES_"

    # The sheet holds full phone and ID numbers: it lives only as long as the import needs it.
    IMPORT_SHEET_HOURS = Setting(
        24,
        "Hours an uploaded member sheet may wait for its import before it is deleted.",
        check=positive,
    )


conf = PartyBranchesSettings()
