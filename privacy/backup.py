"""Backups and restores of a RedGrid site: the database, the uploaded files, and — stored apart —
the keys without which the encrypted personal data cannot be read (`make backup`, `make restore`,
docs/backup.md).

A backup is a folder `<output>/<YYYYmmdd-HHMMSS>/` holding

* `database.dump` — PostgreSQL: `pg_dump --format=custom` (restored with `pg_restore`), or
  `database.sqlite3` — the embedded SpatiaLite file, copied with SQLite's online backup (a
  consistent snapshot even while the site runs);
* `media.tar.gz` — MEDIA_ROOT (photos, attachments);
* `manifest.json` — what is in it, the SHA-256 of each file, and a *key check*: a short text
  encrypted with the field keys in use, so that a restore can tell before touching anything
  whether the keys it has can read this backup's encrypted fields.

The keys (DJANGO_SECRET_KEY, REDGRID_FIELD_KEYS, REDGRID_BLIND_INDEX_KEY) go into a separate
file in another folder (`--keys-dir`): a backup and its keys kept together give anyone who
finds them every phone number, ID number and address in the clear; a backup whose keys are lost
has lost its encrypted fields for good. Keep the keys file offline, apart from the backups.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from privacy.crypto import decrypt, encrypt

KEY_CHECK_TEXT = "redgrid-key-check"
KEY_NAMES = ("DJANGO_SECRET_KEY", "REDGRID_FIELD_KEYS", "REDGRID_BLIND_INDEX_KEY")
KEYS_WARNING = (
    "The keys file {path} reads every encrypted phone number, ID number and address of this "
    "backup. Keep it apart from the backups (offline, or in a password manager): whoever has "
    "both has the personal data in the clear; a backup whose keys are lost cannot be read."
)


class BackupError(Exception):
    pass


@dataclass
class Backup:
    folder: Path
    keys_file: Path | None
    manifest: dict


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database():
    db = settings.DATABASES["default"]
    return db, db["ENGINE"].endswith("postgis")


def _pg_env(db) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args + ["--dbname", db["NAME"]]


def _dump_database(folder: Path) -> str:
    db, postgis = _database()
    if postgis:
        target = folder / "database.dump"
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(db)],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target.name
    target = folder / "database.sqlite3"
    source = sqlite3.connect(db["NAME"])
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # SQLite's online backup: a consistent snapshot
        copy.close()
    finally:
        source.close()
    return target.name


def _archive_media(folder: Path) -> str:
    target = folder / "media.tar.gz"
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    return target.name


def _write_keys(keys_dir: Path, stamp: str) -> Path:
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    path = keys_dir / f"redgrid-keys-{stamp}.env"
    values = {
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "REDGRID_FIELD_KEYS": ",".join(settings.REDGRID_FIELD_KEYS),
        "REDGRID_BLIND_INDEX_KEY": settings.REDGRID_BLIND_INDEX_KEY,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"# RedGrid keys of backup {stamp}. Keep apart from the backups.\n")
        for name, value in values.items():
            if value:
                handle.write(f"{name}={value}\n")
    return path


def key_fingerprint() -> str:
    """A non-secret name of the field key in use (to tell keys apart in a manifest)."""
    return hashlib.sha256(settings.REDGRID_FIELD_KEYS[0].encode()).hexdigest()[:12]


def backup_create(*, output: Path, keys_dir: Path | None, now=None) -> Backup:
    """Back the site up into a new folder under `output`, and its keys into `keys_dir` (None:
    the keys are not written; the caller must have them elsewhere)."""
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    folder = Path(output) / stamp
    folder.mkdir(parents=True, exist_ok=False)
    try:
        files = [_dump_database(folder), _archive_media(folder)]
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _db, postgis = _database()
    manifest = {
        "format": 1,
        "created_at": now.isoformat(),
        "database": "postgis" if postgis else "spatialite",
        "version": settings.REDGRID_VERSION or "",
        "files": {name: _sha256(folder / name) for name in files},
        "key_check": encrypt(KEY_CHECK_TEXT),
        "key_fingerprint": key_fingerprint(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    keys_file = _write_keys(Path(keys_dir), stamp) if keys_dir else None
    return Backup(folder=folder, keys_file=keys_file, manifest=manifest)


def backup_check(folder: Path) -> dict:
    """The manifest of a backup whose files are all there and unchanged, and whose encrypted
    fields the keys in use can read; BackupError (and nothing touched) otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a RedGrid backup (manifest.json: {exc}).") from exc
    for name, digest in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{name} is missing or damaged (its SHA-256 does not match).")
    try:
        readable = decrypt(manifest["key_check"]) == KEY_CHECK_TEXT
    except Exception:  # noqa: BLE001 - any failure means these keys cannot read the backup
        readable = False
    if not readable:
        raise BackupError(
            "The field keys in use (REDGRID_FIELD_KEYS) cannot read this backup's encrypted "
            f"fields (it was made with key {manifest.get('key_fingerprint', '?')}). Set the "
            "keys saved with the backup (its redgrid-keys-*.env file) and try again."
        )
    try:
        with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
            _safe_members(archive)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"media.tar.gz cannot be read: {exc}") from exc
    _db, postgis = _database()
    if manifest.get("database") != ("postgis" if postgis else "spatialite"):
        raise BackupError(
            f"This backup is of a {manifest.get('database')} database; this site uses "
            f"{'postgis' if postgis else 'spatialite'}."
        )
    return manifest


def _restore_database(folder: Path, stamp: str) -> None:
    db, postgis = _database()
    connections.close_all()
    if postgis:
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(db),
                str(folder / "database.dump"),
            ],
            env=_pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    current = Path(db["NAME"])
    if current.exists():
        shutil.copy2(current, current.with_name(f"{current.name}.before-restore-{stamp}"))
    restored = sqlite3.connect(folder / "database.sqlite3")
    try:
        target = sqlite3.connect(current)
        with target:
            restored.backup(target)
        target.close()
    finally:
        restored.close()


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Plain files and folders under media/ only: no absolute paths, no "..", no links or device
    files (Debian 12's Python 3.11.2 has no tarfile extraction filters yet)."""
    members = []
    for member in archive.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not parts or parts[0] != "media":
            raise BackupError(f"media.tar.gz holds an unexpected path: {member.name!r}")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"media.tar.gz holds a link or device file: {member.name!r}")
        member.mode &= 0o755
        members.append(member)
    return members


def _restore_media(folder: Path, stamp: str) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        media.rename(media.with_name(f"{media.name}.before-restore-{stamp}"))
    media.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".restore-", dir=media.parent))
    try:
        with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
            archive.extractall(unpacked, members=_safe_members(archive))
        if (unpacked / "media").exists():
            (unpacked / "media").rename(media)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    media.mkdir(parents=True, exist_ok=True)


def backup_restore(folder: Path, *, now=None) -> dict:
    """Replace the database and the uploaded files with the backup's (the current ones are kept
    beside them as *.before-restore-<time>). Stop the site first."""
    manifest = backup_check(folder)
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    _restore_database(Path(folder), stamp)
    _restore_media(Path(folder), stamp)
    return manifest
