"""Settings of the volunteer action, with defaults (override with REDGRID_VOLUNTEER_* settings)."""

from decimal import Decimal

from django.conf import settings


def registration_valid_months() -> int:
    """A registration must be re-confirmed after this many months (DOMAIN.md §4: six)."""
    return int(getattr(settings, "REDGRID_VOLUNTEER_REGISTRATION_MONTHS", 6))


def points_per_hour() -> Decimal:
    return Decimal(str(getattr(settings, "REDGRID_VOLUNTEER_POINTS_PER_HOUR", 10)))


def star_thresholds() -> tuple[int, ...]:
    """Guangdong star-volunteer levels, in certified service hours (1 to 5 stars)."""
    return tuple(getattr(settings, "REDGRID_VOLUNTEER_STAR_HOURS", (100, 300, 600, 1000, 1500)))


def checkin_window_minutes() -> int:
    """How long before the start and after the end a QR check-in or check-out is accepted."""
    return int(getattr(settings, "REDGRID_VOLUNTEER_CHECKIN_WINDOW_MINUTES", 120))
