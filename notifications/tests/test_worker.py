"""Integration tests with a real Celery worker against Redis (db 6), started by the test.

The worker runs `celery -A redgrid worker` in a subprocess on the pytest test database; e-mails go
to a file sink (one file per send), so "exactly once" is checked on what was really sent.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Notification
from notifications.registry import KINDS, REMINDER_KINDS, Reminder, reminder_kind
from notifications.services import reminders_run

BROKER = os.environ.get("REDGRID_TEST_WORKER_BROKER", "redis://127.0.0.1:6379/6")
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _worker(sink: Path, queue: str = "celery", **extra_env) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="notifications.tests.worker_settings",
        CELERY_BROKER_URL=BROKER,
        REDGRID_SINK_DIR=str(sink),
        DATABASE_URL=f"postgis://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}",
        **extra_env,
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "redgrid",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(sink / "worker.log").open("ab"),
    )


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def broker(monkeypatch):
    """A Celery client on the test broker, with an empty queue."""
    from celery import Celery

    # Celery lets the CELERY_BROKER_URL variable (set by redgrid.settings_test) override the
    # broker given to the app: point it at the test broker.
    monkeypatch.setenv("CELERY_BROKER_URL", BROKER)
    from kombu import Exchange, Queue

    client = Celery("redgrid-test-client", broker=BROKER)

    def reset():
        # Declare the queues (kombu's Redis transport drops messages published to an exchange
        # with no binding yet) and empty them.
        with client.connection_for_write() as conn:
            for name in ("celery", "restarted"):
                Queue(name, Exchange(name), routing_key=name).bind(conn.default_channel).declare()
                conn.default_channel.client.delete(name)

    reset()
    yield client
    reset()


@pytest.fixture
def sink(tmp_path):
    return tmp_path


def _wait(condition, timeout, what, sink):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = (sink / "worker.log").read_text(errors="replace")[-3000:]
    files = sorted(p.name for p in sink.iterdir())
    raise AssertionError(f"timed out waiting for {what}; files {files}; worker log:\n{log}")


def _sent_ids(sink: Path) -> Counter:
    return Counter(int(p.name.split("-")[0]) for p in sink.glob("*.eml"))


def test_worker_killed_mid_batch_and_restarted_sends_each_reminder_exactly_once(
    world, broker, sink
):
    recipients = []
    for i in range(30):
        user = world.users.grid_head.__class__.objects.create(
            username=f"staff{i}", email=f"staff{i}@example.cn"
        )
        recipients.append(user.pk)

    @reminder_kind("test.worker", "测试", channels=("email",))
    def due(now):
        """Rule: every test recipient, once for period "w"."""
        for pk in recipients:
            yield Reminder(
                object_id=pk,
                recipient_id=pk,
                period="w",
                subject="提醒",
                body="请处理",
                urgent=True,
            )

    workers = []
    try:
        assert reminders_run(kinds=["test.worker"]) == {"test.worker": 30}
        ids = set(Notification.objects.values_list("id", flat=True))

        first = _worker(sink, REDGRID_SINK_HANG_AT="12")
        workers.append(first)
        # The "restarted" worker is a fresh process started now (Django's start-up is slow on a
        # busy machine) but listening on another queue: it gets work only after the kill.
        workers.append(_worker(sink, queue="restarted"))
        try:
            broker.send_task("notifications.tasks.deliver_pending")
            _wait(lambda: (sink / "hanging").exists(), 40, "the worker to hang mid-batch", sink)
        finally:
            _kill(first)  # SIGKILL while sending its 12th message
        assert len(_sent_ids(sink)) == 11
        claimed_unsent = Notification.objects.filter(
            status="pending", claimed_until__isnull=False
        ).count()
        assert claimed_unsent >= 1  # the 12th and the rest of its batch wait for their lease

        # A duplicate beat writes nothing new.
        assert reminders_run(kinds=["test.worker"]) == {"test.worker": 0}

        def all_sent():
            broker.send_task(
                "notifications.tasks.deliver_pending",  # the beat tick
                queue="restarted",
            )
            time.sleep(0.5)
            return not Notification.objects.exclude(status="sent").exists()

        _wait(all_sent, 40, "every notification to be sent", sink)
        sent = _sent_ids(sink)
        assert set(sent) == ids
        assert max(sent.values()) == 1, "a notification was sent twice"
    finally:
        for process in workers:
            _kill(process)
        REMINDER_KINDS.pop("test.worker", None)
        KINDS.pop("test.worker", None)
