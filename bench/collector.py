"""Time in Python's cyclic garbage collector per request, with and without gc.freeze():

    python -m bench.collector --page status --requests 1500      # prints one JSON object

The same page is requested in-process (Django's test client, the bench deployment's settings)
in two arms that alternate: with the heap as it is after loading the app and two warm-up
requests, and with that heap frozen first, as gunicorn.conf.py does in a worker. Each
collection is timed through gc.callbacks; the result is the collector's time per request and
the collections of each generation per request (docs/benchmarks.md, issue 17's sixth pass).
"""

import argparse
import gc
import json
import os
import sys
import time

PAGES = {
    "status": None,  # a closed request's status page, chosen from the data
    "queue": ("demo-street", "/requests/queue/"),
    "dashboard": ("demo-gridhead", "/dashboard/"),
    "overview": ("demo-street", "/overview/"),
}


def arm(client, path: str, requests: int, *, freeze: bool) -> dict:
    for _ in range(2):
        client.get(path)
    gc.unfreeze()
    if freeze:
        gc.freeze()
    spent, started, collections = [0.0], [0.0], [0, 0, 0]

    def timer(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            collections[info["generation"]] += 1

    gc.callbacks.append(timer)
    try:
        for _ in range(requests):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        gc.callbacks.remove(timer)
        gc.unfreeze()
    return {
        "frozen": freeze,
        "collector_ms_per_request": round(spent[0] * 1000 / requests, 4),
        "collections_per_request": [round(n / requests, 4) for n in collections],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=sorted(PAGES), default="status")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--pairs", type=int, default=2, help="alternating pairs of arms")
    parser.add_argument("--db", default=None)
    args = parser.parse_args(argv)
    if args.db:
        os.environ["BENCH_DB"] = args.db
        os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{args.db}"
    from bench import env

    env.load()
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from requests_desk.models import Request

    client = Client()
    if PAGES[args.page] is None:
        code = Request.objects.filter(stage="closed").order_by("-id").values_list("code", flat=True)
        path = f"/requests/t/{code[0]}/"
    else:
        username, path = PAGES[args.page]
        client.force_login(User.objects.get(username=username))
    arms = []
    for _ in range(args.pairs):
        for freeze in (False, True):
            arms.append(arm(client, path, args.requests, freeze=freeze))
    json.dump(
        {"page": args.page, "path": path, "requests": args.requests, "arms": arms}, sys.stdout
    )
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
