"""`manage.py` in a `make run` checkout with nothing sourced: it reads var/local.env, and a variable
already set in the environment wins."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY_A = "a" * 60
FIELD_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE="


def _run(var_dir: Path, **extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDGRID_"))}
    env.pop("DATABASE_URL", None)
    env.update(REDGRID_VAR_DIR=str(var_dir), **extra)
    code = "from django.conf import settings as s; print(s.SECRET_KEY[:3], s.REDGRID_FIELD_KEYS)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_reads_var_local_env_with_nothing_sourced(tmp_path):
    (tmp_path / "local.env").write_text(
        f"DJANGO_SECRET_KEY={KEY_A}\nREDGRID_FIELD_KEYS={FIELD_KEY}\n", encoding="utf-8"
    )
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aaa", f"['{FIELD_KEY}']"]


def test_a_variable_set_in_the_environment_wins_over_var_local_env(tmp_path):
    (tmp_path / "local.env").write_text(
        f"DJANGO_SECRET_KEY={KEY_A}\nREDGRID_FIELD_KEYS={FIELD_KEY}\n", encoding="utf-8"
    )
    result = _run(tmp_path, DJANGO_SECRET_KEY="b" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "bbb"


def test_without_var_local_env_the_secrets_are_still_required(tmp_path):
    result = _run(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
