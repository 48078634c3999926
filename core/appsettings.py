"""App settings: one declaration per setting, read from Django settings at every access.

Each app that has settings declares them once, in its `conf.py`:

    class CareSettings(AppSettings):
        prefix = "REDGRID_CARE_"
        PAGE_SIZE = Setting(50, "Households per page.")

    conf = CareSettings()

and reads `conf.PAGE_SIZE` where it needs the value. The Django setting is the prefix plus the
attribute name (`REDGRID_CARE_PAGE_SIZE`); the prefix is `REDGRID_<APP LABEL>_` (the base layer, core,
names an area instead, e.g. `REDGRID_FILES_`). Nothing is read at
import time, so `override_settings` and the pytest `settings` fixture work everywhere. A value of
the wrong type raises ImproperlyConfigured naming the setting; the system check below reports it at
start-up, and also any REDGRID_* setting that nothing reads (a typo, or a name from before the
rename to one prefix per app, see RENAMED).

These are tuning values with defaults, set in a deployment's settings module
(`from redgrid.settings import *`). Deployment settings read from environment variables (database,
keys, HTTPS, tiles, SMS gateway…) live in redgrid/settings.py. Both are listed in
docs/configuration.md; its app-settings table is generated from these declarations
(`scripts/settings_table.py`).
"""

import datetime
import importlib
import importlib.util
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()

# Names used before each app had one prefix: a deployment that still sets one is told the new name.
RENAMED = {
    "REDGRID_PATROL_MAX_CHECK_IN_METRES": "REDGRID_PATROLS_MAX_CHECK_IN_METRES",
    "REDGRID_PATROL_ESCALATE_HEAD_DAYS": "REDGRID_PATROLS_ESCALATE_HEAD_DAYS",
    "REDGRID_POSITIONS_WALKING_DISTANCE_M": "REDGRID_SERVICE_POINTS_WALKING_DISTANCE_M",
    "REDGRID_POSITIONS_UPCOMING_DAYS": "REDGRID_SERVICE_POINTS_UPCOMING_DAYS",
    "REDGRID_POSITIONS_BOOKING_MAX_HOURS": "REDGRID_SERVICE_POINTS_BOOKING_MAX_HOURS",
    "REDGRID_POSITIONS_BOOKING_MAX_DAYS_AHEAD": "REDGRID_SERVICE_POINTS_BOOKING_MAX_DAYS_AHEAD",
    "REDGRID_POSITIONS_PAGE_SIZE": "REDGRID_SERVICE_POINTS_PAGE_SIZE",
    "REDGRID_VOLUNTEER_REGISTRATION_MONTHS": "REDGRID_VOLUNTEERS_REGISTRATION_MONTHS",
    "REDGRID_VOLUNTEER_POINTS_PER_HOUR": "REDGRID_VOLUNTEERS_POINTS_PER_HOUR",
    "REDGRID_VOLUNTEER_STAR_HOURS": "REDGRID_VOLUNTEERS_STAR_HOURS",
    "REDGRID_VOLUNTEER_CHECKIN_WINDOW_MINUTES": "REDGRID_VOLUNTEERS_CHECKIN_WINDOW_MINUTES",
    "REDGRID_NOTIFY_BATCH_SIZE": "REDGRID_NOTIFICATIONS_BATCH_SIZE",
    "REDGRID_NOTIFY_LEASE_SECONDS": "REDGRID_NOTIFICATIONS_LEASE_SECONDS",
    "REDGRID_NOTIFY_MAX_ATTEMPTS": "REDGRID_NOTIFICATIONS_MAX_ATTEMPTS",
    "REDGRID_NOTIFY_RETRY_BASE_SECONDS": "REDGRID_NOTIFICATIONS_RETRY_BASE_SECONDS",
    "REDGRID_NOTIFY_TIME_BUDGET": "REDGRID_NOTIFICATIONS_TIME_BUDGET",
    "REDGRID_REMINDER_CHUNK_SIZE": "REDGRID_NOTIFICATIONS_REMINDER_CHUNK_SIZE",
    "REDGRID_QUIET_HOURS": "REDGRID_NOTIFICATIONS_QUIET_HOURS",
    "REDGRID_REQUEST_NEARLY_DUE_HOURS": "REDGRID_REQUESTS_DESK_NEARLY_DUE_HOURS",
    "REDGRID_REQUEST_ESCALATE_HEAD_HOURS": "REDGRID_REQUESTS_DESK_ESCALATE_HEAD_HOURS",
    "REDGRID_REQUEST_ESCALATE_COMMUNITY_HOURS": "REDGRID_REQUESTS_DESK_ESCALATE_COMMUNITY_HOURS",
    **{
        f"REDGRID_REQUESTS_{name}": f"REDGRID_FILES_{name}"
        for name in ("MAX_PHOTOS", "PHOTO_MAX_BYTES", "PHOTO_MAX_PIXELS", "PHOTO_MAX_SIDE")
    },
    **{
        f"REDGRID_REQUESTS_{name}": f"REDGRID_REQUESTS_DESK_{name}"
        for name in (
            "WORKING_PERIODS",
            "WORKING_WEEKDAYS",
            "NEARLY_DUE_HOURS",
            "CONTACT_WITHIN_HOURS",
            "PENDING_PHOTOS_SECONDS",
            "RATE_LIMIT_PER_IP",
            "RATE_LIMIT_PER_PHONE",
            "DUPLICATE_MINUTES",
            "NEARBY_METRES",
            "UNSATISFIED_BELOW",
            "RATE_LIMIT_STATUS",
            "RATE_LIMIT_STATUS_MISSES",
            "RATE_LIMIT_PROOF",
            "QUEUE_PAGE_SIZE",
            "OPEN311_MAX_DAYS",
            "OPEN311_MAX_RESULTS",
        )
    },
}


def _kind(default: object) -> str:
    """How the type of a setting is shown in docs/configuration.md and in error messages."""
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    if isinstance(default, Decimal):
        return "decimal"
    if isinstance(default, str):
        return "string"
    if isinstance(default, tuple):
        return "tuple"
    return type(default).__name__


class Setting:
    """One app setting: its default (whose type the value must have), what it does, and an
    optional `check(value)` returning a problem or None for rules beyond the type."""

    def __init__(
        self, default: Any, doc: str, *, check: Callable[[Any], str | None] | None = None
    ) -> None:
        self.default = default
        self.doc = doc
        self.check = check
        self.kind = _kind(default)
        self.attribute = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    def __get__(self, instance: "AppSettings | None", owner: type) -> Any:
        if instance is None:
            return self
        return self.read(instance.prefix + self.attribute)

    def read(self, name: str) -> Any:
        value = getattr(settings, name, _MISSING)
        if value is _MISSING:
            return self.default
        converted, problem = self.convert(value)
        if problem:
            raise ImproperlyConfigured(f"{name}={value!r}: {problem}.")
        return converted

    def convert(self, value: Any) -> tuple[Any, str | None]:
        """(value in the default's type, None) or (None, what is wrong)."""
        default = self.default
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(default, Decimal):
            try:
                value, ok = Decimal(str(value)), not isinstance(value, bool)
            except InvalidOperation:
                ok = False
        elif isinstance(default, tuple):
            ok = isinstance(value, list | tuple)
            value = tuple(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            article = "an" if self.kind[0] in "aeiou" else "a"
            return None, f"expected {article} {self.kind} like {default!r}"
        problem = self.check(value) if self.check else None
        return (None, problem) if problem else (value, None)


class AppSettings:
    """The settings of one app: subclass with `prefix` and Setting attributes, then instantiate."""

    prefix = ""

    @classmethod
    def declared(cls) -> list[tuple[str, Setting]]:
        """[(full setting name, Setting)] in declaration order."""
        found = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Setting):
                    found[name] = value
        return [(cls.prefix + name, setting) for name, setting in found.items()]


# --- Checks for Setting(check=…) ------------------------------------------------------------------
def positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than zero"


def count_per_seconds(value: Sequence[Any]) -> str | None:
    """A rate limit: (how many, in how many seconds)."""
    if len(value) != 2 or not all(isinstance(v, int) and v > 0 for v in value):
        return "must be (count, seconds), two positive integers"
    return None


def clock_range(value: Any) -> str | None:
    """("HH:MM", "HH:MM")."""
    try:
        start, end = value
        datetime.time.fromisoformat(start)
        datetime.time.fromisoformat(end)
    except (TypeError, ValueError):
        return 'must be ("HH:MM", "HH:MM")'
    return None


# --- Discovery and the system check -----------------------------------------------------------------
def app_settings() -> list[tuple[str, str, Setting]]:
    """[(app label, full setting name, Setting)] of every installed app's conf.py, in
    INSTALLED_APPS order."""
    found: list[tuple[str, str, Setting]] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.conf"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, AppSettings):
                found.extend((config.label, name, s) for name, s in type(value).declared())
    return found


def project_setting_names() -> set[str]:
    """REDGRID_* names that redgrid/settings.py defines (deployment settings)."""
    from redgrid import settings as project

    return {name for name in vars(project) if name.startswith("REDGRID_")}


@checks.register(checks.Tags.compatibility)
def check_app_settings(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    declared = app_settings()
    for _label, name, setting in declared:
        value = getattr(settings, name, _MISSING)
        if value is _MISSING:
            continue
        _converted, problem = setting.convert(value)
        if problem:
            messages.append(
                checks.Error(f"{name}={value!r}: {problem}.", id="redgrid.E001", obj=name)
            )
    known = {name for _label, name, _setting in declared} | project_setting_names()
    for name in sorted(dir(settings)):
        if name.startswith("REDGRID_") and name not in known:
            renamed = RENAMED.get(name)
            hint = (
                f"It was renamed to {renamed}."
                if renamed
                else "No RedGrid code reads it; see docs/configuration.md."
            )
            messages.append(
                checks.Warning(
                    f"{name} is not a RedGrid setting.", hint=hint, id="redgrid.W001", obj=name
                )
            )
    return messages


# --- docs/configuration.md ---------------------------------------------------------------------------
TABLE_START = "<!-- app-settings: generated by scripts/settings_table.py, do not edit by hand -->"
TABLE_END = "<!-- app-settings: end -->"


def _shown(value: object) -> str:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def settings_table() -> str:
    """The app-settings table of docs/configuration.md, from the declarations."""
    lines = [
        TABLE_START,
        "| setting | app | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for label, name, setting in app_settings():
        lines.append(
            f"| `{name}` | {label} | {setting.kind} | `{_shown(setting.default)}` | {setting.doc} |"
        )
    lines.append(TABLE_END)
    return "\n".join(lines)
