"""Where a page's own time goes: the profile behind issue 17's proof rows.

A proof row (bench/run.py) says what a page adds to its floor (the bare view of its kind) against
the SQL it adds. This module says what that added time is made of. Each named part of the request
— a function of the page's, of Django's or of a library's — is timed exclusively: a part's time
excludes the parts it calls and every statement, which is timed apart as SQL (with its COMMIT).
What no part covers is "request handling": the middleware, Django's handler and the test client.

The page and its floor are measured one after the other (page, floor, page, floor…), with the
same parts installed, so that the "adds" column compares like with like on a machine whose speed
changes from second to second. Figures are the mean of the middle half of the requests (sorted by
their whole time), so that each column adds up to the total shown.

    python -m bench.breakdown                        # every page, on redgrid_bench_10k
    python -m bench.breakdown --pages submit,status --requests 401 --db redgrid_bench

The table goes to stdout and to bench/results/breakdown-<time>.md.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import inspect
import io
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

SQL = "SQL (statements and COMMIT)"
HANDLING = "request handling (middleware, Django's handler, the test client)"
VIEW = "the view's lines not in a part below (for a floor: its whole view)"

# Parts every page may pass through: label → targets ("module:attribute[.attribute]", patched
# where the caller looks them up).
COMMON = {
    "URL resolution": ["django.core.handlers.base:BaseHandler.resolve_request"],
    # The view called and every line of it not in a named part (the floors' views are all this).
    VIEW: ["django.core.handlers.base:BaseHandler._get_response"],
    "session and user read": [
        "django.contrib.sessions.middleware:SessionMiddleware.process_request",
        "django.contrib.auth:get_user",
    ],
    "CSRF token (masked per answer) and cookie": [
        "django.middleware.csrf:CsrfViewMiddleware.process_response",
        "core.page_cache:get_token",
        "dashboards.views:get_token",
        "django.template.context_processors:get_token",
    ],
    "template rendering": [
        "django.template.backends.django:Template.render",
    ],
    "cache round trips (Redis)": [
        "redis.client:Redis.execute_command",
        "redis.client:Pipeline.execute",
    ],
}

# What a submission and its floor (bench.views.form) both do: the resident form, and the floor's
# one INSERT.
FORM_PARTS = {
    "the form (fields, validation)": [
        "requests_desk.forms:ReportForm.__init__",
        "requests_desk.forms:ReportForm.is_valid",
    ],
    "the one row's INSERT through the ORM (the floor's)": [
        "django.db.models.query:QuerySet.create"
    ],
}

PAGES = {
    "status": {
        "label": "public status page",
        "floor": "limited",
        "parts": {
            "the status mark (its statement's Python)": [
                "requests_desk.selectors:public_status_mark"
            ],
            "the page's version (key, ETag)": ["core.page_cache:page_version"],
            "the stored answer (CSRF hole, headers)": ["core.page_cache:cached_answer"],
        },
    },
    "status_rendered": {
        "label": "public status page, page cache off (rendered)",
        "floor": "limited",
        "cache_off": True,
        "parts": {
            "the request and its timeline read (build)": ["requests_desk.selectors:public_request"],
            "what the public may see (masking)": ["requests_desk.public:public_case"],
            "the reporter's proof": ["requests_desk.proof:visitor_proves"],
            "the rating form's fields": ["requests_desk.forms:RatingForm.unbound_fields_html"],
            "the view's own lines": ["requests_desk.views:_status_page"],
        },
    },
    "dashboard": {
        "label": "grid head dashboard",
        "floor": "signed_in_page_head",
        "parts": {
            "the panels (marks, kept HTML)": ["dashboards.selectors:dashboard_panels"],
            "the inbox panel": [
                "dashboards.selectors:inbox_panel",
                "dashboards.views:unread_html",
            ],
            "the view's own lines": ["dashboards.views:dashboard"],
        },
    },
    "overview": {
        "label": "street overview",
        "floor": "signed_in_page",
        "parts": {
            "the overview (marks, kept HTML)": ["dashboards.overview:overview_page"],
        },
    },
    "queue": {
        "label": "staff queue, first page (street)",
        "floor": "signed_in_page",
        "parts": {
            "the option lists": ["requests_desk.queue_options:options_for"],
            "the filter form": [
                "requests_desk.forms:QueueFilterForm.for_page",
                "requests_desk.forms:QueueFilterForm.is_valid",
            ],
            "the page's rows (build)": ["requests_desk.selectors:queue_page_for"],
        },
    },
    "submit": {
        "label": "resident submission (no photo)",
        "floor": "form",
        "parts": {
            **FORM_PARTS,
            "the duplicate check and marks": ["requests_desk.services:_mark_and_duplicate"],
            "placing the point (in-memory index)": ["requests_desk.services:_place"],
            "the submitter's key and phone index (HMAC)": [
                "requests_desk.services:submitter_key",
                "requests_desk.services:blind_index",
            ],
            "the new rows built (request, timeline entry, notice)": [
                "requests_desk.models:Request.__init__",
                "requests_desk.models:RequestEvent.__init__",
                "notifications.models:Notification.__init__",
            ],
            "the new request's fields checked": ["requests_desk.models:Request.full_clean"],
            "the grid head's notice": ["requests_desk.services:new_request_notices"],
            "the INSERTs' values (encryption, geometry)": [
                "requests_desk.inserts:PreparedInsert.sql",
                "requests_desk.services:monthly_figures_add_sql",
            ],
            "the one statement's values bound (prepared; literals when not)": [
                "requests_desk.services:execute"
            ],
            "the reporter's proof and cookies": [
                "requests_desk.views:_remember_new_request",
                "requests_desk.proof:new_secret",
                "requests_desk.proof:secret_digest",
            ],
            "the service's own lines": ["requests_desk.services:request_create"],
            "the view's own lines": ["requests_desk.views:_report"],
        },
    },
    "submit_photo": {
        "label": "resident submission (one photo)",
        "floor": "form_photo",
        "parts": {
            **FORM_PARTS,
            "the photo's header check": ["requests_desk.services:photos_probe"],
            "the photo written to the storage (and its row)": [
                "requests_desk.services:photos_save",
                "django.core.files.storage.filesystem:FileSystemStorage._save",
            ],
            "the worker told (one message to the broker)": ["celery.app.task:Task.apply_async"],
            "the duplicate check and marks": ["requests_desk.services:_mark_and_duplicate"],
            "placing the point (in-memory index)": ["requests_desk.services:_place"],
            "the rest of the service (rows, encryption, notice, INSERTs)": [
                "requests_desk.services:request_create"
            ],
            "the view's own lines": ["requests_desk.views:_report"],
        },
    },
    "positions": {
        "label": "service positions page /positions/",
        "floor": "constant",
        "parts": {
            "the positions' state (its statement's Python)": ["service_points.answers:state"],
            "the answer's version (key, ETag)": ["service_points.answers:version"],
            "the stored answer (this process's copy)": ["service_points.answers:stored"],
            "the stored page (CSRF hole, headers)": ["core.page_cache:cached_answer"],
            "the view's own lines": ["service_points.views:PositionListView.get"],
        },
    },
    "positions_api": {
        "label": "service positions API /api/v1/positions/",
        "floor": "constant",
        "parts": {
            "DRF's request and answer (negotiation, permissions, finalize)": [
                "rest_framework.views:APIView.initial",
                "rest_framework.views:APIView.initialize_request",
                "rest_framework.views:APIView.finalize_response",
            ],
            "the positions' state (its statement's Python)": ["service_points.answers:state"],
            "the answer's version (key, ETag)": ["service_points.answers:version"],
            "the stored answer": ["service_points.answers:answer"],
            "the view's own lines": ["service_points.api:PositionListView.get"],
        },
    },
    "positions_map": {
        "label": "service positions map data /positions/map.json",
        "floor": "constant",
        "parts": {
            "the positions' state (its statement's Python)": ["service_points.answers:state"],
            "the answer's version (key, ETag)": ["service_points.answers:version"],
            "the stored answer": ["service_points.answers:answer"],
        },
    },
    "open311_get": {
        "label": "Open311 GET requests.json",
        "floor": "constant",
        "parts": {
            "the change mark (its statement's Python)": ["requests_desk.open311:_change_mark"],
            "the stored answer": ["requests_desk.open311:_get_requests_cached"],
        },
    },
}

# The floors (bench/views.py), measured with the same parts.
FLOORS = {
    "constant": ("GET", "/bench/constant/", None),
    "limited": ("GET", "/bench/limited/?bytes={bytes}", None),
    "signed_in_page": ("GET", "/bench/signed-in-page/", "demo-street"),
    "signed_in_page_head": ("GET", "/bench/signed-in-page/", "demo-gridhead"),
    "form": ("POST", "/bench/form/", None),
    "form_photo": ("POST", "/bench/form/", None),
}


class Clock:
    """Exclusive time per part: the running part is charged until another starts or it ends."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.last = time.perf_counter()

    def reset(self) -> None:
        self.stack.clear()
        self.spent = defaultdict(float)
        self.calls = defaultdict(int)
        self.last = time.perf_counter()

    def _charge(self) -> None:
        now = time.perf_counter()
        self.spent[self.stack[-1] if self.stack else HANDLING] += now - self.last
        self.last = now

    def enter(self, label: str) -> None:
        self._charge()
        self.stack.append(label)
        self.calls[label] += 1

    def leave(self) -> None:
        self._charge()
        self.stack.pop()


CLOCK = Clock()


def _resolve(target: str):
    module_name, _sep, attribute = target.partition(":")
    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for step in path:
        owner = getattr(owner, step)
    return owner, name


def _timed(label: str, function):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        CLOCK.enter(label)
        try:
            return function(*args, **kwargs)
        finally:
            CLOCK.leave()

    return timed


_INHERITED = object()


class Installed:
    """The parts' wrappers in place (and removed on exit); a target that does not exist in this
    checkout is reported, not fatal."""

    def __init__(self, parts: dict[str, list[str]]) -> None:
        self.parts = parts
        self.undo: list[tuple[object, str, object]] = []
        self.missing: list[str] = []

    def __enter__(self) -> Installed:
        for label, targets in self.parts.items():
            for target in targets:
                try:
                    owner, name = _resolve(target)
                    original = inspect.getattr_static(owner, name)
                except (ImportError, AttributeError):
                    self.missing.append(target)
                    continue
                if isinstance(original, (staticmethod, classmethod)):
                    wrapped = type(original)(_timed(label, original.__func__))
                else:
                    wrapped = _timed(label, original)
                # An inherited method is wrapped on the named class only, and removed after.
                own = name in vars(owner)
                setattr(owner, name, wrapped)
                self.undo.append((owner, name, original if own else _INHERITED))
        return self

    def __exit__(self, *exc) -> None:
        for owner, name, original in reversed(self.undo):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def _sql_timer(execute, sql, params, many, context):
    CLOCK.enter(SQL)
    try:
        return execute(sql, params, many, context)
    finally:
        CLOCK.leave()


def _request(client, method: str, path: str, data):
    """One request through the test client with the clock running: (total s, parts, calls)."""
    from django.db import connection

    commit = connection._commit

    def timed_commit():
        CLOCK.enter(SQL)
        try:
            return commit()
        finally:
            CLOCK.leave()

    connection._commit = timed_commit
    try:
        with connection.execute_wrapper(_sql_timer):
            CLOCK.reset()
            started = time.perf_counter()
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data=data() if callable(data) else data)
            CLOCK._charge()
            total = time.perf_counter() - started
    finally:
        del connection._commit
    return total, dict(CLOCK.spent), dict(CLOCK.calls), response.status_code


def middle_half(runs: list, key=None) -> list:
    """The middle half of `runs` sorted by `key` (the slowest and fastest quarters left out)."""
    runs = sorted(runs, key=key)
    quarter = len(runs) // 4
    return runs[quarter : len(runs) - quarter] or runs


def _middle_mean(runs: list) -> tuple[float, dict, dict]:
    """The mean of the middle half of `runs` (sorted by total): total, parts, calls per request."""
    middle = middle_half(runs, key=lambda run: run[0])
    total = sum(run[0] for run in middle) / len(middle)
    parts: dict[str, float] = defaultdict(float)
    calls: dict[str, float] = defaultdict(float)
    for _total, spent, counted, _status in middle:
        for label, seconds in spent.items():
            parts[label] += seconds / len(middle)
        for label, count in counted.items():
            calls[label] += count / len(middle)
    return total, parts, calls


def _client(username: str | None):
    from django.test import Client

    from accounts.models import User

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    client.get("/bench/constant/")
    return client


def _middleware_parts() -> dict[str, list[str]]:
    """Each middleware of settings.MIDDLEWARE as a part of its own: its `__call__` (for Django's
    MiddlewareMixin, process_request and process_response with it), less the parts it calls —
    the rest of the chain, and what COMMON names (the session read, the CSRF cookie)."""
    from django.conf import settings

    parts = {}
    for dotted in settings.MIDDLEWARE:
        module, _sep, name = dotted.rpartition(".")
        parts[f"middleware: {name}"] = [f"{module}:{name}.__call__"]
    return parts


def measure(key: str, requests: int, *, split_handling: bool = False) -> str:
    """The breakdown of page `key` against its floor, as a Markdown table; with
    `split_handling`, each middleware's own time apart from request handling."""
    from django.test import override_settings

    from bench.run import photo_bytes, sample_points, submission_body
    from requests_desk.models import Category, Request

    spec = PAGES[key]
    code = Request.objects.order_by("id").values_list("code", flat=True)[500]
    category = (
        Category.objects.filter(parent__isnull=False, active=True, code="C0102").first()
        or Category.objects.filter(parent__isnull=False, active=True).order_by("code").first()
    )
    body = submission_body(
        sample_points(2000, 11), category.pk, photo_bytes(3) if key == "submit_photo" else None
    )
    page_requests = {
        "status": ("GET", f"/requests/t/{code}/", None),
        "status_rendered": ("GET", f"/requests/t/{code}/", None),
        "dashboard": ("GET", "/dashboard/", "demo-gridhead"),
        "overview": ("GET", "/overview/", "demo-street"),
        "queue": ("GET", "/requests/queue/", "demo-street"),
        "submit": ("POST", "/requests/new/", None),
        "submit_photo": ("POST", "/requests/new/", None),
        "positions": ("GET", "/positions/", None),
        "positions_api": ("GET", "/api/v1/positions/", None),
        "positions_map": ("GET", "/positions/map.json", None),
        "open311_get": ("GET", "/open311/v2/requests.json", None),
    }
    method, path, user = page_requests[key]
    floor_method, floor_path, floor_user = FLOORS[spec["floor"]]
    data = body if method == "POST" else None
    cache_off = (
        override_settings(REDGRID_REQUESTS_DESK_STATUS_PAGE_CACHE_SECONDS=0)
        if spec.get("cache_off")
        else override_settings()
    )
    handling = _middleware_parts() if split_handling else {}
    parts = {**COMMON, **handling, **spec["parts"]}
    with cache_off, Installed(parts) as installed:
        client, floor_client = _client(user), _client(floor_user)
        size = 1
        for _ in range(3):  # templates compiled, caches warm, statements prepared
            _t, _p, _c, status = _request(client, method, path, data)
        response = client.get(path) if method == "GET" else None
        if response is not None:
            size = len(response.content)
        floor_path = floor_path.format(bytes=size)
        for _ in range(3):
            _t, _p, _c, floor_status = _request(floor_client, floor_method, floor_path, data)
        page_runs, floor_runs = [], []
        for _ in range(requests):
            page_runs.append(_request(client, method, path, data))
            floor_runs.append(_request(floor_client, floor_method, floor_path, data))
    total, spent, calls = _middle_mean(page_runs)
    floor_total, floor_spent, floor_calls = _middle_mean(floor_runs)
    labels = [SQL, HANDLING, *COMMON, *handling, *spec["parts"]]
    lines = [
        f"### {spec['label']} (`{method} {path.split('?')[0]}`, {status}) against the floor "
        f"`{floor_path.split('?')[0]}` ({floor_status})",
        "",
        "| part | calls per request (page / floor) | page ms | floor ms | the page adds, ms |",
        "|---|---|---|---|---|",
    ]
    for label in labels:
        page_ms, floor_ms = spent.get(label, 0.0) * 1000, floor_spent.get(label, 0.0) * 1000
        if page_ms < 0.0005 and floor_ms < 0.0005:
            continue
        counted = [
            f"{count:.0f}" if count is not None else "—"
            for count in (calls.get(label), floor_calls.get(label))
        ]
        lines.append(
            f"| {label} | {counted[0]} / {counted[1]} | {page_ms:.3f} | {floor_ms:.3f} | "
            f"{page_ms - floor_ms:+.3f} |"
        )
    added = (total - floor_total) * 1000
    added_sql = (spent.get(SQL, 0.0) - floor_spent.get(SQL, 0.0)) * 1000
    lines.append(
        f"| **in all** | | **{total * 1000:.3f}** | **{floor_total * 1000:.3f}** | "
        f"**{added:+.3f}** |"
    )
    lines.append("")
    ratio = f"{added / added_sql:.2f}× the SQL it adds" if added_sql > 0 else "no SQL added"
    lines.append(
        f"The page: {total * 1000:.3f} ms, {spent.get(SQL, 0.0) * 1000:.3f} ms of it SQL "
        f"({total / spent[SQL] if spent.get(SQL) else 0:.2f}×). What it adds to the floor: "
        f"{added:.3f} ms for {added_sql:.3f} ms of SQL ({ratio}). Mean of the middle half of "
        f"{requests} requests each."
    )
    if installed.missing:
        lines.append(f"Not found in this checkout: {', '.join(installed.missing)}.")
    return "\n".join(lines) + "\n"


def django_ready(db: str) -> None:
    """Django set up on the benchmark database `db` with the bench settings, the static files
    collected and the demo's service positions present (as bench.run has them)."""
    os.environ["BENCH_DB"] = db
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{db}"
    from bench import env

    env.load()
    import django

    django.setup()
    from bench.run import positions_ensure, static_ready

    static_ready()
    positions_ensure()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Where a page's own time goes (issue 17)")
    parser.add_argument("--db", default="redgrid_bench_10k")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="comma-separated: " + ", ".join(PAGES)
    )
    parser.add_argument("--requests", type=int, default=201)
    parser.add_argument(
        "--middleware",
        action="store_true",
        help="each middleware's own time apart (else within request handling)",
    )
    args = parser.parse_args(argv)
    django_ready(args.db)
    gc.freeze()  # as gunicorn.conf.py does in a worker
    out = io.StringIO()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out.write(
        f"## Where the pages' own time goes ({args.db}, {time.strftime('%Y-%m-%d %H:%M')})\n\n"
    )
    for key in args.pages.split(","):
        table = measure(key.strip(), args.requests, split_handling=args.middleware)
        print(table, flush=True)
        out.write(table + "\n")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"breakdown-{stamp}.md").write_text(out.getvalue())
    print(f"results: bench/results/breakdown-{stamp}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
