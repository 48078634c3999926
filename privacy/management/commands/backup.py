"""manage.py backup (make backup): the database, the uploaded files and, apart, the keys."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.backup import KEYS_WARNING, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back the site up: the database (PostgreSQL custom-format dump, or the SpatiaLite file), "
        "the uploaded files, and the keys into a separate folder (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="where backups go (default var/backups/)",
        )
        parser.add_argument(
            "--keys-dir",
            default=str(Path(settings.VAR_DIR) / "backup-keys"),
            help="where the keys file goes: keep it apart from the backups "
            "(default var/backup-keys/; move it off this machine)",
        )
        parser.add_argument(
            "--no-keys", action="store_true", help="do not write the keys (you keep them elsewhere)"
        )

    def handle(self, *args, output, keys_dir, no_keys, **options):
        try:
            backup = backup_create(
                output=Path(output), keys_dir=None if no_keys else Path(keys_dir)
            )
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written to {backup.folder}"))
        for name in backup.manifest["files"]:
            self.stdout.write(f"  {name}")
        if backup.keys_file:
            self.stdout.write(self.style.WARNING(KEYS_WARNING.format(path=backup.keys_file)))
        else:
            self.stdout.write(
                self.style.WARNING(
                    "No keys file written: without REDGRID_FIELD_KEYS (key "
                    f"{backup.manifest['key_fingerprint']}) this backup's encrypted fields "
                    "cannot be read."
                )
            )
