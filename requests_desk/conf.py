"""Settings of the requests desk (REDGRID_REQUESTS_DESK_*; how settings work: core/appsettings.py).

Working time (the clock for time limits), abuse limits and thresholds live here (photo limits are
the base layer's, core.conf);
the per-category time limits and the holiday calendar are data (Category, Holiday).
"""

import datetime

from core.appsettings import AppSettings, Setting, count_per_seconds, positive


def _periods(value: tuple[tuple[datetime.time, datetime.time], ...]) -> str | None:
    if not value or not all(
        len(p) == 2 and all(isinstance(t, datetime.time) for t in p) and p[0] < p[1] for p in value
    ):
        return "must be ((start, end), …) pairs of datetime.time, each start before its end"
    return None


def _weekdays(value: tuple[int, ...]) -> str | None:
    if not value or not all(isinstance(d, int) and 0 <= d <= 6 for d in value):
        return "must be weekday numbers, 0 (Monday) to 6 (Sunday)"
    return None


class RequestsDeskSettings(AppSettings):
    prefix = "REDGRID_REQUESTS_DESK_"

    # Monday–Friday unless the holiday calendar says otherwise (days off, make-up working days 调休).
    WORKING_PERIODS = Setting(
        ((datetime.time(9), datetime.time(12)), (datetime.time(14), datetime.time(18))),
        "Working periods of a working day, local time: the clock that time limits run on.",
        check=_periods,
    )
    WORKING_WEEKDAYS = Setting((0, 1, 2, 3, 4), "Working weekdays, 0 = Monday.", check=_weekdays)
    NEARLY_DUE_HOURS = Setting(
        4,
        "A request is “nearly due” when its deadline is less than this many hours away (queue "
        "filter, badge, reminder).",
        check=positive,
    )
    # Shenzhen: the handling unit contacts the resident within 24 hours of dispatch.
    CONTACT_WITHIN_HOURS = Setting(
        24, "Hours after dispatch within which the resident must be contacted.", check=positive
    )
    ESCALATE_HEAD_HOURS = Setting(
        24,
        "Hours past the deadline before a running request is escalated to the grid head.",
        check=positive,
    )
    ESCALATE_COMMUNITY_HOURS = Setting(
        72,
        "Hours past the deadline before a running request is escalated to the community staff.",
        check=positive,
    )
    EXPORT_MAX_ROWS = Setting(
        20000, "Most requests in one .xlsx export of the queue.", check=positive
    )
    CALENDAR_WARN_DAYS = Setting(
        60,
        "Days before the holiday calendar's last covered day from which the district admins are "
        "reminded to import the next year's schedule.",
        check=positive,
    )
    PENDING_PHOTOS_SECONDS = Setting(
        3600,
        "How long photos are kept while the form is shown again with a nearby request (“+1”).",
        check=positive,
    )
    RATE_LIMIT_PER_IP = Setting(
        (10, 3600),
        "Abuse limit of the resident form: (requests, seconds) per client address.",
        check=count_per_seconds,
    )
    RATE_LIMIT_PER_PHONE = Setting(
        (5, 3600),
        "Abuse limit of the resident form: (requests, seconds) per phone number.",
        check=count_per_seconds,
    )
    # Looks at status pages and tracking-code lookups per address, and wrong proofs of being the
    # reporter per request and per address (requests_desk/throttle.py). All looks are counted
    # generously (carrier-grade NAT puts many residents behind one address); looks at codes that
    # do not exist — guessing — are counted strictly.
    RATE_LIMIT_STATUS = Setting(
        (600, 600),
        "Status page and tracking-code lookups: (looks, seconds) per client address.",
        check=count_per_seconds,
    )
    RATE_LIMIT_STATUS_MISSES = Setting(
        (30, 600),
        "Looks at tracking codes that do not exist: (looks, seconds) per client address.",
        check=count_per_seconds,
    )
    RATE_LIMIT_PROOF = Setting(
        (5, 86400),
        "Wrong proofs of being the reporter: (tries, seconds) per request and per address.",
        check=count_per_seconds,
    )
    # "我的诉求" (requests_desk/mine.py): a resident lists their requests with an SMS code.
    MINE_CODE_SECONDS = Setting(
        600, "“My requests”: how long an SMS code stays usable, in seconds.", check=positive
    )
    MINE_CODE_TRIES = Setting(
        5, "“My requests”: wrong codes after which a code ends (ask for a new one).", check=positive
    )
    MINE_SESSION_SECONDS = Setting(
        1800,
        "“My requests”: how long a phone proved by its SMS code counts in that browser session.",
        check=positive,
    )
    RATE_LIMIT_MINE_PER_PHONE = Setting(
        (3, 3600),
        "“My requests”: SMS codes sent, (codes, seconds) per phone number.",
        check=count_per_seconds,
    )
    RATE_LIMIT_MINE_PER_IP = Setting(
        (10, 3600),
        "“My requests”: SMS codes asked for, (codes, seconds) per client address.",
        check=count_per_seconds,
    )
    RATE_LIMIT_ALERT_SUBSCRIBE = Setting(
        (5, 3600),
        "Alerts of new reports in an area: subscriptions (requests, seconds) per client address "
        "and per e-mail address or phone number.",
        check=count_per_seconds,
    )
    ALERTS_PER_DAY = Setting(
        20,
        "Alerts of new reports in an area: the most one subscription receives in a day.",
        check=positive,
    )
    DUPLICATE_MINUTES = Setting(
        10,
        "Same resident, same sub-class within this many minutes: refused as a duplicate.",
        check=positive,
    )
    NEARBY_METRES = Setting(
        100,
        "An open request of the same sub-class within this distance is offered for “+1”.",
        check=positive,
    )
    # 不满意重办
    UNSATISFIED_BELOW = Setting(
        3,
        "A rating whose average is below this sends the request back to be redone.",
        check=positive,
    )
    # Separation of duties (职责分离): the district decides; on unless it turns it off.
    SEPARATE_VERIFICATION = Setting(
        True,
        "Separation of duties: whoever handled a case (the person it was dispatched to, or who "
        "started handling it or reported it done) may not verify it on site.",
    )
    QUEUE_PAGE_SIZE = Setting(50, "Requests per page of the staff queue.", check=positive)
    OPEN311_MAX_DAYS = Setting(
        90, "Open311: the longest start_date..end_date window, in days.", check=positive
    )
    STATUS_PAGE_CACHE_SECONDS = Setting(
        120,
        "How long the public status page, as every anonymous visitor sees it, is served from the "
        "cache (0: never). A change of the request (stage, reply, “+1”, rating) shows at once; "
        "renamed categories or places show within this many seconds.",
    )
    OPEN311_MAX_RESULTS = Setting(1000, "Open311: the most requests in one answer.", check=positive)
    OPEN311_LIST_CACHE_SECONDS = Setting(
        10,
        "Open311: how long a GET requests answer is served from the cache (0: never). Any new "
        "request or timeline entry starts a new answer at once; other edits show within this "
        "many seconds.",
    )


conf = RequestsDeskSettings()
