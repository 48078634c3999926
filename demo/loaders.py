"""Which demo loaders exist, in the order they run."""

import importlib
import importlib.util

from django.apps import apps

PACKAGE = "demo"


def demo_loaders():
    """[(app label, load_demo)] in INSTALLED_APPS order: an app's demo builds on the demo data of
    the apps it depends on (the street staff before the branches, the branches before the
    volunteers…). The loader of app `x` is `demo.x.load_demo`."""
    found = []
    for config in apps.get_app_configs():
        name = f"{PACKAGE}.{config.label}"
        if config.label != PACKAGE and importlib.util.find_spec(name) is not None:
            found.append((config.label, importlib.import_module(name).load_demo))
    return found
