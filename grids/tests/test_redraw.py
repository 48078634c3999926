"""Redrawing keeps people and things attached (core.redraw_registry): a `--replace` import moves
everything that points at a closed version to the new one, each kind of row by its own rule, and
the dry run reports exactly what the commit does.

The redraw used here moves the edge between the world's grids A1a and A1b from 113.85 to 113.87 E:
a point at 113.86 E was in A1b and now lies in A1a."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone, translation

from care.models import Household
from care.tests.factories import HouseholdFactory
from core.redraw_registry import covered_fields
from grids.boundary_import import ImportRefused, import_boundaries
from grids.models import NODE_MODELS, AreaGrid, GridAssignment, KeyPlace
from grids.tests.factories import GridAssignmentFactory, KeyPlaceFactory
from party_branches.tests.factories import PartyBranchFactory
from patrols.models import PatrolPlan
from requests_desk.models import Category, MonthlyRequestFigures, Request
from requests_desk.monthly import COUNTERS, monthly_figures_rebuild
from requests_desk.services import request_create
from service_points.models import ServicePosition
from service_points.tests.factories import CentreFactory, GridPositionFactory

A1A, A1B = "44031100100101", "44031100100102"
WEST_OF_NEW_EDGE = (113.86, 22.75)  # in A1b before the redraw, in A1a after
DEEP_IN_A1B = (113.89, 22.75)


def box(x0, y0, x1, y1):
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


def redrawn_a1():
    """A1a and A1b with their shared edge moved east, from 113.85 to 113.87."""
    features = [
        ("grid", A1A, "A1a网格", box(113.80, 22.70, 113.87, 22.80)),
        ("grid", A1B, "A1b网格", box(113.87, 22.70, 113.90, 22.80)),
    ]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"level": level, "code": code, "name": name, "parent": code[:12]},
            }
            for level, code, name, geometry in features
        ],
    }


def new_version(code):
    return AreaGrid.objects.current().get(code=code)


def point(lonlat):
    return Point(*lonlat, srid=4326)


@pytest.fixture
def today():
    return timezone.localdate()


def test_every_foreign_key_to_the_hierarchy_is_moved_or_declared_history():
    nodes = set(NODE_MODELS.values())
    keys = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in nodes
    }
    missing = keys - covered_fields()
    assert not missing, f"add a mover or a redraw_history declaration for {sorted(missing)}"


def test_people_bound_to_a_redrawn_grid_are_bound_to_its_new_version(world, today):
    import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    for user, code in (
        (world.users.grid_head, A1A),
        (world.users.grid_worker, A1A),
        (world.users.party_member, A1A),
        (world.users.other_grid_head, A1B),
    ):
        user.refresh_from_db()
        assert user.grid == new_version(code)
    world.users.community_staff.refresh_from_db()
    assert world.users.community_staff.community == world.communities["A1"]  # not redrawn


def test_running_assignments_move_and_ended_ones_stay_with_the_old_version(world, today):
    ended = GridAssignmentFactory(
        grid=world.grids["A1a"],
        user=world.users.party_member,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    head = GridAssignment.objects.get(user=world.users.grid_head)
    assert head.grid == new_version(A1A)
    ended.refresh_from_db()
    assert ended.grid == world.grids["A1a"]


def test_the_grid_party_branch_follows(world, today):
    branch = PartyBranchFactory(grid=world.grids["A1b"])
    import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    branch.refresh_from_db()
    assert branch.grid == new_version(A1B)


def test_households_are_placed_again_by_their_point(world, today):
    stays = HouseholdFactory(grid=world.grids["A1b"], location=point(DEEP_IN_A1B))
    crosses = HouseholdFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    no_point = HouseholdFactory(grid=world.grids["A1b"], location=None)
    with translation.override("en"):
        result = import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    assert Household.objects.get(pk=stays.pk).grid == new_version(A1B)
    assert Household.objects.get(pk=crosses.pk).grid == new_version(A1A)
    assert Household.objects.get(pk=no_point.pk).grid == new_version(A1B)
    [line] = [line for line in result.ambiguous if line.startswith("Household")]
    assert f"#{crosses.pk}" in line and "A1a网格" in line


def test_key_places_and_their_patrol_plans_follow_the_point(world, today):
    place = KeyPlaceFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    plan = PatrolPlan.objects.create(grid=world.grids["A1b"], key_place=place)
    result = import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    place.refresh_from_db()
    plan.refresh_from_db()
    assert place.grid == new_version(A1A)
    assert plan.grid == new_version(A1A)
    assert any(place.name in line for line in result.ambiguous)


def test_service_positions_keep_serving_their_grid_and_a_moved_point_is_listed(world, today):
    CentreFactory(community=world.communities["A1"])
    position = GridPositionFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    result = import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    position.refresh_from_db()
    assert position.grid == new_version(A1B)
    assert any(position.name in line for line in result.ambiguous)


def summary():
    rows = {}
    for row in MonthlyRequestFigures.objects.values("bucket", "month", *COUNTERS):
        counts = {c: row[c] for c in COUNTERS}
        if any(counts.values()):
            rows[(row["bucket"], row["month"])] = counts
    return rows


def test_open_requests_are_placed_again_by_their_point_and_the_monthly_figures_stay_exact(
    world, today, categories
):
    from django.db import transaction

    category = Category.objects.get(code="E0103")
    crossing = request_create(
        source=Request.Source.GRID_PATROL,
        category=category,
        description="路边垃圾堆积很久了",
        location=WEST_OF_NEW_EDGE,
    )
    closed = request_create(
        source=Request.Source.GRID_PATROL,
        category=category,
        description="已经处理完的问题",
        location=DEEP_IN_A1B,
    )
    Request.objects.filter(pk=closed.pk).update(stage="closed", closure_type="normal")
    monthly_figures_rebuild()
    assert crossing.grid == world.grids["A1b"]
    result = import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    crossing.refresh_from_db()
    closed.refresh_from_db()
    assert crossing.grid == new_version(A1A)
    assert closed.grid == world.grids["A1b"]  # history keeps the grid it was handled in
    assert any(crossing.code in line for line in result.ambiguous)
    kept = summary()
    savepoint = transaction.savepoint()
    monthly_figures_rebuild()
    assert summary() == kept
    transaction.savepoint_rollback(savepoint)


def test_a_grid_head_sees_new_requests_in_their_redrawn_grid(world, today, categories):
    from requests_desk.selectors import requests_for

    import_boundaries(redrawn_a1(), replace=True, valid_from=today)
    created = request_create(
        source=Request.Source.GRID_PATROL,
        category=Category.objects.get(code="E0103"),
        description="新网格里的新问题",
        location=WEST_OF_NEW_EDGE,
    )
    world.users.grid_head.refresh_from_db()
    assert requests_for(world.users.grid_head).filter(pk=created.pk).exists()


def test_the_dry_run_lists_what_will_move_and_saves_nothing(world, today):
    crosses = HouseholdFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    with translation.override("en"):
        result = import_boundaries(redrawn_a1(), replace=True, valid_from=today, dry_run=True)
    assert result.dry_run and result.replaced == {"grid": 2}
    moved = {report.label: report.count for report in result.moves}
    assert moved["people bound to a node"] == 4
    assert moved["households"] == 1
    assert any(f"#{crosses.pk}" in line for line in result.ambiguous)
    assert AreaGrid.objects.filter(code=A1A).count() == 1
    crosses.refresh_from_db()
    assert crosses.grid == world.grids["A1b"]
    world.users.grid_head.refresh_from_db()
    assert world.users.grid_head.grid == world.grids["A1a"]


def test_a_redraw_dated_in_the_future_is_refused(world, today):
    with pytest.raises(ImportRefused) as refused, translation.override("en"):
        import_boundaries(
            redrawn_a1(), replace=True, valid_from=today + datetime.timedelta(days=30)
        )
    assert "today or earlier" in " ".join(refused.value.problems)
    assert AreaGrid.objects.filter(code=A1A).count() == 1


def test_the_command_prints_the_moves_and_what_to_check(world, tmp_path, today):
    import json

    HouseholdFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    path = tmp_path / "redraw.geojson"
    path.write_text(json.dumps(redrawn_a1()), encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_boundaries", str(path), "--replace", stdout=out)
    text = out.getvalue()
    assert "dry run" in text and "households: 1 would move" in text and "To check (1)" in text
    assert AreaGrid.objects.filter(code=A1A).count() == 1
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_boundaries", str(path), "--replace", "--commit", stdout=out)
    assert "households: 1 moved" in out.getvalue()
    assert AreaGrid.objects.filter(code=A1A).count() == 2


def test_the_admin_upload_checks_then_commits_through_the_same_function(world, client, today):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    HouseholdFactory(grid=world.grids["A1b"], location=point(WEST_OF_NEW_EDGE))
    client.force_login(world.users.district_admin)
    url = "/admin/grids/areagrid/import/"

    def upload(**extra):
        data = json.dumps(redrawn_a1()).encode()
        return client.post(
            url,
            {"file": SimpleUploadedFile("r.geojson", data), "replace": "on", **extra},
        )

    checked = upload(check="1")
    assert checked.status_code == 200
    assert AreaGrid.objects.filter(code=A1A).count() == 1
    assert "A1a网格" in checked.content.decode()
    done = upload()
    assert done.status_code == 200
    assert AreaGrid.objects.filter(code=A1A).count() == 2
    assert ServicePosition.objects.count() == 0
    assert KeyPlace.objects.count() == 0


def test_a_redrawn_community_takes_its_committee_members_registrations_and_open_cases(
    world, today, categories
):
    """Community A1 drawn again (same outline, a new version): its grids follow it in the import,
    and everything that points at the community itself moves to the new version."""
    from party_branches.models import CommunityCommittee, PartyMember
    from party_branches.tests.factories import CommunityCommitteeFactory, PartyMemberFactory
    from volunteers.tests.factories import RegistrationFactory

    old = world.communities["A1"]
    committee = CommunityCommitteeFactory(community=old)
    member = PartyMemberFactory(community=old)
    registration = RegistrationFactory(member=member, grid=world.grids["A1a"], community=old)
    no_point = request_create(
        source=Request.Source.HOTLINE,
        category=categories["E0103"],
        description="电话反映小区噪音扰民",
        community=old,
    )
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": box(113.80, 22.70, 113.90, 22.80),
                "properties": {
                    "level": "community",
                    "code": old.code,
                    "name": "A1社区",
                    "parent": old.code[:9],
                },
            }
        ],
    }
    import_boundaries(data, replace=True, valid_from=today)
    new = old.__class__.objects.current().get(code=old.code)
    assert new.pk != old.pk
    assert AreaGrid.objects.get(pk=world.grids["A1a"].pk).community == new  # the import itself
    assert CommunityCommittee.objects.get(pk=committee.pk).community == new
    assert PartyMember.objects.get(pk=member.pk).community == new
    registration.refresh_from_db()
    no_point.refresh_from_db()
    assert (registration.community, no_point.community) == (new, new)
    world.users.community_staff.refresh_from_db()
    assert world.users.community_staff.community == new
