"""The service-hours rounding rule and star levels (DOMAIN.md §4), written once.

Per started hour: the whole hours count in full; of the remaining minutes, up to 15 count as 0,
more than 15 up to 45 as half an hour, more than 45 as a full hour.
"""

from decimal import Decimal

from volunteers.conf import conf

HALF = Decimal("0.5")


def hours_for_minutes(minutes: int | float) -> Decimal:
    minutes = max(0, int(minutes))
    whole, rest = divmod(minutes, 60)
    if rest <= 15:
        extra = Decimal(0)
    elif rest <= 45:
        extra = HALF
    else:
        extra = Decimal(1)
    return Decimal(whole) + extra


def hours_between(start, end) -> Decimal:
    return hours_for_minutes((end - start).total_seconds() // 60)


def points_for_hours(hours) -> Decimal:
    return (Decimal(hours or 0) * conf.POINTS_PER_HOUR).quantize(Decimal("0.1"))


def star_level(hours) -> int:
    """0 (no star yet) to 5 stars."""
    hours = Decimal(hours or 0)
    return sum(1 for threshold in conf.STAR_HOURS if hours >= threshold)


def next_star_hours(hours) -> int | None:
    hours = Decimal(hours or 0)
    return next((t for t in conf.STAR_HOURS if hours < t), None)
