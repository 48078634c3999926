"""The site behind PgBouncer, the pooler docs/deployment.md recommends: Debian's package (installed by
`make test`), in each pool mode, with the production module's database settings and several clients at once
(tests/reliability/pooler_client.py in a subprocess: the status page, the staff queue, the
resident's submission and the queue's export).

What a pooler can break, each seen here before DB_POOLER existed: PgBouncer refuses the site's
startup options (JIT off); in transaction mode a prepared statement is looked for on another server
connection and a server-side cursor loses its portal. DB_POOLER sends no startup options, and in
transaction mode turns server-side cursors and the hot reads' prepared statements off."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.db import connection

from bench import pooler
from conftest import login_verified

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("pooler_client.py")

pytestmark = pytest.mark.skipif(
    not pooler.installed(), reason="PgBouncer is not installed (make setup-test installs it)"
)


@pytest.fixture
def committed(transactional_db, world, make_request, categories, client):
    """Requests and a signed-in street officer, committed so that another process sees them."""
    cases = [make_request(grid=grid) for grid in ("A1a", "A1b", "A2a", "A2b", "A1a", "A1b")]
    login_verified(client, world.users.street_staff)
    point = world.grids["A2a"].boundary.centroid
    return {
        "codes": [case.code for case in cases],
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "category": categories["E0103"].pk,
        "point": [point.x, point.y],
        "rounds": 12,
    }


def run_clients(port: int, args: dict, **env) -> dict:
    """pooler_client.py with the test settings (the production module's database settings, with
    static files served as in development: no collected manifest needed), connected through
    PgBouncer on `port`."""
    name = connection.settings_dict["NAME"]
    environ = {
        # Nothing of the caller's own database settings: each test says what it sets.
        **{k: v for k, v in os.environ.items() if not k.startswith("DB_")},
        "DJANGO_SETTINGS_MODULE": "redgrid.settings_test",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "REDGRID_FIELD_KEYS": os.environ["REDGRID_FIELD_KEYS"],
        "REDGRID_HTTPS": "0",
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:{port}/{name}",
        "REDIS_URL": "redis://127.0.0.1:6379/10",
        # Its own limits and stored pages: nothing of another run or of the suite.
        "REDGRID_CACHE_PREFIX": f"pooler-{uuid.uuid4().hex}",
        **env,
    }
    done = subprocess.run(
        [sys.executable, str(CLIENT), json.dumps(args)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        return {"answers": {}, "errors": {done.stderr.strip().splitlines()[-1]: 1}}
    return json.loads(done.stdout.strip().splitlines()[-1])


EXPECTED = {"status 200": 48, "submit 302": 4, "queue 200": 8, "export 200": 8}


@pytest.mark.parametrize("mode", ["session", "transaction"])
def test_every_path_works_through_pgbouncer_with_db_pooler_set(committed, tmp_path, mode):
    with pooler.pgbouncer(
        mode=mode, workdir=tmp_path / "pgbouncer", pool_size=3, round_robin=True
    ) as port:
        result = run_clients(port, committed, DB_POOLER=mode)
    assert (result["answers"], result["errors"]) == (EXPECTED, {})
    if mode == "session":
        # A client keeps its server connection: the hot reads are prepared there, as when the
        # site connects directly.
        assert result["prepared"] >= 2
    else:
        assert result["prepared"] == 0


def test_without_db_pooler_pgbouncer_refuses_the_sites_connections(committed, tmp_path):
    """The site's JIT setting travels in the startup packet, which PgBouncer refuses: every page
    answers the translated 503 of a database that cannot be reached."""
    workdir = tmp_path / "pgbouncer"
    with pooler.pgbouncer(mode="session", workdir=workdir) as port:
        result = run_clients(port, committed)
    assert result["answers"] == {"status 503": 48, "submit 503": 4, "queue 503": 8, "export 503": 8}
    assert "unsupported startup parameter" in "".join(result["errors"])
    assert "unsupported startup parameter: options" in (workdir / "pgbouncer.log").read_text()


def test_in_transaction_mode_prepared_reads_and_server_side_cursors_fail_without_it(
    committed, tmp_path
):
    """Why DB_POOLER=transaction turns both off. Told session mode against a transaction-mode
    pool (no startup options, the rest as directly), clients at once find another server
    connection's prepared statements; with the hot reads' preparing turned off too, the export's
    server-side cursor is lost between statements."""
    with pooler.pgbouncer(
        mode="transaction", workdir=tmp_path / "pgbouncer", pool_size=3, round_robin=True
    ) as port:
        prepared = run_clients(port, committed, DB_POOLER="session")
        cursors = run_clients(port, committed, DB_POOLER="session", DB_PREPARE_HOT_QUERIES="0")
    assert "prepared statement" in "\n".join(prepared["errors"])
    # The export's cursor is declared in one transaction and read in the next, on whichever
    # server connection is free; the connections it leaves behind fail other clients' pages too.
    assert cursors["errors"]
    assert all("_django_curs_" in error for error in cursors["errors"])
    assert any(error.startswith("export: ") for error in cursors["errors"])


def test_the_database_check_warns_when_jit_is_on(db, settings):
    settings.DB_JIT = False
    assert not [
        m
        for m in checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        if m.id == "core.W001"
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")  # as behind PgBouncer on a database that does not hold it
    try:
        warnings = [
            m
            for m in checks.run_checks(tags=[checks.Tags.database], databases=["default"])
            if m.id == "core.W001"
        ]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    assert len(warnings) == 1
    assert "ALTER DATABASE" in warnings[0].hint
    settings.DB_JIT = True
    assert not [
        m
        for m in checks.run_checks(tags=[checks.Tags.database], databases=["default"])
        if m.id == "core.W001"
    ]
