"""The soak harness: a database of its own (redgrid_soak), gunicorn and Celery workers started as
separate processes with tests.soak.settings, a threaded load client that reads every answer, and
direct SQL for counting. Nothing here uses the test database of `make test`."""

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.soak.settings"
DB = "redgrid_soak"
CSRF = "soakcsrf" + "y" * 24
RESULTS = ROOT / "bench" / "results"
SINK = Path("/tmp/redgrid-soak-sms.log")
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
]


def environment() -> dict:
    from bench import env

    os.environ["BENCH_DB"] = DB
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{DB}"
    env.load()
    result = dict(os.environ)
    result.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        REDGRID_SOAK_SINK=str(SINK),
        PYTHONPATH=str(ROOT),
        REDGRID_LOG_LEVEL="WARNING",
    )
    return result


def sql(query: str, params=()) -> list:
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:5432/{DB}", autocommit=True, connect_timeout=5
    ) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def manage_shell(code: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])
    return result.stdout


def record(name: str, data: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"soak-{name}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str)
    )


# --- Redis ----------------------------------------------------------------------------------------


def redis_alive() -> bool:
    return (
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True
        ).stdout.strip()
        == "PONG"
    )


def redis_start() -> None:
    """Start Redis the way the shared machine runs it (other engineers need it)."""
    if not redis_alive():
        subprocess.run(REDIS_START, check=True)
    for _ in range(50):
        if redis_alive():
            return
        time.sleep(0.1)
    raise RuntimeError("Redis did not come back")


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], capture_output=True)
    for _ in range(50):
        if not redis_alive():
            return
        time.sleep(0.1)


# --- Celery worker --------------------------------------------------------------------------------


class Worker:
    """One Celery worker (solo pool: one process, so SIGKILL kills the one doing the work)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process = None

    def start(self) -> "Worker":
        handle = open(self.log, "a")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "redgrid",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=handle,
            start_new_session=True,
        )
        return self

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def celery_call(env: dict, task: str, kwargs: dict | None = None) -> None:
    """Queue `task` on the broker the way beat does (Django set up, so the task's module and the
    apps load; `celery call` alone does not set up Django)."""
    module, name = task.rsplit(".", 1)
    manage_shell(f"from {module} import {name}; {name}.apply_async(kwargs={kwargs or {}!r})", env)


# --- Load -----------------------------------------------------------------------------------------


@dataclass
class Answer:
    started: float
    seconds: float
    status: int | str
    code: str = ""


@dataclass
class Load:
    """`threads` residents submitting the form in a loop for `seconds`, each waiting for its
    answer (so every request sent is accounted for), through keep-alive connections."""

    port: int
    points: list
    category_id: int
    threads: int
    seconds: float
    timeout: float = 60
    answers: list = field(default_factory=list)
    photo: bytes | None = None
    path: str = "/requests/new/"
    cookie: str = ""
    extra: dict = field(default_factory=dict)

    def body(self, rng: random.Random) -> tuple[bytes, str]:
        lon, lat = rng.choice(self.points)
        fields = {
            "csrfmiddlewaretoken": CSRF,
            "category": str(self.category_id),
            "description": "楼下路灯不亮，晚上看不清路（稳定性测试）",
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "reporter_phone": f"13{rng.randrange(10**9):09d}",
            "consent": "on",
            "confirm_new": "on",
            **self.extra,
        }
        if self.photo is None:
            return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        boundary = "SoakBoundary0123456789"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + self.photo
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    def _resident(self, index: int, deadline: float, origin: float, lock: threading.Lock):
        # A fresh seed per run: phone numbers must not repeat across runs (per-phone limit).
        rng = random.Random(f"{time.time_ns()}-{index}")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        mine = []
        while time.monotonic() < deadline:
            body, content_type = self.body(rng)
            started = time.monotonic()
            try:
                connection.request(
                    "POST",
                    self.path,
                    body,
                    {
                        "Content-Type": content_type,
                        "Cookie": f"csrftoken={CSRF}" + (f"; {self.cookie}" if self.cookie else ""),
                    },
                )
                response = connection.getresponse()
                response.read()
                location = response.getheader("Location") or ""
                match = re.search(r"/requests/(?:t|case)/([A-Z0-9]+)/", location)
                mine.append(
                    Answer(
                        started - origin,
                        time.monotonic() - started,
                        response.status,
                        match.group(1) if match else "",
                    )
                )
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                mine.append(
                    Answer(started - origin, time.monotonic() - started, type(exc).__name__)
                )
                connection.close()
                time.sleep(0.2)
        connection.close()
        with lock:
            self.answers.extend(mine)

    def run(self, during=None) -> "Load":
        """Run the load; `during(elapsed)` is called about every 0.2 s from this thread."""
        lock = threading.Lock()
        origin = time.monotonic()
        deadline = origin + self.seconds
        workers = [
            threading.Thread(target=self._resident, args=(i, deadline, origin, lock), daemon=True)
            for i in range(self.threads)
        ]
        for w in workers:
            w.start()
        while any(w.is_alive() for w in workers):
            if during is not None:
                during(time.monotonic() - origin)
            time.sleep(0.2)
        return self

    def statuses(self) -> dict:
        return status_counts(self.answers)

    def accepted_codes(self) -> list[str]:
        return [a.code for a in self.answers if a.status == 302 and a.code]


SESSION_FOR = """
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username={username!r}))
print("SESSION=" + client.cookies["sessionid"].value)
"""


def session_cookie(env: dict, username: str) -> str:
    """A logged-in session (stored in the database) for `username`, made while Redis is up."""
    output = manage_shell(SESSION_FOR.format(username=username), env)
    return "sessionid=" + output.split("SESSION=")[1].split()[0]


def grid_point_of(username: str) -> list[tuple[float, float]]:
    return [
        (x, y)
        for x, y in sql(
            "SELECT ST_X(ST_PointOnSurface(g.boundary)), ST_Y(ST_PointOnSurface(g.boundary)) FROM "
            "grids_areagrid g JOIN accounts_user u ON u.grid_id = g.id WHERE u.username = %s",
            [username],
        )
    ]


def status_counts(answers) -> dict:
    counts = {}
    for a in answers:
        counts[str(a.status)] = counts.get(str(a.status), 0) + 1
    return counts


def grid_points() -> list[tuple[float, float]]:
    return [
        (x, y)
        for x, y in sql(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(boundary) AS p FROM "
            "grids_areagrid WHERE valid_to IS NULL) s"
        )
    ]


def stored(codes: list[str]) -> dict:
    """How many rows each tracking code has in the database."""
    rows = sql(
        "SELECT code, count(*) FROM requests_desk_request WHERE code = ANY(%s) GROUP BY code",
        [codes],
    )
    return dict(rows)
