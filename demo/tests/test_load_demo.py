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

    _times_are_local_working_hours()
    _timelines_are_system_text_with_real_actors()


def _times_are_local_working_hours():
    """Activities at 09:00, 14:00 or 19:00 and patrols from 08:00 to 16:59, in the district's
    local time (they were generated in UTC: activities at 03:00–06:00, patrols at 23:59)."""
    from core.periods import local
    from patrols.models import Patrol
    from volunteers.models import Activity

    hours = {local(a).hour for a in Activity.objects.values_list("starts_at", flat=True)}
    assert hours <= {9, 14, 19}, hours
    starts = [local(p) for p in Patrol.objects.values_list("started_at", flat=True)]
    assert starts and all(8 <= at.hour <= 16 for at in starts)


def _timelines_are_system_text_with_real_actors():
    from requests_desk import flow
    from requests_desk.models import RequestEvent

    reports = RequestEvent.objects.filter(action="report")
    assert not reports.filter(message={}).exists()
    assert not RequestEvent.objects.filter(actor_label__in=("居民", "网格员", "网格长")).exists()
    assert not RequestEvent.objects.filter(note__startswith="上报渠道").exists()
    # Nobody verifies a case they handled (separation of duties).
    for event in RequestEvent.objects.filter(action="verify").select_related("request")[:200]:
        assert not flow.handled_by(event.request, event.actor), event.request.code
