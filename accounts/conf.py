"""Settings of the accounts app (REDGRID_ACCOUNTS_*; how settings work: core/appsettings.py).

The sign-in settings read from the environment (password length, staff idle timeout, lock-out,
API token lifetime) are deployment settings in redgrid/settings.py; see docs/configuration.md."""

from core.appsettings import AppSettings, Setting, count_per_seconds, positive


class AccountsSettings(AppSettings):
    prefix = "REDGRID_ACCOUNTS_"

    PASSWORD_LINK_HOURS = Setting(
        72,
        "How long a one-time link to set a password (activation, reset by e-mail, new link from "
        "an admin) stays usable.",
        check=positive,
    )
    PASSWORD_CODE_MINUTES = Setting(
        15, "How long an SMS code to reset a password stays usable.", check=positive
    )
    PASSWORD_CODE_ATTEMPTS = Setting(
        5, "Wrong tries after which an SMS code to reset a password ends.", check=positive
    )
    PASSWORD_RESET_LIMIT = Setting(
        (10, 3600),
        "(tries, seconds): password reset requests and wrong SMS codes, counted together per "
        "login name and per client address.",
        check=count_per_seconds,
    )
    API_TOKENS_PER_USER = Setting(
        5, "Personal API tokens one account may hold at once.", check=positive
    )
    STAFF_IMPORT_MAX_ROWS = Setting(1000, "Accounts per staff .xlsx import.", check=positive)


conf = AccountsSettings()
