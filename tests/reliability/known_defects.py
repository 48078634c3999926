"""Defects this suite found in other apps and that are not fixed yet (reported to their owners,
see docs/reliability.md). Each test compares what it observes with this list: a new problem
fails the test, and so does a listed problem that no longer occurs (remove it from the list once
the owning app is fixed) — the same contract as a strict xfail, per case.
"""

OPEN311 = {
    # requests_desk/open311.py + services.request_create
    "post description=HUGE accepted (201)":
        "Request.description is a TextField: max_length=2000 is not checked by full_clean; "
        "request_create should refuse more than 2,000 characters",
    "post email=not-an-email accepted (201)":
        "Open311 POST stores any e-mail string; validate with EmailValidator",
    "post email=HUGE accepted (201)": "the same: no e-mail validation, no length limit",
    "post address_string=NUL → 500": "NUL bytes reach PostgreSQL (DataError)",
    "post address_string=a NUL b → 500": "NUL bytes reach PostgreSQL (DataError)",
    "post service_code=NUL → 500": "NUL bytes reach PostgreSQL in the category filter",
    "post service_code=a NUL b → 500": "NUL bytes reach PostgreSQL in the category filter",
    "get service_request_id=NUL → 500": "NUL bytes reach PostgreSQL in code__in",
    "get service_request_id=a NUL b → 500": "NUL bytes reach PostgreSQL in code__in",
    "get service_code=NUL → 500": "NUL bytes reach PostgreSQL in category__code__in",
    "get service_code=a NUL b → 500": "NUL bytes reach PostgreSQL in category__code__in",
    "get start_date=9999-12-31T25:61:61 → 500":
        "django.utils.dateparse.parse_datetime raises ValueError for a well-formed but "
        "impossible datetime; _parse_date must catch it",
    "get end_date=9999-12-31T25:61:61 → 500": "the same in end_date",
    "get end_date=2026-13-01T00:00:00Z → 500": "the same (month 13)",
}

API = {
    # grids/api.py: query and path values go to PostgreSQL unchecked; a NUL byte is a DataError.
    # Fix: refuse NUL (and over-long values) in the view, e.g. a small serializer for the query
    # parameters with DRF's CharField (ProhibitNullCharactersValidator) or a 400 on "\x00".
    **{f"GET /api/v1/grids/ {name}={value!r} → 500": "grids: NUL byte reaches PostgreSQL"
       for name in ("community", "q", "street") for value in ("\x00", "a\x00b")},
    **{f"GET /api/v1/grids/{{code}}/ code={value!r} → 500": "grids: NUL byte in the code lookup"
       for value in ("\x00", "a\x00b")},
    # requests_desk API: the category detail looks the code up unchecked.
    **{f"GET /api/v1/request-categories/{{code}}/ code={value!r} → 500":
       "requests_desk: NUL byte in the code lookup" for value in ("\x00", "a\x00b")},
    # volunteers API: a NUL byte in the category slug/code of a new activity.
    'POST /api/v1/volunteer-activities/ category="\\u0000" → 500':
        "volunteers: the category lookup receives a NUL byte (validate the field first)",
    # notifications API: the schema documents the inbox serializer for unread-count, which
    # answers {"count": n}; annotate it with extend_schema(responses=inline_serializer(...)).
    "valid GET /api/v1/inbox/unread-count/ violates its schema":
        "notifications: wrong response schema for unread-count",
}
