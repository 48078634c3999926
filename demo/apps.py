from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and its `load_demo` command; last in INSTALLED_APPS (it may use every
    app, no app may use it)."""

    name = "demo"
    verbose_name = "Demo data"
