"""Environment of the benchmark deployment. Secrets come from the environment; when a variable is
missing, one is generated once into var/bench/bench.env (mode 600, git-ignored) and reused, because
the generated data is encrypted with REDGRID_FIELD_KEYS and must stay readable across runs."""

import base64
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "var" / "bench" / "bench.env"
DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "REDGRID_HTTPS": "0",
    "BENCH_DB": "redgrid_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/8",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
    "REDGRID_MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
}


def _generated() -> dict:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "REDGRID_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def load() -> dict:
    """Put the benchmark variables into os.environ (existing values win) and return them."""
    stored = {}
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.startswith("#"):
                stored[key.strip()] = value.strip()
    missing = {k: v for k, v in _generated().items() if k not in stored and k not in os.environ}
    if missing:
        ENV_FILE.parent.mkdir(parents=True, exist_ok=True)
        stored.update(missing)
        ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in stored.items()))
        ENV_FILE.chmod(0o600)
    for key, value in {**DEFAULTS, **stored}.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault(
        "DATABASE_URL", f"postgis://postgres@127.0.0.1:5432/{os.environ['BENCH_DB']}"
    )
    return {k: os.environ[k] for k in (*DEFAULTS, *stored, "DATABASE_URL")}


def database_ensure(name: str) -> bool:
    """Create the benchmark database with PostGIS if it does not exist; True if created."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return not exists


def database_drop(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
