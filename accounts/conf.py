"""Settings of the accounts app, with their defaults (override in Django settings). The sign-in
settings read from the environment (password length, staff idle timeout, lock-out, API token
lifetime) are in redgrid/settings.py; see docs/configuration.md."""

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def link_hours() -> int:
    """How long a one-time link to set a password stays usable."""
    return _get("REDGRID_PASSWORD_LINK_HOURS", 72)


def code_minutes() -> int:
    """How long an SMS code to reset a password stays usable."""
    return _get("REDGRID_PASSWORD_CODE_MINUTES", 15)


def code_attempts() -> int:
    """Wrong tries after which an SMS code ends."""
    return _get("REDGRID_PASSWORD_CODE_ATTEMPTS", 5)


def reset_limit() -> tuple[int, int]:
    """(tries, seconds): password reset requests and wrong SMS codes, counted together per login
    name and per client address."""
    return _get("REDGRID_PASSWORD_RESET_LIMIT", (10, 3600))


def staff_idle_seconds() -> int:
    return _get("REDGRID_STAFF_IDLE_SECONDS", 1800)


def api_tokens_per_user() -> int:
    return _get("REDGRID_API_TOKENS_PER_USER", 5)


def staff_import_max_rows() -> int:
    return _get("REDGRID_STAFF_IMPORT_MAX_ROWS", 1000)
