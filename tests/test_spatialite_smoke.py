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

NEARBY_SCRIPT = """
import datetime, json, os
from grids.boundary_import import import_boundaries
from requests_desk.models import Category, Request
from requests_desk.services import nearby_open, request_create
import_boundaries(json.loads(os.environ["SMOKE_GEOJSON"]), valid_from=datetime.date(2024, 1, 1))
category = Category.objects.filter(parent__isnull=False, active=True).order_by("code").first()
other = Category.objects.filter(parent__isnull=False, active=True).order_by("-code").first()
here = (113.90, 22.75)
made = request_create(source=Request.Source.GRID_PATROL, category=category,
                      description="路边垃圾堆了三天", location=here)
from grids.locate import locate
print("LOCATED", locate(here).grid.code, locate((9, 9)).inside)
metre = 1 / 111_320
def found(dy, cat=category):
    return [r.code for r in nearby_open(category=cat, location=(here[0], here[1] + dy * metre))]
print("NEARBY", found(5) == [made.code], found(90) == [made.code], found(150) == [],
      found(5, other) == [])
# The gazetteer (grids.gazetteer) on SpatiaLite: search, the grid and nearest place of a point,
# routing an address without a point, the reference layer of a map without tiles.
from django.contrib.gis.geos import Point
from grids import gazetteer
from grids.models import AreaGrid, KeyPlace
grid = AreaGrid.objects.get()
KeyPlace.objects.create(grid=grid, name="光明花园", kind="residential_estate",
                        address="华夏路12号", location=Point(113.9, 22.75, srid=4326))
here = gazetteer.where((113.9001, 22.7501))
routed = request_create(source=Request.Source.GRID_PATROL, category=other, description="井盖丢了",
                        community=grid.community, address="光明花园3栋门口")
print("GAZETTEER", [p.name for p in gazetteer.places_search("华夏")] == ["光明花园"],
      here["grid"]["code"] == grid.code, here["nearest"]["name"] == "光明花园",
      0 <= here["nearest"]["distance_m"] < 30, routed.grid_id == grid.pk,
      len(gazetteer.reference_layer()["places"]) == 1)
# The status page's change mark (requests_desk.selectors.public_status_mark): raw SQL.
from requests_desk.selectors import public_status_mark
mark = public_status_mark(made.code.lower())
print("MARK", mark is not None and mark[0] == made.pk and mark[5] is not None and mark[7] == 0,
      public_status_mark("NOSUCHCODE") is None)
"""


def test_spatialite_migrates_locates_and_finds_an_open_request_5_m_away(tmp_path):
    """The embedded settings migrate every app and place a point in its grid (inside and outside
    the district). On SpatiaLite the 100 m radius of "+1 nearby" was read as 0.001 m: nothing
    was ever offered. requests_desk/tests/test_intake.py checks the same on PostGIS. One
    migration for all the checks: migrating SpatiaLite takes half a minute."""

    def box(x0, y0, x1, y1):
        return {
            "type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
        }

    features = [
        ("district", "440311", None, box(113.8, 22.7, 114.0, 22.8)),
        ("street", "440311001", "440311", box(113.8, 22.7, 114.0, 22.8)),
        ("community", "440311001001", "440311001", box(113.8, 22.7, 114.0, 22.8)),
        ("grid", "44031100100101", "440311001001", box(113.8, 22.7, 114.0, 22.8)),
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
        DJANGO_SETTINGS_MODULE="redgrid.settings",
        DJANGO_DEBUG="1",
        REDGRID_VAR_DIR=str(tmp_path),
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrate = subprocess.run(
        [*manage, "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    assert (tmp_path / "redgrid.sqlite3").exists()
    env["SMOKE_GEOJSON"] = json.dumps(data)
    shell = subprocess.run(
        [*manage, "shell", "-c", NEARBY_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "LOCATED 44031100100101 False" in shell.stdout, shell.stdout + shell.stderr[-3000:]
    assert "NEARBY True True True True" in shell.stdout, shell.stdout + shell.stderr[-3000:]
    assert "GAZETTEER True True True True True True" in shell.stdout, (
        shell.stdout + shell.stderr[-3000:]
    )
    assert "MARK True True" in shell.stdout, shell.stdout + shell.stderr[-3000:]
