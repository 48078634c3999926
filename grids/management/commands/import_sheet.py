"""manage.py import_sheet: the spreadsheet imports of the site's import pages, from the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.sheets import ImportRefused
from grids.sheet_import import (
    KINDS,
    kind_of,
    sheet_import_commit,
    sheet_import_preview,
)


class Command(BaseCommand):
    help = (
        "Check (and with --commit, import) an .xlsx, .csv or GeoJSON file with the same rules as "
        "the site's import pages. --template writes the import's template instead. Kinds: "
        "households, key_places, service_positions, holidays (see docs/going-live.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(sorted(KINDS)))
        parser.add_argument("path", nargs="?", help="the file to import")
        parser.add_argument("--commit", action="store_true", help="save (default: check only)")
        parser.add_argument(
            "--clean-only",
            action="store_true",
            help="with --commit: import the clean rows and leave out the rows with errors",
        )
        parser.add_argument("--template", metavar="OUT.xlsx", help="write the import's template")

    def handle(self, *args, kind, path, commit, clean_only, template, **options):
        if kind not in KINDS:
            raise CommandError(f"Unknown kind {kind!r}; one of: {', '.join(sorted(KINDS))}.")
        sheet = kind_of(kind)
        if template:
            Path(template).write_bytes(sheet.template())
            self.stdout.write(self.style.SUCCESS(f"Template written to {template}."))
            return
        if not path:
            raise CommandError("Give the file to import (or --template OUT.xlsx).")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        preview = sheet_import_preview(sheet, data=data, filename=path, user=None)
        for problem in preview.problems:
            self.stderr.write(f"- {problem}")
        for row in preview.error_rows:
            for error in row.errors:
                self.stderr.write(f"- row {row.line}: {error}")
        if preview.problems:
            raise CommandError("Refused: the file cannot be read; nothing was saved.")
        summary = f"{len(preview.clean_rows)} clean rows, {len(preview.error_rows)} with errors"
        if not commit:
            self.stdout.write(self.style.SUCCESS(f"Checked (dry run, nothing saved): {summary}."))
            return
        try:
            count = sheet_import_commit(
                sheet, data=data, filename=path, user=None, clean_only=clean_only
            )
        except ImportRefused as refused:
            raise CommandError(f"Refused: {refused.message}") from refused
        self.stdout.write(self.style.SUCCESS(f"Imported {count} rows ({summary})."))
