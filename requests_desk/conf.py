"""Settings of the requests desk, each overridable in Django settings as REDGRID_REQUESTS_<NAME>.

Working time (the clock for time limits), upload limits, abuse limits and thresholds live here;
the per-category time limits and the holiday calendar are data (Category, Holiday).
"""

import datetime

from django.conf import settings


def _get(name, default):
    return getattr(settings, f"REDGRID_REQUESTS_{name}", default)


class _Conf:
    # Working periods of a working day, local time (Asia/Shanghai), Monday–Friday unless the
    # holiday calendar says otherwise (days off, make-up working days 调休).
    @property
    def WORKING_PERIODS(self):  # noqa: N802
        return _get(
            "WORKING_PERIODS",
            ((datetime.time(9), datetime.time(12)), (datetime.time(14), datetime.time(18))),
        )

    @property
    def WORKING_WEEKDAYS(self):  # noqa: N802
        return _get("WORKING_WEEKDAYS", (0, 1, 2, 3, 4))

    @property
    def TIME_ZONE(self):  # noqa: N802
        return _get("TIME_ZONE", "Asia/Shanghai")

    # A request is "nearly due" when its deadline is less than this many hours away.
    # (REDGRID_REQUEST_NEARLY_DUE_HOURS, the reminders' earlier name, is still honoured.)
    NEARLY_DUE_HOURS = property(
        lambda self: _get(
            "NEARLY_DUE_HOURS", getattr(settings, "REDGRID_REQUEST_NEARLY_DUE_HOURS", 4)
        )
    )
    # Shenzhen: the handling unit contacts the resident within 24 hours of dispatch.
    CONTACT_WITHIN_HOURS = property(lambda self: _get("CONTACT_WITHIN_HOURS", 24))
    # Photos.
    MAX_PHOTOS = property(lambda self: _get("MAX_PHOTOS", 4))
    PHOTO_MAX_BYTES = property(lambda self: _get("PHOTO_MAX_BYTES", 8 * 1024 * 1024))
    PHOTO_MAX_PIXELS = property(lambda self: _get("PHOTO_MAX_PIXELS", 40_000_000))
    PHOTO_MAX_SIDE = property(lambda self: _get("PHOTO_MAX_SIDE", 2560))
    # Photos kept while the form is shown again with a nearby request ("+1" offer).
    PENDING_PHOTOS_SECONDS = property(lambda self: _get("PENDING_PHOTOS_SECONDS", 3600))
    # Abuse limits: (count, seconds) per client address and per phone number.
    RATE_LIMIT_PER_IP = property(lambda self: _get("RATE_LIMIT_PER_IP", (10, 3600)))
    RATE_LIMIT_PER_PHONE = property(lambda self: _get("RATE_LIMIT_PER_PHONE", (5, 3600)))
    # Looks at status pages and tracking-code lookups per address, and wrong proofs of being
    # the reporter per request and per address (requests_desk/throttle.py).
    # All looks are counted generously (carrier-grade NAT puts many residents behind one
    # address); looks at codes that do not exist — guessing — are counted strictly.
    RATE_LIMIT_STATUS = property(lambda self: _get("RATE_LIMIT_STATUS", (600, 600)))
    RATE_LIMIT_STATUS_MISSES = property(lambda self: _get("RATE_LIMIT_STATUS_MISSES", (30, 600)))
    RATE_LIMIT_PROOF = property(lambda self: _get("RATE_LIMIT_PROOF", (5, 86400)))
    # Same resident, same sub-class within this many minutes: a duplicate.
    DUPLICATE_MINUTES = property(lambda self: _get("DUPLICATE_MINUTES", 10))
    # An open request of the same sub-class within this distance is offered for "+1".
    NEARBY_METRES = property(lambda self: _get("NEARBY_METRES", 100))
    # A rating whose average is below this sends the request back to be redone (不满意重办).
    UNSATISFIED_BELOW = property(lambda self: _get("UNSATISFIED_BELOW", 3))
    QUEUE_PAGE_SIZE = property(lambda self: _get("QUEUE_PAGE_SIZE", 50))
    # Open311: the longest start_date..end_date window and the most requests in one answer.
    OPEN311_MAX_DAYS = property(lambda self: _get("OPEN311_MAX_DAYS", 90))
    OPEN311_MAX_RESULTS = property(lambda self: _get("OPEN311_MAX_RESULTS", 1000))


conf = _Conf()
