"""`make backup` / `make restore` on the embedded site (SpatiaLite): a backup brings back the
database and the uploaded files, the keys are written apart (mode 600), and a restore with keys
that cannot read the backup is refused before anything is touched (privacy/backup.py)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.spatialite

SETUP = """
import datetime
from pathlib import Path
from django.conf import settings
from grids.boundary_import import import_boundaries
box = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
import_boundaries({"type": "FeatureCollection", "features": [{"type": "Feature",
    "geometry": {"type": "Polygon", "coordinates": box},
    "properties": {"level": "district", "code": "440311", "name": "光明区"}}]},
    valid_from=datetime.date(2024, 1, 1))
media = Path(settings.MEDIA_ROOT) / "care" / "visits"
media.mkdir(parents=True, exist_ok=True)
(media / "photo.jpg").write_bytes(b"a photo")
"""
DAMAGE = """
from pathlib import Path
from django.conf import settings
from django.db import connection
from grids.models import District
with connection.cursor() as cursor:
    cursor.execute("DELETE FROM grids_district")
(Path(settings.MEDIA_ROOT) / "care" / "visits" / "photo.jpg").unlink()
print("DAMAGED", District.objects.count())
"""
CHECK = """
from pathlib import Path
from django.conf import settings
from grids.models import District
photo = Path(settings.MEDIA_ROOT) / "care" / "visits" / "photo.jpg"
print("STATE", District.objects.count(), photo.read_bytes() if photo.exists() else None)
"""
OTHER_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXkhISE="


def test_a_backup_brings_back_the_database_and_the_files_with_its_keys_apart(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        and not k.startswith(("DJANGO_", "REDGRID_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="redgrid.settings", DJANGO_DEBUG="1", REDGRID_VAR_DIR=str(var)
    )

    def manage(*args, **extra):
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )
        return result

    assert manage("migrate", "grids", "--noinput", "-v", "0").returncode == 0
    assert manage("shell", "-c", SETUP).returncode == 0
    backups, keys = tmp_path / "backups", tmp_path / "keys"
    made = manage("backup", "--output", str(backups), "--keys-dir", str(keys))
    assert made.returncode == 0, made.stderr
    assert "apart from the backups" in made.stdout
    [folder] = list(backups.iterdir())
    assert {p.name for p in folder.iterdir()} == {
        "database.sqlite3",
        "media.tar.gz",
        "manifest.json",
    }
    [keys_file] = list(keys.iterdir())
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert "REDGRID_FIELD_KEYS=" in keys_file.read_text()

    assert "DAMAGED 0" in manage("shell", "-c", DAMAGE).stdout
    refused = manage("restore", str(folder), "--commit", REDGRID_FIELD_KEYS=OTHER_KEY)
    assert refused.returncode != 0 and "cannot read this backup" in refused.stderr
    assert "STATE 0 None" in manage("shell", "-c", CHECK).stdout  # nothing touched

    checked = manage("restore", str(folder))
    assert checked.returncode == 0 and "Checked" in checked.stdout
    restored = manage("restore", str(folder), "--commit")
    assert restored.returncode == 0, restored.stderr
    assert "STATE 1 b'a photo'" in manage("shell", "-c", CHECK).stdout
    assert list(var.glob("redgrid.sqlite3.before-restore-*"))


def test_a_damaged_backup_is_refused(tmp_path):
    folder = tmp_path / "20260101-000000"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"files": {"database.sqlite3": "00"}}')
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(folder))
    (folder / "manifest.json").write_text("not json")
    with pytest.raises(CommandError, match="not a RedGrid backup"):
        call_command("restore", str(folder))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgresql_backup_is_a_custom_format_dump_that_pg_restore_brings_back(
    tmp_path, settings
):
    """Production: pg_dump --format=custom, then pg_restore --clean into the same database."""
    import shutil

    from django.contrib.gis.geos import MultiPolygon, Polygon

    from grids.models import District
    from privacy.backup import backup_create, backup_restore

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    settings.MEDIA_ROOT = tmp_path / "media"
    square = MultiPolygon(Polygon.from_bbox((0, 0, 1, 1)), srid=4326)
    District.objects.create(code="440311", name="光明区", boundary=square)
    backup = backup_create(output=tmp_path / "backups", keys_dir=tmp_path / "keys")
    assert (backup.folder / "database.dump").read_bytes()[:5] == b"PGDMP"
    District.objects.all().delete()
    backup_restore(backup.folder)
    assert list(District.objects.values_list("code", flat=True)) == ["440311"]


def test_a_media_archive_with_paths_out_of_its_folder_is_refused(tmp_path):
    import io
    import json
    import tarfile

    from privacy.backup import KEY_CHECK_TEXT, BackupError, _sha256, backup_check
    from privacy.crypto import encrypt

    folder = tmp_path / "20260101-000000"
    folder.mkdir()
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        payload = b"owned"
        info = tarfile.TarInfo("media/../../etc/cron.d/evil")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    (folder / "database.dump").write_bytes(b"PGDMP")
    manifest = {
        "database": "postgis",
        "files": {n: _sha256(folder / n) for n in ("database.dump", "media.tar.gz")},
        "key_check": encrypt(KEY_CHECK_TEXT),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="unexpected path"):
        backup_check(folder)
