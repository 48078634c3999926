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
