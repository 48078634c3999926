from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only by bench.settings: the baseline table and the benchmark reminder kind."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from bench import reminders  # noqa: F401 - registers the benchmark reminder kind
