"""Defects this suite found in other apps and that are not fixed yet (reported to their owners,
see docs/reliability.md). Each test compares what it observes with this list: a new problem
fails the test, and so does a listed problem that no longer occurs (remove it from the list once
the owning app is fixed) — the same contract as a strict xfail, per case.
"""

# Fixed: NUL characters are refused for every path by redgrid.middleware.RejectNulBytesMiddleware;
# request_create checks description length and e-mail addresses on every path; Open311 answers
# 400 for impossible datetimes; the inbox unread-count and read-all responses are documented.
# 2026-12-05: Open311 conforms (issue 16: description optional, address_id, media_url kept whole
# or refused, errors in the spec's format for every path and method) and every API query value
# is parsed strictly (core.query, core.pagination) — nothing to list.
OPEN311: dict[str, str] = {}

API: dict[str, str] = {}
