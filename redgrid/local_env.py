"""The embedded site's own settings file, var/local.env, for every entry point.

`make setup` writes the local secrets (DJANGO_SECRET_KEY, REDGRID_FIELD_KEYS) into var/local.env once.
`manage.py`, the WSGI application and the Celery app read it when it exists, so that
`.venv/bin/python manage.py …` works in a `make run` checkout with nothing sourced. A variable already
set in the environment always wins (a deployment's own settings, the test suite's), and a deployment
without the file is unaffected.
"""

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent


def local_env_path() -> Path:
    """var/local.env of this checkout (or of REDGRID_VAR_DIR, the same folder settings use)."""
    return Path(os.environ.get("REDGRID_VAR_DIR") or BASE_DIR / "var") / "local.env"


def local_env_load() -> bool:
    """Set the variables of var/local.env that the environment does not set yet; True when the
    file was there."""
    path = local_env_path()
    if not path.is_file():
        return False
    load_dotenv(path, override=False, encoding="utf-8")
    return True
