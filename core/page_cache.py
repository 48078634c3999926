"""Whole public pages kept in the cache, with a hole for the CSRF token.

A public page that looks the same to every anonymous visitor (the request status page) is rendered
once per change and then served from the cache: the caller keys it on a *change mark* read from
the database (so a write shows at once) and the language. The page's forms still need the
visitor's own CSRF token, so the stored HTML carries a placeholder where the token was and each
answer puts this visitor's token back (`django.middleware.csrf.get_token`, which also sets the
cookie when the browser has none).

Only answers that do not depend on who asks may be stored: `anonymous_plain_get` says whether a
request is such a visitor (no session, no flash messages, no query string).
"""

import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Not something a page can contain by accident: letters only, never produced by escaping.
CSRF_HOLE = "REDGRIDCSRFHOLEf3a9c1d7e5b2"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
MESSAGES_COOKIE = "messages"


def anonymous_plain_get(request: HttpRequest, *, query_in_key: bool = False) -> bool:
    """Whether the answer to `request` can be the same as every other anonymous visitor's: a GET
    without a query string from a browser with no session and no pending flash messages. With
    `query_in_key` (the caller's key holds the query string) a query string is allowed."""
    return (
        request.method == "GET"
        and (query_in_key or not request.META.get("QUERY_STRING"))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not getattr(request, "htmx", False)
    )


@dataclass(frozen=True)
class PageVersion:
    """One version of a stored page: its cache key and its ETag."""

    key: str
    etag: str
    seconds: int


def page_version(name: str, mark: object, *, seconds: int) -> PageVersion:
    """The version of page `name` (e.g. "rq-status-page:<code>") in the current language for its
    change `mark` (any repr-able value read from the database). The ETag also carries the current
    window of `seconds`: what is not in the mark (a renamed category) reaches a browser's copy
    within that time, as it reaches the cache."""
    digest = hashlib.blake2b(repr(mark).encode(), digest_size=12).hexdigest()
    language = get_language()
    window = int(time.time() // max(seconds, 1))
    return PageVersion(
        key=f"{name}:{language}:{digest}",
        etag=f'"{digest}-{language}-{window}"',
        seconds=seconds,
    )


_READ = object()


def cached_answer(
    request: HttpRequest, version: PageVersion, *, stored: Any = _READ
) -> HttpResponse | None:
    """304 when the browser already holds `version` (If-None-Match); else the stored page with
    this visitor's CSRF token; else None (render it, then page_keep). `stored`: the cache's value
    of `version.key` when the caller read it already (None: nothing stored)."""
    if version.etag in request.headers.get("If-None-Match", ""):
        return _headers(HttpResponseNotModified(), version)
    html = cache.get(version.key) if stored is _READ else stored
    if html is None:
        return None
    if CSRF_HOLE in html:
        html = html.replace(CSRF_HOLE, get_token(request))
    return _headers(HttpResponse(html), version)


def page_keep(version: PageVersion, response: HttpResponse) -> HttpResponse:
    """Keep a rendered 200 answer as `version`, its CSRF token replaced by the hole, and give it
    the version's headers."""
    _headers(response, version)
    if response.status_code != 200 or response.streaming or version.seconds <= 0:
        return response
    html = response.content.decode(response.charset or "utf-8")
    tokens = set(_TOKEN.findall(html))
    if len(tokens) > 1:
        return response  # not one render's token: do not guess
    for token in tokens:
        html = html.replace(token, CSRF_HOLE)
    cache.set(version.key, html, version.seconds)
    return response


def _headers(response: HttpResponse, version: PageVersion) -> HttpResponse:
    """Browsers may keep the page but must ask again each time (no-cache) with its ETag."""
    response["ETag"] = version.etag
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response
