"""Settings of the dashboards, each overridable in Django settings as REDGRID_DASHBOARDS_<NAME>."""

from django.conf import settings


def _get(name, default):
    return getattr(settings, f"REDGRID_DASHBOARDS_{name}", default)


class _Conf:
    # The most request pins drawn on the dashboard map (most urgent first): the page stays fast
    # and its query count constant however many requests are open.
    PIN_LIMIT = property(lambda self: _get("PIN_LIMIT", 500))
    # Rows in each "today's work" list (the full list is one click away).
    LIST_LIMIT = property(lambda self: _get("LIST_LIMIT", 8))
    # Days ahead of today in the "upcoming meetings" list.
    UPCOMING_DAYS = property(lambda self: _get("UPCOMING_DAYS", 14))
    # Months in the overview's trend charts.
    TREND_MONTHS = property(lambda self: _get("TREND_MONTHS", 12))


conf = _Conf()
