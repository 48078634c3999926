"""Soak tests: long runs against gunicorn, Celery and the real services (`make soak`).

They are never collected by `make test`: their files are named soak_*.py (pytest collects
test_*.py), and `make soak` runs `pytest tests/soak -o python_files=soak_*.py`. Every item here
is also marked `soak`. The scenarios that restart PostgreSQL or stop Redis disturb everything
else on the machine and only run with REDGRID_SOAK_DISRUPT=1.
"""

import os
import subprocess
import sys

import pytest

from tests.soak import harness


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: long load and fault runs (make soak)")
    config.addinivalue_line("markers", "disruptive: restarts PostgreSQL or stops Redis")


def pytest_collection_modifyitems(config, items):
    disrupt = os.environ.get("REDGRID_SOAK_DISRUPT") == "1"
    for item in items:
        if "tests/soak/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.soak)
        if item.get_closest_marker("disruptive") and not disrupt:
            item.add_marker(
                pytest.mark.skip(
                    reason="restarts shared services: set REDGRID_SOAK_DISRUPT=1 to run it"
                )
            )


PREFERENCES = """
from accounts.models import Role, User
from notifications.models import NotificationPreference
users = User.objects.filter(role__in=[Role.GRID_HEAD, Role.GRID_WORKER])
for user in users:
    NotificationPreference.objects.update_or_create(user=user, defaults={
        "channels": {"request_new": ["inbox", "sms"], "bench.case_digest": ["inbox", "sms"]},
        "quiet_hours_enabled": False})
User.objects.filter(role__in=[Role.GRID_HEAD, Role.GRID_WORKER], phone="").update(
    phone="13800000000")
print(users.count())
"""


@pytest.fixture(scope="session")
def soak_env():
    """The soak database (generated once: the demo hierarchy, 2,000 requests) and environment;
    grid staff get new-request and digest messages by SMS, without quiet hours."""
    env = harness.environment()
    try:
        ready = harness.sql("SELECT count(*) FROM requests_desk_request")[0][0] > 0
    except Exception:  # noqa: BLE001 - no database or no table yet
        ready = False
    if not ready:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.generate",
                "--db",
                harness.DB,
                "--requests",
                "2000",
                "--members",
                "100",
                "--households",
                "100",
                "--patrol-days",
                "5",
            ],
            cwd=harness.ROOT,
            env=env,
            check=True,
        )
    harness.manage_shell(PREFERENCES, env)
    return env


@pytest.fixture
def server(soak_env, tmp_path):
    from bench.run import Server, free_port

    port = free_port()
    with Server(
        4,
        port,
        tmp_path / "gunicorn.log",
        settings=harness.SETTINGS,
        extra_args=("--timeout", "60"),
        env=soak_env,
    ) as running:
        running.base = f"http://127.0.0.1:{port}"
        yield running


@pytest.fixture
def category_id(soak_env):
    return harness.sql("SELECT id FROM requests_desk_category WHERE code = 'C0102'")[0][0]


@pytest.fixture(autouse=True)
def _redis_always_back():
    """Whatever happens in a test, Redis runs again afterwards (other engineers need it)."""
    yield
    harness.redis_start()
