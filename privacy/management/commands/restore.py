"""manage.py restore <backup folder> (make restore BACKUP=…): put a backup back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from privacy.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Check a backup (files intact, the field keys in use can read it) and, with --commit, "
        "replace the database and the uploaded files with it. Stop the site first; the current "
        "database file and media folder are kept beside them (*.before-restore-<time>)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder, e.g. var/backups/20261205-020000")
        parser.add_argument("--commit", action="store_true", help="restore (default: check only)")

    def handle(self, *args, folder, commit, **options):
        try:
            if not commit:
                manifest = backup_check(Path(folder))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Checked (nothing restored): {manifest['database']} backup of "
                        f"{manifest['created_at']}, files intact, keys can read it. Run again "
                        "with --commit to restore."
                    )
                )
                return
            manifest = backup_restore(Path(folder))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']}. Run `manage.py migrate` if "
                "this code is newer than the backup, then start the site."
            )
        )
