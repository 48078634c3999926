"""The public positions' answers — the list page, its map data and the GeoJSON API — kept in the
cache until what they show changes (issue 17): building them took 6–25 ms of Python for ~317
positions that change a few times a day.

What an answer depends on besides the request is its `State`, read in one tiny query:

* the positions' change mark (migration 0006: triggers move it with every write to the
  positions, their functions and facilities, those lookup rows, the opening hours and the dated
  exceptions) and the boundaries' (grids 0004: the names of the communities, grids, sub-grids);
* the local day and the opening-hours *slot* of the moment: "open now" compares the time of day
  only with the opening and closing times of the hours and exceptions (service_points.hours
  .open_at_q), so it is the same all through the day between two consecutive such times. Those
  times are kept per process while the positions' mark stays (core.change_marks.MarkedValue).

An answer is built for the state's own moment (`State.at`), so the one stored under a state is the
one any moment of that state gets. What differs between visitors is in the key too: the language,
the filters and page as sent, the script prefix. The list page's content (filters, map, list) is
kept for everyone; the whole page only for anonymous visitors (core.page_cache: a hole for the
CSRF token). Only a bounded set of queries is kept (`kept_query`: no text search, no place). Each
kept answer carries an ETag of its key, so a browser asking again with it gets a 304. Without
PostgreSQL (no marks) or with REDGRID_SERVICE_POINTS_ANSWER_CACHE_SECONDS = 0, nothing is kept.

The key also holds the deployment's code (`code_stamp`: its templates, catalogues, Python and
static manifest), so a new release never serves a page its predecessor stored.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.urls import get_script_prefix
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import compress_string

from core import page_cache
from core.bounded import Bounded
from core.change_marks import MarkedValue
from core.periods import local
from grids.locate import MARK_SQL as BOUNDARIES_MARK_SQL
from service_points.conf import conf
from service_points.models import OpeningException, OpeningHours

# The positions' change mark (migration 0006), as a scalar subquery.
POSITIONS_MARK_SQL = "(SELECT version FROM service_points_positions_mark)"

# The query parameters the positions' filters read (forms.PositionFilterForm), as a form reads
# them: the last value of each.
FILTER_NAMES = ("q", "tier", "function", "facility", "open_now", "lat", "lon")
# The answers kept are those of a bounded set of queries: these parameters, once each, with a
# code (tier, function, facility, open_now) or a page number under 100. A text search, a place
# ("nearest to me") or any other parameter is answered without the cache, so that no one fills
# it with distinct answers (the API's is ~330 kB).
_CODE = r"[a-z0-9_-]{0,40}"
KEPT_PARAMS = {
    "tier": _CODE,
    "function": _CODE,
    "facility": _CODE,
    "open_now": r"[a-z]{0,5}",
    "page": r"[1-9][0-9]?",
}
_KEPT_VALUE = {name: re.compile(pattern) for name, pattern in KEPT_PARAMS.items()}


def _opening_times(_today: datetime.date) -> list[datetime.time]:
    """Every distinct opening and closing time of the hours and exceptions, sorted (one query)."""
    pairs = OpeningHours.objects.values_list("opens", "closes").union(
        OpeningException.objects.filter(opens__isnull=False).values_list("opens", "closes")
    )
    return sorted({time for pair in pairs for time in pair})


_times = MarkedValue(_opening_times, mark_sql=POSITIONS_MARK_SQL)


# What code_stamp leaves out: environments, data, tests, documentation, sources of static files
# (their manifest is in).
_NOT_CODE = {"node_modules", "var", "tests", "docs", "static", "bench", "deploy", "scripts"}


@functools.cache
def code_stamp() -> str:
    """A digest of the deployment's code — every .py, .html and .mo file of the project and the
    static files' manifest — the same in every process of a release (read once per process,
    ~50 ms)."""
    digest = hashlib.blake2b(digest_size=8)
    root = str(settings.BASE_DIR)
    for path, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in _NOT_CODE and not f.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".html", ".mo")):
                full = os.path.join(path, name)
                digest.update(os.path.relpath(full, root).encode())
                with open(full, "rb") as f:
                    digest.update(f.read())
    manifest = os.path.join(str(settings.STATIC_ROOT), "staticfiles.json")
    if os.path.exists(manifest):
        with open(manifest, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


@dataclass(frozen=True)
class State:
    """Everything the public positions' answers show that is not in the request."""

    positions: int
    boundaries: int
    day: datetime.date
    slot: datetime.time | None  # the latest opening or closing time not after `at`
    at: datetime.datetime

    @property
    def key(self) -> tuple:
        return (self.positions, self.boundaries, self.day.isoformat(), str(self.slot))


def state(at: datetime.datetime | None = None) -> State | None:
    """The state at `at` (default now), or None when answers are not kept."""
    if conf.ANSWER_CACHE_SECONDS <= 0 or connection.vendor != "postgresql":
        return None
    at = local(at).replace(microsecond=0)  # open_at_q's resolution
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {POSITIONS_MARK_SQL}, {BOUNDARIES_MARK_SQL}")
        positions, boundaries = cursor.fetchone()
    if positions is None or boundaries is None:
        return None
    times = _times.get(positions, at.date())
    index = bisect_right(times, at.time())
    slot = times[index - 1] if index else None
    return State(positions, boundaries, at.date(), slot, at)


def kept_query(request: HttpRequest) -> bool:
    """Whether the answer to `request`'s query string may be kept (KEPT_PARAMS)."""
    params = request.GET
    for name in params:
        values = params.getlist(name)
        pattern = _KEPT_VALUE.get(name)
        if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
            return False
    return True


def filters_sent(request: HttpRequest) -> tuple:
    """The filter parameters of `request` as the filter form reads them."""
    return tuple((name, request.GET.get(name)) for name in FILTER_NAMES)


def version(name: str, current: State, *parts: object) -> page_cache.PageVersion:
    """The version of answer `name` for `current` and the request's `parts`, in the current
    language and under the current script prefix (links)."""
    return page_cache.page_version(
        f"sp-{name}",
        (current.key, parts, get_script_prefix(), code_stamp()),
        seconds=conf.ANSWER_CACHE_SECONDS,
    )


# This process's copies of the answers it read or built, under the same keys (issue 17). An
# answer's key holds everything it shows (the marks, the opening-hours slot, the day, the
# language, the filters, the code), so a copy is as good as the shared cache's; reading that one
# moved the answer over the network on every request (the API's ~330 kB, the page's ~24 kB). At
# most COPIES answers of at most COPY_MAX_BYTES each (16 MB in all; the API's JSON list is
# ~330 kB, its browsable HTML page ~1.1 MB and left to the shared cache), each for at most
# ANSWER_CACHE_SECONDS after this process got it: the bounds are for memory, not freshness.
COPIES = 32
COPY_MAX_BYTES = 512_000
_COPIES = Bounded(COPIES)


def _size(value: object) -> int:
    """An answer's bytes: a page's HTML, or an API answer's (body, content type, gzipped)."""
    if isinstance(value, tuple):
        return sum(len(part) for part in value if isinstance(part, (bytes, str)))
    return len(value) if isinstance(value, (bytes, str)) else 0


def _copy(kept: page_cache.PageVersion, value: object, now: float) -> None:
    if _size(value) <= COPY_MAX_BYTES:
        _COPIES.keep_until(kept.key, now + kept.seconds, value)


def stored(kept: page_cache.PageVersion) -> object | None:
    """What is kept under `kept`: this process's copy, else the shared cache's (then copied)."""
    now = time.monotonic()
    value = _COPIES.get_until(kept.key, now)
    if value is None:
        value = cache.get(kept.key)
        if value is not None:
            _copy(kept, value, now)
    return value


def _keep(kept: page_cache.PageVersion, value: object) -> None:
    cache.set(kept.key, value, kept.seconds)
    _copy(kept, value, time.monotonic())


def _headers(
    request: HttpRequest, response: HttpResponse, answer: page_cache.PageVersion
) -> HttpResponse:
    """Browsers may keep the answer but must ask again each time (no-cache) with its ETag; not
    one to a signed-in person or an API token (core.middleware.PrivateAnswersNotStoredMiddleware
    makes it private, no-store)."""
    response["ETag"] = answer.etag
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated) and "HTTP_AUTHORIZATION" not in (
        request.META
    ):
        response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


def answer(
    request: HttpRequest,
    kept: page_cache.PageVersion,
    render: Callable[[], HttpResponse],
    *,
    compressed: bool = False,
) -> HttpResponse:
    """The answer `kept` names: 304 when the browser holds it (If-None-Match), else the stored
    one, else `render()`'s (stored when it is a 200: a refused request is rendered each time).
    `compressed`: public data (no secret to guess, so no BREACH padding) kept gzipped too and sent
    so to browsers that accept it, as django.middleware.gzip would (compressing ~30 kB took
    1.4 ms, more than the rest of the answer)."""
    if kept.etag in request.headers.get("If-None-Match", ""):
        return _headers(request, HttpResponseNotModified(), kept)
    kept_answer = stored(kept)
    if kept_answer is None:
        response = render()
        if response.status_code != 200 or response.streaming:
            return response
        body = response.content
        packed = compress_string(body) if compressed else None
        kept_answer = (body, response["Content-Type"], packed)
        _keep(kept, kept_answer)
    body, content_type, packed = kept_answer
    gzip = packed is not None and len(packed) < len(body)
    if gzip and re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = _headers(request, HttpResponse(packed, content_type=content_type), kept)
        response["ETag"] = f"W/{response['ETag']}"
        response["Content-Encoding"] = "gzip"
    else:
        response = _headers(request, HttpResponse(body, content_type=content_type), kept)
    if gzip:
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


def fragment(kept: page_cache.PageVersion, render: Callable[[], tuple[str, bool]]) -> SafeString:
    """The rendered page fragment `kept` names: the stored one, else `render()`'s — (html,
    whether to keep it)."""
    html = stored(kept)
    if html is None:
        html, keep = render()
        if keep:
            _keep(kept, html)
    return mark_safe(html)  # noqa: S308 - rendered by a template (escaped there)


def anonymous_get(request: HttpRequest) -> bool:
    """Whether the list page `request` asks for is what every anonymous visitor sending the same
    query string sees (core.page_cache.anonymous_plain_get, the query string allowed: it is in the
    key)."""
    return page_cache.anonymous_plain_get(request, query_in_key=True)
