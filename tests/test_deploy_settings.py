"""Production settings pass `check --deploy` and carry the security headers."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A production machine has no var/local.env (the embedded site's secrets, which manage.py reads
# when present): point the var folder at an empty one, whatever this checkout holds.
EMPTY_VAR = tempfile.mkdtemp(prefix="redgrid-prod-var-")


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDGRID_", "DB_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="redgrid.settings",
        REDGRID_VAR_DIR=EMPTY_VAR,
        DJANGO_SECRET_KEY="k" * 20 + "Q2x!9#zP@4vL&8mN^3bR*7cT(1yW)6eF%5hJ",
        REDGRID_FIELD_KEYS="dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE=",
        DJANGO_ALLOWED_HOSTS="redgrid.example.org",
        DATABASE_URL="postgis://postgres@127.0.0.1:5432/redgrid",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secrets():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_turn_on_https_protections():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.DEBUG, s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000", "False", "600", "True"], (
        result.stderr
    )


def database_settings(**extra):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "d = s.DATABASES['default'];"
        "print(repr(d.get('OPTIONS', {}).get('options')), d.get('DISABLE_SERVER_SIDE_CURSORS'),"
        " s.DB_PREPARE_HOT_QUERIES)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_behind_pgbouncer_the_settings_send_no_startup_options():
    """DB_POOLER (docs/deployment.md; checked against PgBouncer in
    tests/reliability/test_pgbouncer.py): no startup options behind a pooler, and in transaction
    mode no server-side cursors and no prepared hot reads unless asked for."""
    direct = database_settings().stdout.split()
    session = database_settings(DB_POOLER="session").stdout.split()
    transaction = database_settings(DB_POOLER="transaction").stdout.split()
    told = database_settings(DB_POOLER="transaction", DB_PREPARE_HOT_QUERIES="1").stdout.split()
    assert direct == ["'-c", "jit=off'", "False", "True"]
    assert session == ["None", "False", "True"]
    assert transaction == ["None", "True", "False"]
    assert told == ["None", "True", "True"]
    typo = database_settings(DB_POOLER="pgbouncer")
    assert typo.returncode != 0
    assert "DB_POOLER='pgbouncer' is not one of '', 'session', 'transaction'" in typo.stderr
