"""manage.py create_district: a new district from its boundary file, with its first admin."""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.first_district import district_create
from grids.boundary_import import ImportRefused


class Command(BaseCommand):
    help = (
        "Create a district from its GeoJSON boundary file (one district feature, optionally its "
        "streets, communities and grids) and its first district admin, who sets a password "
        "through a one-time activation link. Dry run unless --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON FeatureCollection with one district feature")
        parser.add_argument("--admin-username", required=True, help="the first admin's login")
        parser.add_argument("--admin-name", default="", help="the first admin's name, e.g. 张伟")
        parser.add_argument("--admin-phone", default="", help="the first admin's mobile number")
        parser.add_argument(
            "--site-url",
            default="",
            help="the site's address, for the activation link (default: REDGRID_SITE_URL)",
        )
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            help="first day the boundaries apply (YYYY-MM-DD; default today)",
        )
        parser.add_argument("--gcj02", action="store_true", help="coordinates are GCJ-02")
        parser.add_argument("--commit", action="store_true", help="save (default: check only)")

    def handle(self, *args, path, commit, site_url, **options):
        try:
            with open(path, encoding="utf-8") as file_obj:
                data = json.load(file_obj)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            created = district_create(
                data,
                admin_username=options["admin_username"],
                admin_name=options["admin_name"],
                admin_phone=options["admin_phone"],
                valid_from=options["valid_from"],
                gcj02=options["gcj02"],
                dry_run=not commit,
            )
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(f"- {message}")
            raise CommandError("Refused; nothing was saved.") from error
        counts = ", ".join(f"{n} {level}" for level, n in created.boundaries.created.items())
        if not commit:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checked (dry run, nothing saved): {counts}; the admin "
                    f"{options['admin_username']} can be created. Run again with --commit."
                )
            )
            return
        admin = created.admin
        self.stdout.write(self.style.SUCCESS(f"Created {created.district}: {counts}."))
        self.stdout.write(f"First district admin: {admin.username} ({admin}), no password yet.")
        self.stdout.write(
            "One-time activation link (shown once; the admin opens it, sets a password and "
            "enrols an authenticator app):"
        )
        site_url = site_url or settings.SITE_URL
        self.stdout.write(f"  {site_url.rstrip('/')}{created.activation_path}")
