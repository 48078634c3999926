"""Leaving: deactivate, never delete; in one step a person's open cases, pairings, grid
assignments (and with them the grid's patrol plans) pass to a named successor in the same place.
Each app's step is registered in its own handover.py (accounts.handover)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from knox.models import AuthToken

from accounts.handover import STEPS, handover_plan, user_deactivate
from accounts.models import Role, User
from accounts.passwords import link_issue
from accounts.tests.factories import UserFactory
from care.models import Pairing
from care.tests.factories import HouseholdFactory, PairingFactory
from grids.models import GridAssignment, KeyPlace
from patrols.models import Patrol, PatrolPlan
from requests_desk.models import Request, RequestEvent


@pytest.fixture
def leaver(world, categories, make_request):
    """The grid worker of A1a with an open case, a closed one, a pairing, a patrol under way."""
    worker = world.users.grid_worker
    open_case = make_request()
    Request.objects.filter(pk=open_case.pk).update(stage="dispatched", assignee=worker)
    closed_case = make_request()
    Request.objects.filter(pk=closed_case.pk).update(
        stage="closed", closure_type="normal", assignee=worker
    )
    member = world.users.party_member
    pairing = PairingFactory(
        household=HouseholdFactory(grid=world.grids["A1a"]), worker=worker, members=[member]
    )
    place = KeyPlace.objects.create(
        grid=world.grids["A1a"],
        name="光明花园",
        kind="residential_estate",
        location=world.grids["A1a"].boundary.centroid,
    )
    PatrolPlan.objects.create(grid=world.grids["A1a"], key_place=place, frequency_days=7)
    Patrol.objects.create(grid=world.grids["A1a"], worker=worker)
    return {"user": worker, "open": open_case, "closed": closed_case, "pairing": pairing}


@pytest.fixture
def successor(world):
    return UserFactory(username="worker_new", role=Role.GRID_WORKER, node=world.grids["A1a"])


def test_every_app_registers_its_step(db):
    assert {"grids.assignments", "requests.open_cases", "care.pairings", "patrols.plans"} <= set(
        STEPS
    )


def test_the_plan_lists_what_the_person_holds(leaver):
    plan = {step.name: count for step, count in handover_plan(leaver["user"]).items}
    assert plan == {
        "grids.assignments": 1,
        "requests.open_cases": 1,
        "care.pairings": 1,
        "patrols.plans": 2,  # one plan entry in the grid and one patrol under way
    }


def test_leaving_hands_everything_to_the_successor_in_one_step(world, leaver, successor):
    worker = leaver["user"]
    link_issue(user=worker, by=None)
    AuthToken.objects.create(user=worker)
    done = user_deactivate(by=world.users.community_staff, user=worker, successor=successor)
    assert done["requests.open_cases"] == 1 and done["care.pairings"] == 1
    worker.refresh_from_db()
    assert worker.is_active is False and User.objects.filter(pk=worker.pk).exists()
    leaver["open"].refresh_from_db()
    leaver["closed"].refresh_from_db()
    assert leaver["open"].assignee == successor
    assert leaver["closed"].assignee == worker  # history is kept as it was
    assert RequestEvent.objects.filter(request=leaver["open"], action="handover").exists()
    old = Pairing.objects.get(pk=leaver["pairing"].pk)
    assert old.end_date is not None and old.end_reason
    new = Pairing.objects.get(household=leaver["pairing"].household, end_date__isnull=True)
    assert new.worker == successor
    assert list(new.members.all()) == [world.users.party_member]
    assert not GridAssignment.objects.in_force().filter(user=worker).exists()
    assert (
        GridAssignment.objects.in_force()
        .filter(user=successor, grid=world.grids["A1a"], role="grid_worker")
        .exists()
    )
    assert not Patrol.objects.filter(worker=worker, ended_at__isnull=True).exists()
    assert not AuthToken.objects.filter(user=worker).exists()
    assert not worker.password_tokens.filter(used_at__isnull=True).exists()
    assert successor.notifications.filter(kind="requests.handed_over").exists()


def test_someone_who_holds_work_cannot_leave_without_a_successor(world, leaver):
    with pytest.raises(ValidationError):
        user_deactivate(by=world.users.community_staff, user=leaver["user"], successor=None)
    leaver["user"].refresh_from_db()
    assert leaver["user"].is_active


@pytest.mark.parametrize(
    "who",
    ["other_grid_head", "grid_head", "no_role"],
)
def test_the_successor_has_the_same_role_at_the_same_place(world, leaver, who):
    with pytest.raises(ValidationError):
        user_deactivate(
            by=world.users.community_staff,
            user=leaver["user"],
            successor=getattr(world.users, who),
        )
    assert Request.objects.get(pk=leaver["open"].pk).assignee == leaver["user"]


def test_a_failing_step_rolls_everything_back(world, leaver, successor):
    # The successor already shares the member pairing: the care step refuses, nothing moves.
    member_leaver = world.users.party_member
    other_member = UserFactory(username="member2", role=Role.PARTY_MEMBER, node=world.grids["A1a"])
    leaver["pairing"].members.add(other_member)
    with pytest.raises(ValidationError):
        user_deactivate(by=world.users.community_staff, user=member_leaver, successor=other_member)
    member_leaver.refresh_from_db()
    assert member_leaver.is_active


def test_only_someone_above_deactivates_and_never_oneself(world, leaver, successor):
    for actor in (world.users.grid_head, world.users.grid_worker, world.users.other_street_staff):
        with pytest.raises(PermissionDenied):
            user_deactivate(by=actor, user=leaver["user"], successor=successor)


def test_a_grid_head_is_replaced_by_the_new_grid_head(world):
    head = world.users.grid_head
    new_head = UserFactory(username="head_new", role=Role.GRID_HEAD, node=world.grids["A1a"])
    user_deactivate(by=world.users.community_staff, user=head, successor=new_head)
    current = GridAssignment.objects.current_grid_heads().get(grid=world.grids["A1a"])
    assert current.user == new_head
    ended = GridAssignment.objects.get(user=head, grid=world.grids["A1a"])
    assert ended.end_date is not None and ended.end_date < current.start_date


def test_leaving_on_the_page_shows_the_plan_then_hands_over(client, world, leaver, successor):
    client.force_login(world.users.community_staff)
    url = f"/accounts/people/{leaver['user'].pk}/deactivate/"
    page = client.get(url)
    assert page.status_code == 200
    assert [item[1] for item in page.context["plan"].items] == [1, 1, 1, 2]
    refused = client.post(url, {"confirm": "on"})
    assert refused.status_code == 200 and refused.context["form"].errors
    done = client.post(url, {"confirm": "on", "successor": successor.pk})
    assert done.status_code == 302
    assert not User.objects.get(pk=leaver["user"].pk).is_active
    client.logout()
    login = client.post(
        "/accounts/login/", {"username": "worker_a1a", "password": "pw-for-tests-1"}
    )
    assert login.status_code == 200  # a deactivated account cannot sign in
