"""System checks that keep every stored file private (run by `manage.py check` and at start-up).

core.E001  a model stores a file with a plain FileField/ImageField (no random name, a MEDIA_URL
           .url): use core.fields.PrivateFileField / PrivateImageField.
core.E002  a model with a private file field declares no PrivateFile (core.files), so no rule
           would decide who reads it.
core.E003  MEDIA_ROOT is inside a folder served as static files (or holds one), which would
           publish uploads without any rule.

And one about the database, run only when asked (`manage.py check --database default`):

core.W001  PostgreSQL's JIT compiler is on for the site's connections although DB_JIT is off: the
           site sends jit=off when it connects, except behind PgBouncer (DB_POOLER), which refuses
           startup options; there the database must hold it (docs/deployment.md).
"""

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models


@checks.register(checks.Tags.security)
def private_files_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    return file_field_errors(apps.get_models())


def file_field_errors(models_to_check: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    from core.fields import PrivateFileField, PrivateImageField
    from core.files import kind_of

    errors: list[checks.CheckMessage] = []
    for model in models_to_check:
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            if not isinstance(field, (PrivateFileField, PrivateImageField)):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} stores a file without the private "
                        "file mechanism.",
                        hint="Use core.fields.PrivateFileField or PrivateImageField.",
                        obj=model,
                        id="core.E001",
                    )
                )
                continue
            try:
                kind_of(model)
            except ImproperlyConfigured as exc:
                errors.append(checks.Error(str(exc), obj=model, id="core.E002"))
    return errors


@checks.register(checks.Tags.security)
def media_not_static_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    media = Path(settings.MEDIA_ROOT).resolve()
    served = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    served += [Path(d[1] if isinstance(d, (tuple, list)) else d) for d in settings.STATICFILES_DIRS]
    return [
        checks.Error(
            f"MEDIA_ROOT ({media}) overlaps a static files folder ({folder}).",
            hint="Keep uploads outside STATIC_ROOT and STATICFILES_DIRS.",
            id="core.E003",
        )
        for folder in (p.resolve() for p in served)
        if media == folder or media.is_relative_to(folder) or folder.is_relative_to(media)
    ]


@checks.register(checks.Tags.database)
def jit_off_check(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    if settings.DB_JIT:
        return []
    warnings: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            (jit,) = cursor.fetchone()
        if jit == "on":
            name = connection.settings_dict["NAME"]
            warnings.append(
                checks.Warning(
                    f"PostgreSQL's JIT compiler is on for the site's connections to {name}.",
                    hint=(
                        "Behind PgBouncer (DB_POOLER) the site cannot turn it off when it "
                        f"connects: run ALTER DATABASE {name} SET jit = off once, or set "
                        "DB_JIT=1 to keep it on."
                    ),
                    id="core.W001",
                )
            )
    return warnings
