"""Static files under hashed names with far-future caching (production and `make run`): with the
production settings, collectstatic writes WhiteNoise's compressed manifest, pages link the hashed
names, and those are served as immutable for ten years; the unhashed name is not cached for
long. Runs the production settings in a subprocess, like `make run`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import re
from django.conf import settings
from django.test import Client
from django.contrib.staticfiles.storage import staticfiles_storage
assert settings.STORAGES["staticfiles"]["BACKEND"] == "redgrid.storage.StaticFilesStorage"
client = Client()
page = client.get("/").content.decode()
css = re.search(r'href="(/static/css/redgrid\.[0-9a-f]{12}\.css)"', page).group(1)
# The URL is worked out once and given again from memory.
assert staticfiles_storage._urls["css/redgrid.css"] == css
assert css in client.get("/").content.decode()
js = re.search(r'src="(/static/js/site\.[0-9a-f]{12}\.js)"', page).group(1)
hashed = client.get(js, HTTP_ACCEPT_ENCODING="gzip")
print("HASHED", hashed.status_code, hashed["Cache-Control"], hashed.get("Content-Encoding"))
plain = client.get("/static/js/site.js")
print("PLAIN", plain.status_code, plain["Cache-Control"])
print("CSS", client.get(css).status_code)
"""


def test_production_serves_hashed_static_files_with_far_future_caching(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDGRID_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="redgrid.settings",
        DJANGO_SECRET_KEY="k" * 20 + "Q2x!9#zP@4vL&8mN^3bR*7cT(1yW)6eF%5hJ",
        REDGRID_FIELD_KEYS="dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE=",
        DJANGO_ALLOWED_HOSTS="testserver",
        REDGRID_HTTPS="0",
        REDGRID_VAR_DIR=str(tmp_path),
    )
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    collect = subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert collect.returncode == 0, collect.stderr[-2000:]
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    shell = subprocess.run(
        [*manage, "shell", "-v", "0", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shell.returncode == 0, shell.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in shell.stdout.splitlines() if " " in line)
    assert lines["HASHED"].startswith("200 max-age=315360000, public, immutable"), lines
    assert lines["HASHED"].endswith("gzip")
    assert lines["PLAIN"].startswith("200 ") and "immutable" not in lines["PLAIN"]
    assert lines["CSS"] == "200"


def test_static_urls_are_remembered_until_collectstatic_runs_again(tmp_path, settings):
    """The production storage remembers each name's URL; a name missing from the manifest fails
    every time (nothing remembered), and post_process (collectstatic) forgets what was."""
    import json

    from redgrid.storage import StaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"a.css": "a.0123456789ab.css"}, "version": "1.1", "hash": "x"})
    )
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("a.css") == "/static/a.0123456789ab.css"
    storage.hashed_files["a.css"] = "a.ba9876543210.css"
    assert storage.url("a.css") == "/static/a.0123456789ab.css"  # remembered
    for _ in range(2):
        try:
            storage.url("missing.css")
        except ValueError:
            pass
        else:
            raise AssertionError("a name missing from the manifest must fail")
    assert "missing.css" not in storage._urls
    list(storage.post_process({}, dry_run=True))
    assert storage._urls == {}
