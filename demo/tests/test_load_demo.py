"""The demo data set loads through its command, and loading it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from demo.loaders import demo_loaders

pytestmark = pytest.mark.django_db


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "django_celery_results")
    }


def test_every_app_with_demo_data_has_a_loader_in_layering_order():
    assert [label for label, _ in demo_loaders()] == [
        "grids",
        "notifications",
        "service_points",
        "party_branches",
        "volunteers",
        "requests_desk",
        "care",
        "patrols",
        "reports",
    ]


def test_without_commit_the_command_writes_nothing():
    before = _row_counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Dry run. Demo district present: False" in out.getvalue()
    assert _row_counts() == before


def test_the_demo_loads_and_a_second_run_adds_nothing():
    out = io.StringIO()
    call_command("load_demo", "--commit", "--seed", "7", stdout=out)
    assert "Demo data ready." in out.getvalue()
    loaded = _row_counts()
    for label in (
        "grids.AreaGrid",
        "accounts.User",
        "service_points.ServicePosition",
        "party_branches.PartyBranch",
        "volunteers.Registration",
        "requests_desk.Request",
        "care.Household",
        "patrols.Patrol",
        "reports.Report",
    ):
        assert loaded[label] > 0, label
    assert loaded["grids.AreaGrid"] == 103

    call_command("load_demo", "--commit", "--seed", "7", stdout=io.StringIO())
    assert _row_counts() == loaded
