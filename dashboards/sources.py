"""The other apps' query functions the dashboards are built on, looked up only when the app that
owns them is installed and has the function. A panel whose source is missing is not shown (the
dashboards never re-implement another app's indicator to fill the gap)."""

import importlib

from django.apps import apps


def optional(app_label: str, module: str, name: str):
    """`module.name` if app `app_label` is installed and defines it, else None."""
    if not apps.is_installed(app_label):
        return None
    try:
        loaded = importlib.import_module(f"{app_label}.{module}")
    except ImportError:
        return None
    return getattr(loaded, name, None)


def has(app_label: str, module: str, *names: str) -> bool:
    return all(optional(app_label, module, name) is not None for name in names)
