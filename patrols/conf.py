"""Settings of the patrols app (override in Django settings; defaults here)."""

from django.conf import settings


def max_check_in_metres() -> int:
    """How far from a key place a check-in may be (phone GPS is good to a few tens of metres)."""
    return int(getattr(settings, "REDGRID_PATROL_MAX_CHECK_IN_METRES", 200))


def default_frequency_days() -> int:
    return int(getattr(settings, "REDGRID_PATROL_DEFAULT_FREQUENCY_DAYS", 7))
