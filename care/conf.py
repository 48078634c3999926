"""Settings of the care app (override in Django settings; defaults here)."""

from django.conf import settings


def retention_days() -> int:
    """Days after a pairing ends before its household's personal data is anonymised.

    PIPL asks for the shortest period the purpose needs; processing records (the audit log) are kept
    separately for at least three years.
    """
    return int(getattr(settings, "REDGRID_CARE_RETENTION_DAYS", 365))


def list_page_size() -> int:
    return int(getattr(settings, "REDGRID_CARE_PAGE_SIZE", 50))
