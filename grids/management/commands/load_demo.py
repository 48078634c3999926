"""Load the Guangming demo data set: every RedGrid app's `demo.load_demo`, base apps first.

Dry-run by default (reports what exists); `--commit` writes. Each app's loader keeps what already
exists, so running it twice adds nothing. To regenerate with another seed, start from an empty
database (`make reset-demo SEED=7`).
"""

import importlib
import importlib.util
import random

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from grids.models import District


class Command(BaseCommand):
    help = "Load the Guangming District demo data (dry-run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20231101)
        parser.add_argument("--commit", action="store_true", help="write to the database")

    def handle(self, *args, seed, commit, **options):
        loaders = []
        project_root = str(settings.BASE_DIR)
        for config in apps.get_app_configs():
            if not config.path.startswith(project_root):
                continue
            name = f"{config.name}.demo"
            if importlib.util.find_spec(name) is not None:
                module = importlib.import_module(name)
                if hasattr(module, "load_demo"):
                    loaders.append((config.label, module.load_demo))
        if not commit:
            exists = District.objects.filter(code="440311").exists()
            self.stdout.write(
                f"Dry run. Demo district present: {exists}. Loaders: "
                f"{', '.join(label for label, _ in loaders)}. Use --commit to load."
            )
            return
        for index, (label, loader) in enumerate(loaders):
            self.stdout.write(f"{label}:")
            loader(rng=random.Random(seed + index), seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
