"""Recompute the per-(area, month) request summary (requests_desk.monthly) from the requests:
after loading requests around the services (bulk loads, raw SQL), or to check the nightly task."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from core.periods import parse_month
from requests_desk.monthly import monthly_figures_rebuild


def _month(text: str) -> datetime.date:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise CommandError(f"Not a month: {text!r} (use YYYY-MM).") from exc


class Command(BaseCommand):
    help = "Rebuild the monthly request figures: every month, or the months given (YYYY-MM)."

    def add_arguments(self, parser):
        parser.add_argument("months", nargs="*", help="months to rebuild, YYYY-MM (default: all)")

    def handle(self, *args, months, **options):
        started = time.monotonic()
        rows = monthly_figures_rebuild(months=[_month(m) for m in months] if months else None)
        self.stdout.write(
            f"Monthly request figures rebuilt: {rows} rows in {time.monotonic() - started:.1f} s."
        )
