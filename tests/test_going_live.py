"""A district goes live without a developer or a superuser: docs/going-live.md's commands, run as
written on the example district in docs/examples/ (boundaries and first admin, then key places,
service positions, households, holidays), and the README's boundary import lines."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Role, User
from care.models import Household, Resident
from grids.models import AreaGrid, District, KeyPlace, Street
from grids.selectors import map_view
from requests_desk.models import HolidayCalendarYear
from service_points.models import ServicePosition

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
PINGSHAN = str(EXAMPLES / "440310.geojson")


@pytest.fixture(autouse=True)
def _seeded(db):
    """The data the migrations seed (care tags, request categories and the holiday calendar),
    which a transactional test run before on the same database may have flushed."""
    from django.apps import apps

    from care.models import CareTag
    from requests_desk.models import Category

    if not CareTag.objects.exists():
        __import__("care.migrations.0002_care_tags", fromlist=["forwards"]).forwards(apps, None)
    if not Category.objects.exists():
        seed = __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"])
        seed.seed(apps, None)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_district_checks_first_then_creates_the_district_and_its_first_admin(db):
    text = run("create_district", PINGSHAN, "--admin-username", "pingshan-admin")
    assert "dry run" in text
    assert not District.objects.exists() and not User.objects.filter(username="pingshan-admin")
    text = run(
        "create_district",
        PINGSHAN,
        "--admin-username",
        "pingshan-admin",
        "--admin-name",
        "张伟",
        "--commit",
    )
    district = District.objects.current().get(code="440310")
    assert Street.objects.filter(district=district).count() == 2
    assert AreaGrid.objects.current().filter(code__startswith="440310").count() == 4
    admin = User.objects.get(username="pingshan-admin")
    assert (admin.role, admin.district, admin.is_staff) == (Role.DISTRICT_ADMIN, district, True)
    assert not admin.has_usable_password() and not admin.is_superuser
    assert "pingshan-admin" in text and "no password yet" in text
    # The maps open on the new district (its boundary, not a constant).
    view = map_view()
    assert 22.6 < view.center[0] < 22.8 and 114.3 < view.center[1] < 114.5


def test_create_district_refuses_and_saves_nothing(db, tmp_path):
    run("create_district", PINGSHAN, "--admin-username", "taken", "--commit")
    with pytest.raises(CommandError):
        run(
            "create_district",
            str(EXAMPLES / "440309.geojson"),
            "--admin-username",
            "taken",
            "--commit",
        )
    assert not District.objects.filter(code="440309").exists()
    two = json.loads((EXAMPLES / "440310.geojson").read_text(encoding="utf-8"))
    two["features"].append(
        {
            **two["features"][0],
            "properties": {"level": "district", "code": "440399", "name": "另一区"},
        }
    )
    path = tmp_path / "two.geojson"
    path.write_text(json.dumps(two), encoding="utf-8")
    with pytest.raises(CommandError):
        run("create_district", str(path), "--admin-username", "someone", "--commit")
    with pytest.raises(CommandError):
        run("create_district", str(tmp_path / "missing.geojson"), "--admin-username", "x")


def test_the_going_live_imports_run_as_written_on_the_example_district(db):
    run("create_district", PINGSHAN, "--admin-username", "pingshan-admin", "--commit")
    run("import_sheet", "key_places", str(EXAMPLES / "440310-key-places.xlsx"), "--commit")
    assert KeyPlace.objects.filter(grid__code__startswith="440310").count() == 4
    run("import_sheet", "service_positions", str(EXAMPLES / "440310-positions.xlsx"), "--commit")
    assert ServicePosition.objects.filter(community__code__startswith="440310").count() == 6
    run("import_sheet", "households", str(EXAMPLES / "440310-households.xlsx"), "--commit")
    assert Household.objects.filter(grid__code__startswith="440310").count() == 2
    assert Resident.objects.count() == 3
    run("import_sheet", "holidays", str(EXAMPLES / "holidays-2026.csv"), "--commit")
    assert HolidayCalendarYear.objects.filter(year=2026).exists()


def test_the_readme_boundary_lines_work_as_written(db):
    longhua = str(EXAMPLES / "440309.geojson")
    assert "dry run" in run("import_boundaries", longhua)
    assert not District.objects.exists()
    assert "Imported" in run("import_boundaries", longhua, "--commit")
    assert District.objects.get().code == "440309"


def _doc_commands(path: Path) -> list[list[str]]:
    """The `.venv/bin/python manage.py …` lines of a document's code blocks, comments dropped."""
    import shlex

    commands = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith(".venv/bin/python manage.py "):
            words = shlex.split(line.split("  #")[0].split(" # ")[0])
            commands.append(words[2:])
    return commands


def test_every_manage_py_line_of_going_live_runs_as_written_in_order(db, monkeypatch):
    monkeypatch.chdir(ROOT)
    commands = _doc_commands(ROOT / "docs" / "going-live.md")
    assert len(commands) >= 6
    for args in commands:
        run(*args)
    assert District.objects.current().filter(code="440310").exists()
    assert KeyPlace.objects.count() == 4 and Household.objects.count() == 2


def test_every_manage_py_line_of_the_readme_runs_as_written_in_order(db, monkeypatch):
    monkeypatch.chdir(ROOT)
    commands = _doc_commands(ROOT / "README.md")
    assert commands
    for args in commands:
        run(*args)
    assert District.objects.current().filter(code="440309").exists()
