"""Load the Guangming demo data set: `load_demo` of each module of the demo package (`demo.grids`,
`demo.care`, …), in INSTALLED_APPS order, base apps first.

Dry-run by default (reports what exists); `--commit` writes. Each app's loader keeps what already
exists, so running it twice adds nothing. To regenerate with another seed, start from an empty
database (`make reset-demo SEED=7`).
"""

import random

from django.core.management.base import BaseCommand

from demo.grids import DISTRICT_CODE
from demo.loaders import demo_loaders
from grids.models import District


class Command(BaseCommand):
    help = "Load the Guangming District demo data (dry-run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20231101)
        parser.add_argument("--commit", action="store_true", help="write to the database")

    def handle(self, *args, seed, commit, **options):
        found = demo_loaders()
        if not commit:
            exists = District.objects.filter(code=DISTRICT_CODE).exists()
            self.stdout.write(
                f"Dry run. Demo district present: {exists}. Loaders: "
                f"{', '.join(label for label, _ in found)}. Use --commit to load."
            )
            return
        # Each loader's generator is seeded with seed + its position, as it always was: the same
        # seed gives the same data set.
        for index, (label, loader) in enumerate(found):
            self.stdout.write(f"{label}:")
            loader(rng=random.Random(seed + index), seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
