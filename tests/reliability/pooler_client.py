"""Run by tests/reliability/test_pgbouncer.py in a subprocess, with the test settings (the production
module with the suite's keys and static files served as in development) and DATABASE_URL pointing
at PgBouncer: several clients at once, as gunicorn's workers would be,
through the paths that use what a pooler can break — the public status page (its change mark
and reads are prepared statements, core.prepared), the staff pages (the session and user reads
are prepared), the resident's submission (the duplicate check and marks, prepared) and the
queue's export (QuerySet.iterator: a server-side cursor, unless DISABLE_SERVER_SIDE_CURSORS).

    python tests/reliability/pooler_client.py '<json: codes, session, category, point, rounds>'

Prints one JSON object: the answers' status codes counted (as a browser gets them), the exceptions
Django logged counted by message, and the
fewest statements a resident client's connection had prepared at its end.
"""

import collections
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redgrid.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.signals import got_request_exception  # noqa: E402
from django.db import close_old_connections, connections  # noqa: E402
from django.test import Client  # noqa: E402

ARGS = json.loads(sys.argv[1])
answers: collections.Counter = collections.Counter()
errors: collections.Counter = collections.Counter()
prepared: list[int] = []
lock = threading.Lock()


def _logged(sender, request=None, **kwargs):
    """An exception Django logs (got_request_exception), by the thread's current path's name."""
    exc = sys.exc_info()[1]
    with lock:
        errors[f"{current.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"] += 1


got_request_exception.connect(_logged)
current = threading.local()


def _count(name, call):
    """One request: the answer's status as the client gets it (a 500 or a 503 included), and
    what Django logged on the way (_logged)."""
    current.name = name
    response = call()
    close_old_connections()  # as a served request ends (the test client leaves it out)
    with lock:
        answers[f"{name} {response.status_code}"] += 1


def closing(work):
    """A client's work, its connection closed whatever happens: in session mode a connection left
    open keeps its server connection, and the other clients would wait for it."""

    def run(n: int) -> None:
        try:
            work(n)
        except Exception as exc:  # noqa: BLE001 - reported, not raised in a thread
            with lock:
                errors[f"{work.__name__}: {type(exc).__name__}: {str(exc)[:200]}"] += 1
        finally:
            connections.close_all()

    return run


@closing
def resident(n: int) -> None:
    client = Client(REMOTE_ADDR=f"10.9.0.{n + 1}", raise_request_exception=False)
    codes = ARGS["codes"]
    for i in range(ARGS["rounds"]):
        code = codes[(i * 3 + n) % len(codes)]
        _count("status", lambda code=code: client.get(f"/requests/t/{code}/"))
    lon, lat = ARGS["point"]
    body = {
        "category": ARGS["category"],
        "description": "楼道灯坏了（连接池检查）",
        "lat": lat,
        "lon": lon,
        "reporter_phone": f"1390000{n:04d}",
        "consent": "on",
        "confirm_new": "on",
    }
    _count("submit", lambda: client.post("/requests/new/", body))
    # What this client's connection has prepared: where a pooler keeps a client on one server
    # connection (session mode), the hot reads' statements.
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        (count,) = cursor.fetchone()
    with lock:
        prepared.append(count)


@closing
def staff(n: int) -> None:
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = ARGS["session"]
    for _ in range(ARGS["rounds"] // 3):
        _count("queue", lambda: client.get("/requests/queue/"))
        _count(
            "export",
            lambda: client.post("/requests/queue/export/?stage=open", {"purpose": "连接池检查"}),
        )


threads = [threading.Thread(target=resident, args=(n,)) for n in range(4)]
threads += [threading.Thread(target=staff, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(
    json.dumps(
        {"answers": answers, "errors": errors, "prepared": min(prepared, default=0)},
        ensure_ascii=False,
    )
)
