"""The embedded default (SpatiaLite, no DATABASE_URL) migrates, imports boundaries and locates.

Runs manage.py in a subprocess with Debian's Python from the virtualenv, the way `make run` does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.spatialite

SCRIPT = """
import datetime, json, os
from grids.boundary_import import import_boundaries
from grids.locate import locate
data = json.loads(os.environ["SMOKE_GEOJSON"])
import_boundaries(data, valid_from=datetime.date(2024, 1, 1))
print("LOCATED", locate((0.5, 0.5)).grid.code, locate((9, 9)).inside)
"""


def test_embedded_spatialite_settings_migrate_import_and_locate(tmp_path):
    def box(x0, y0, x1, y1):
        return {
            "type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
        }

    features = [
        ("district", "440311", None, box(0, 0, 2, 2)),
        ("street", "440311001", "440311", box(0, 0, 2, 2)),
        ("community", "440311001001", "440311001", box(0, 0, 2, 2)),
        ("grid", "44031100100101", "440311001001", box(0, 0, 1, 2)),
        ("grid", "44031100100102", "440311001001", box(1, 0, 2, 2)),
    ]
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": g,
                "properties": {"level": lvl, "code": c, "name": c, "parent": p},
            }
            for lvl, c, p, g in features
        ],
    }
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="redgrid.settings", DJANGO_DEBUG="1", REDGRID_VAR_DIR=str(tmp_path)
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Only the hierarchy's migrations (and what they depend on): the full set is exercised by
    # `make run`; this test keeps the suite fast.
    migrate = subprocess.run(
        [*manage, "migrate", "grids", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "redgrid.sqlite3").exists()
    env["SMOKE_GEOJSON"] = json.dumps(data)
    shell = subprocess.run(
        [*manage, "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "LOCATED 44031100100101 False" in shell.stdout, shell.stderr
