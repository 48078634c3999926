"""Settings: one prefix per app, read at call time, checked, and every one documented."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.appsettings import (
    RENAMED,
    AppSettings,
    Setting,
    app_settings,
    project_setting_names,
    settings_table,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "configuration.md").read_text()


def _conf_objects():
    import importlib

    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path) / "conf.py"
        if path.exists() and Path(config.path).resolve().parent == ROOT:  # RedGrid's own apps
            module = importlib.import_module(f"{config.name}.conf")
            found[config.label] = [v for v in vars(module).values() if isinstance(v, AppSettings)]
    return found


def test_every_conf_py_declares_one_settings_object_named_after_its_app():
    found = _conf_objects()
    assert set(found) >= {"care", "patrols", "volunteers", "service_points", "requests_desk"}
    prefixes = []
    for label, objects in found.items():
        prefixes += [type(o).prefix for o in objects]
        if label == "core":
            # The base layer groups its settings by area (REDGRID_FILES_…), one object each.
            continue
        assert len(objects) == 1, label
        assert type(objects[0]).prefix == f"REDGRID_{label.upper()}_", label
    # No prefix hides inside another (REDGRID_REQUESTS_ would catch REDGRID_REQUESTS_DESK_…).
    for prefix in prefixes:
        assert prefix.startswith("REDGRID_") and prefix.endswith("_"), prefix
        assert not [p for p in prefixes if p != prefix and p.startswith(prefix)], prefix


def test_a_setting_is_read_when_it_is_used_so_override_settings_works():
    from care.conf import conf as care
    from service_points.conf import conf as service_points
    from volunteers.conf import conf as volunteers

    assert service_points.WALKING_DISTANCE_M == 500
    with override_settings(
        REDGRID_SERVICE_POINTS_WALKING_DISTANCE_M=800,
        REDGRID_CARE_RETENTION_DAYS=30,
        REDGRID_VOLUNTEERS_POINTS_PER_HOUR="2.5",
        REDGRID_VOLUNTEERS_STAR_HOURS=[1, 2, 3, 4, 5],
    ):
        assert service_points.WALKING_DISTANCE_M == 800
        assert care.RETENTION_DAYS == 30
        points = volunteers.POINTS_PER_HOUR
        assert points == Decimal("2.5")
        assert volunteers.STAR_HOURS == (1, 2, 3, 4, 5)
    assert service_points.WALKING_DISTANCE_M == 500


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REDGRID_CARE_PAGE_SIZE", "50", "expected an integer like 50"),
        ("REDGRID_CARE_PAGE_SIZE", True, "expected an integer like 50"),
        ("REDGRID_CARE_PAGE_SIZE", 0, "must be greater than zero"),
        ("REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP", (10,), "(count, seconds)"),
        ("REDGRID_NOTIFICATIONS_QUIET_HOURS", ("22h", "8h"), '("HH:MM", "HH:MM")'),
        ("REDGRID_VOLUNTEERS_STAR_HOURS", (300, 100, 600, 1000, 1500), "must rise"),
        ("REDGRID_REQUESTS_DESK_WORKING_WEEKDAYS", (0, 7), "0 (Monday) to 6 (Sunday)"),
    ],
)
def test_a_bad_value_stops_with_the_name_of_the_setting(name, value, message):
    declared = {full: setting for _label, full, setting in app_settings()}
    with override_settings(**{name: value}):
        with pytest.raises(ImproperlyConfigured) as refused:
            declared[name].read(name)
        assert name in str(refused.value) and message in str(refused.value)
        errors = [m for m in checks.run_checks() if m.id == "redgrid.E001"]
        assert [m.obj for m in errors] == [name]


def test_an_old_or_unknown_setting_name_is_reported_at_start_up():
    with override_settings(REDGRID_PATROL_MAX_CHECK_IN_METRES=100, REDGRID_CARE_PAGESIZE=10):
        warnings = {m.obj: m for m in checks.run_checks() if m.id == "redgrid.W001"}
    assert set(warnings) == {"REDGRID_PATROL_MAX_CHECK_IN_METRES", "REDGRID_CARE_PAGESIZE"}
    assert (
        "REDGRID_PATROLS_MAX_CHECK_IN_METRES" in warnings["REDGRID_PATROL_MAX_CHECK_IN_METRES"].hint
    )
    assert not [m for m in checks.run_checks() if m.id.startswith("redgrid.")]


def test_every_renamed_setting_points_at_a_declared_one():
    declared = {name for _label, name, _setting in app_settings()}
    assert set(RENAMED.values()) <= declared
    assert not set(RENAMED) & declared


def test_a_setting_declared_in_a_base_class_is_inherited():
    class Base(AppSettings):
        prefix = "REDGRID_X_"
        A = Setting(1, "a")

    class Child(Base):
        B = Setting("b", "b")

    assert [name for name, _ in Child.declared()] == ["REDGRID_X_A", "REDGRID_X_B"]
    assert Child().B == "b"


def test_the_app_settings_table_in_the_docs_is_up_to_date():
    assert settings_table() in DOC, "docs/configuration.md: run scripts/settings_table.py"


def _env_names_read_by_settings() -> set[str]:
    source = (ROOT / "redgrid" / "settings.py").read_text()
    names = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
        ):
            names.add(node.args[0].value)
    return names


def test_every_environment_variable_is_documented():
    names = _env_names_read_by_settings()
    assert {"DATABASE_URL", "REDGRID_FIELD_KEYS", "REDGRID_BLIND_INDEX_KEY"} <= names
    undocumented = sorted(n for n in names if f"`{n}`" not in DOC)
    assert undocumented == []


def test_every_redgrid_setting_of_the_project_is_documented():
    undocumented = sorted(n for n in project_setting_names() if f"`{n}`" not in DOC)
    assert undocumented == []


def test_no_code_reads_a_redgrid_setting_with_a_default_of_its_own():
    # One place decides defaults: the app's conf.py (or redgrid/settings.py for deployment
    # settings). getattr(settings, "REDGRID_…", default) elsewhere is a second, hidden default.
    pattern = re.compile(r"getattr\(\s*settings\s*,")
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in {"bench", "var"} or "tests" in parts:
            continue
        if path.relative_to(ROOT).as_posix() == "core/appsettings.py":
            continue
        if pattern.search(path.read_text()):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
