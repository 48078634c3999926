"""The layering rule (CONTRIBUTING.md): each RedGrid app imports only from the apps below it in
INSTALLED_APPS, with core at the bottom. import-linter checks every import (module level and
inside functions) against the `layers` contract in pyproject.toml; this test runs it and checks
that the contract lists the apps in INSTALLED_APPS order."""

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _contract() -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "layers"]
    return {"root_packages": config["root_packages"], **contract}


def _redgrid_apps() -> list[str]:
    """The project's own apps, in INSTALLED_APPS order (base first)."""
    base = Path(settings.BASE_DIR).resolve()
    own = {c.name for c in apps.get_app_configs() if Path(c.path).resolve().parent == base}
    return [name for name in settings.INSTALLED_APPS if name in own]


def test_the_layers_are_installed_apps_in_order_core_at_the_bottom() -> None:
    contract = _contract()
    assert contract["type"] == "layers"
    assert _redgrid_apps()[0] == "core"
    assert list(reversed(contract["layers"])) == _redgrid_apps()
    assert sorted(contract["root_packages"]) == sorted(_redgrid_apps())


def test_no_app_imports_an_app_above_it() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--contract", "layers"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout
