"""What Django's test client adds to an in-process request: the measuring harness's own share of
issue 17's "in-process" times.

The runner (bench.run) and the breakdown make each page's and each floor's in-process request
through Django's test client. A worker under gunicorn calls Django's WSGI handler instead; the
test client around it builds the request's environ from its cookie jar, connects a receiver for
the rendered templates and one for exceptions for each request, and reads the answer's cookies
back into its jar. Here each GET page and its floor are requested both ways in turn, as the
same person: through the test client, and through `django.core.handlers.wsgi.WSGIHandler` with
the environ the test client would have built (its cookies), the way a WSGI server calls it.
Both ways run with the connection signals as the test client sets them (no connection check
before and after each request), so that the difference is the test client's own work.

    python -m bench.harness --db redgrid_bench --pages status,dashboard,queue,positions

The table goes to stdout and to bench/results/harness-<time>.md.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import sys
import time
from pathlib import Path

from bench.breakdown import FLOORS, PAGES, _client, django_ready, middle_half

RESULTS = Path(__file__).resolve().parent / "results"


def _wsgi_get(handler, environ: dict) -> int:
    """One GET through the WSGI handler, its answer read and closed as a server does: status."""
    statuses: list[str] = []
    result = handler(
        {**environ, "wsgi.input": io.BytesIO(b"")},
        lambda status, headers, exc_info=None: statuses.append(status),
    )
    try:
        b"".join(result)
    finally:
        result.close()
    return int(statuses[0].split()[0])


@contextlib.contextmanager
def connection_checks_off():
    """As the test client runs every request (ClientHandler): no connection check before and
    after it (`close_old_connections` on Django's request signals)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _middle_mean(seconds: list[float]) -> float:
    """The mean of the middle half, in ms."""
    middle = middle_half(seconds)
    return sum(middle) / len(middle) * 1000


def measure(path: str, username: str | None, requests: int) -> tuple[float, float, int, int]:
    """`path` as `username` through the test client and through the WSGI handler, in turn:
    (test client ms, WSGI handler ms, statuses)."""
    from django.core.handlers.wsgi import WSGIHandler

    client = _client(username)
    handler = WSGIHandler()
    route, _sep, query = path.partition("?")
    for _ in range(3):  # templates compiled, caches warm, statements prepared
        client_status = client.get(path).status_code
    # The environ the test client builds, with the cookies of its jar after the warm-up.
    environ = client._base_environ(PATH_INFO=route, QUERY_STRING=query, REQUEST_METHOD="GET")
    for _ in range(3):
        wsgi_status = _wsgi_get(handler, environ)
    through_client, through_wsgi = [], []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path)
        through_client.append(time.perf_counter() - started)
        started = time.perf_counter()
        _wsgi_get(handler, environ)
        through_wsgi.append(time.perf_counter() - started)
    return (
        _middle_mean(through_client),
        _middle_mean(through_wsgi),
        client_status,
        wsgi_status,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="The test client's share of in-process times")
    parser.add_argument("--db", default="redgrid_bench_10k")
    parser.add_argument("--pages", default="status,dashboard,overview,queue,positions,open311_get")
    parser.add_argument("--requests", type=int, default=401)
    args = parser.parse_args(argv)
    django_ready(args.db)
    from requests_desk.models import Request

    code = Request.objects.order_by("id").values_list("code", flat=True)[500]
    pages = {
        "status": (f"/requests/t/{code}/", None),
        "dashboard": ("/dashboard/", "demo-gridhead"),
        "overview": ("/overview/", "demo-street"),
        "queue": ("/requests/queue/", "demo-street"),
        "positions": ("/positions/", None),
        "positions_api": ("/api/v1/positions/", None),
        "positions_map": ("/positions/map.json", None),
        "open311_get": ("/open311/v2/requests.json", None),
    }
    gc.freeze()  # as gunicorn.conf.py does in a worker
    lines = [
        f"## The test client's share ({args.db}, {time.strftime('%Y-%m-%d %H:%M')})",
        "",
        "| request | through the test client, ms | through the WSGI handler, ms | "
        "the test client adds, ms | statuses |",
        "|---|---|---|---|---|",
    ]
    measured = []
    for key in args.pages.split(","):
        key = key.strip()
        path, username = pages[key]
        _method, floor_path, floor_user = FLOORS[PAGES[key]["floor"]]
        measured.append((PAGES[key]["label"], path, username))
        floor = (floor_path.format(bytes=20_000), floor_user)
        if floor not in [(p, u) for _label, p, u in measured]:
            measured.append((f"floor: {floor_path.split('?')[0]}", *floor))
    for label, path, username in measured:
        with connection_checks_off():
            by_client, by_wsgi, client_status, wsgi_status = measure(path, username, args.requests)
        lines.append(
            f"| {label} (`{path.split('?')[0]}`{', as ' + username if username else ''}) | "
            f"{by_client:.3f} | {by_wsgi:.3f} | {by_client - by_wsgi:+.3f} | "
            f"{client_status} / {wsgi_status} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        f"Mean of the middle half of {args.requests} requests each way, taking turns.",
    ]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"harness-{stamp}.md").write_text(text)
    print(text)
    print(f"results: bench/results/harness-{stamp}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
