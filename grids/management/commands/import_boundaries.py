import datetime

from django.core.management.base import BaseCommand, CommandError

from grids.boundary_import import ImportRefused, import_boundaries_file


class Command(BaseCommand):
    help = (
        "Check and import hierarchy boundaries from a GeoJSON FeatureCollection. Dry run unless "
        "--commit; a file that breaks any rule is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--commit", action="store_true", help="save (default: check only)")
        parser.add_argument(
            "--replace", action="store_true", help="draw new versions of codes that already exist"
        )
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            help="first day the boundaries apply (YYYY-MM-DD; default today)",
        )
        parser.add_argument(
            "--gcj02",
            action="store_true",
            help="coordinates are GCJ-02 (AMap, Tencent); convert to WGS-84",
        )

    def handle(self, *args, path, commit, replace, valid_from, gcj02, **options):
        try:
            with open(path, encoding="utf-8") as file_obj:
                result = import_boundaries_file(
                    file_obj,
                    valid_from=valid_from,
                    replace=replace,
                    gcj02=gcj02,
                    dry_run=not commit,
                )
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        verb = "Imported" if commit else "Checked (dry run, nothing saved)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {dict(result.created)} new, {dict(result.replaced)} new versions."
            )
        )
        for report in (r for r in result.moves if r.count):
            will = "moved" if commit else "would move"
            self.stdout.write(f"  {report.label}: {report.count} {will} to the new versions")
        if result.ambiguous:
            self.stdout.write(self.style.WARNING(f"To check ({len(result.ambiguous)}):"))
            for line in result.ambiguous:
                self.stdout.write(f"  - {line}")
