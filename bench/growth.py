"""How a page's cost grows with the data: the same pages timed in-process on one database.

    python -m bench.growth --db redgrid_bench        # prints one JSON object per page

bench/run.py calls this for the benchmark database and for a small one generated the same way
(10,000 requests instead of 1,000,000, everything else equal) and reports the ratio of the two
medians. A page whose cost does not grow with the number of requests has a ratio near 1 whatever
the machine, which is what "fast on the benchmark data set" asks for; see docs/benchmarks.md.

Each page is requested with Django's test client against the production settings of the bench
deployment: twice to warm templates and caches, then REPEAT times; every request's time and
SQL time (each statement timed with `perf_counter`), the median ones and the query count are
printed. bench/run.py runs this several times per database, the databases taking turns, and
compares the medians of all their requests.
"""

import argparse
import json
import os
import statistics
import sys
import time

REPEAT = 9
DEEP_ROW = 1_000  # a row every data set has (10,000 requests give ~1,500 per street)


def pages():
    """(key, username or None, path) of every page measured, from the data in the database."""
    from django.db.models import Count

    from accounts.models import User
    from grids.models import GridAssignment
    from requests_desk.models import Request, Stage
    from requests_desk.selectors import _encode

    street_id = User.objects.get(username="demo-street").street_id
    # The grid head of the grid with the most open cases: with 10,000 requests the demo grid
    # head's grid has hardly any, and a dashboard whose lists are empty skips the queries that
    # load the listed rows' names — the comparison is between two dashboards that show rows.
    busiest = (
        Request.objects.filter(stage__in=Stage.OPEN, grid__isnull=False)
        .values("grid_id")
        .annotate(open=Count("id"))
        .order_by("-open", "grid_id")
        .values_list("grid_id", flat=True)[:1]
    )
    head = (
        GridAssignment.objects.current_grid_heads()
        .filter(grid_id__in=list(busiest))
        .values_list("user__username", flat=True)
        .first()
    ) or "demo-gridhead"
    deep = list(
        Request.objects.filter(street_id=street_id)
        .order_by("-created_at", "-id")
        .values_list("created_at", "id")[DEEP_ROW : DEEP_ROW + 1]
    )
    code = Request.objects.filter(stage="closed").order_by("-id").values_list("code", flat=True)[:1]
    result = [
        ("status", None, f"/requests/t/{code[0]}/" if code else None),
        ("dashboard", head, "/dashboard/"),
        ("overview", "demo-street", "/overview/"),
        ("overview_district", "demo-district", "/overview/"),
        # All stages, newest first: a full first page on both data sets (the default view, open
        # cases only, shows 2 rows for a street on the city's 10,000-request copy and 50 on the
        # 1,000,000 one — a different page, not a cost that grows with the data).
        ("queue", "demo-street", "/requests/queue/?stage="),
        (
            "queue_deep",
            "demo-street",
            f"/requests/queue/?stage=&after={_encode(list(deep[0]))}" if deep else None,
        ),
        ("open311_get", None, "/open311/v2/requests.json"),
    ]
    return [row for row in result if row[2]]


def measure(username, path) -> dict:
    from django.test import Client

    from accounts.models import User
    from bench.run import statements_timed

    client = Client()
    if username:
        user = User.objects.get(username=username)
        client.force_login(user)
        if user.requires_second_factor:
            # A confirmed authenticator of the benchmark's own for the session, as after the
            # second step of signing in: otherwise the page measured is the redirect to it.
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    for _ in range(2):
        client.get(path)
    runs = []
    for _ in range(REPEAT):
        with statements_timed() as statements:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        sql = sum(timing[-1] for timing in statements) * 1000
        runs.append((elapsed, sql, len(statements), response.status_code))
    assert response.status_code == 200, f"{path} as {username}: {response.status_code}"
    median = sorted(runs)[len(runs) // 2]
    return {
        "ms": round(statistics.median(r[0] for r in runs), 3),
        "runs_ms": [round(r[0], 3) for r in runs],
        "sql_ms": round(median[1], 3),
        "runs_sql_ms": [round(r[1], 3) for r in runs],
        "queries": median[2],
        "status": median[3],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    os.environ["BENCH_DB"] = args.db
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{args.db}"
    from bench import env

    env.load()
    import django

    django.setup()
    from django.test import override_settings

    from requests_desk.models import Request

    result = {"requests": Request.objects.count(), "pages": {}}
    # The Open311 list with its answer cache off: the growth of building the answer, not of
    # reading it back from Redis.
    # The same for the status page's page cache.
    with override_settings(
        REDGRID_REQUESTS_DESK_OPEN311_LIST_CACHE_SECONDS=0,
        REDGRID_REQUESTS_DESK_STATUS_PAGE_CACHE_SECONDS=0,
    ):
        for key, username, path in pages():
            result["pages"][key] = {"path": path, "user": username, **measure(username, path)}
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
