"""Who a case may be dispatched to is decided once (flow.dispatch_assignees): the grid workers and
the grid head assigned to its area grid now. The case page's choices, the API and the state
machine itself all apply it; a tampered post to anyone else is refused and changes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from grids.tests.factories import GridAssignmentFactory
from notifications.models import Notification
from requests_desk import flow
from requests_desk.forms import ActionForm
from requests_desk.models import Request, Stage
from requests_desk.tests.test_flow import bring_to


@pytest.fixture
def former_worker(world):
    """A grid worker still bound to grid A1a whose assignment there ended yesterday."""
    user = UserFactory(
        username="former_a1a", role=Role.GRID_WORKER, node=world.grids["A1a"], last_name="前"
    )
    GridAssignmentFactory(
        grid=world.grids["A1a"],
        user=user,
        start_date=datetime.date(2020, 1, 1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    return user


@pytest.fixture
def filed(world, make_request):
    return bring_to(make_request(), Stage.FILED, world.users.district_admin)


def unchanged(item, events):
    fresh = Request.objects.get(pk=item.pk)
    return (
        fresh.stage == Stage.FILED
        and fresh.assignee_id is None
        and fresh.dispatched_at is None
        and fresh.events.count() == events
    )


def test_the_assignees_are_the_people_assigned_to_the_grid_now(world, filed, former_worker):
    people = {a.user for a in flow.dispatch_assignees(filed)}
    assert people == {world.users.grid_head, world.users.grid_worker}
    # On a day when the former worker was still assigned, they were eligible.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert former_worker in {a.user for a in flow.dispatch_assignees(filed, on=yesterday)}


def test_a_request_without_a_grid_has_no_assignees(world, make_request):
    hotline = make_request(community=world.communities["A1"], location=None, address="光明大道1号")
    assert hotline.grid_id is None and not flow.dispatch_assignees(hotline).exists()


def test_the_form_offers_exactly_the_assignees(world, filed, former_worker):
    form = ActionForm(action="dispatch", case=filed)
    values = {value for _group, rows in form.fields["target"].choices[1:] for value, _ in rows}
    people = {v for v in values if v.startswith("user:")}
    assert people == {f"user:{world.users.grid_head.pk}", f"user:{world.users.grid_worker.pk}"}


def test_the_flow_refuses_an_ended_assignment_with_a_translated_message(
    world, filed, former_worker
):
    events = filed.events.count()
    with translation.override("zh-hans"), pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(
            case=filed, action="dispatch", by=world.users.grid_head, target=former_worker
        )
    assert refused.value.code == "target" and "网格" in refused.value.messages[0]
    assert unchanged(filed, events)


def test_the_flow_refuses_a_grid_worker_bound_to_the_grid_without_an_assignment(world, filed):
    unassigned = UserFactory(username="unassigned", role=Role.GRID_WORKER, node=world.grids["A1a"])
    events = filed.events.count()
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=filed, action="dispatch", by=world.users.grid_head, target=unassigned)
    assert unchanged(filed, events)


def test_a_dispatch_made_in_the_past_uses_the_assignments_of_that_day(world, filed, former_worker):
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    flow.transition(
        case=filed,
        action="dispatch",
        by=world.users.grid_head,
        target=former_worker,
        now=two_days_ago,
    )
    filed.refresh_from_db()
    assert filed.assignee == former_worker


@pytest.mark.parametrize("who", ["other_grid_head", "former_worker", "party_member"])
def test_a_tampered_dispatch_on_the_case_page_is_refused(client, world, filed, former_worker, who):
    target = former_worker if who == "former_worker" else getattr(world.users, who)
    events = filed.events.count()
    notifications = Notification.objects.count()
    # Street staff see both grids of the community: the refusal is not a matter of jurisdiction.
    client.force_login(world.users.street_staff)
    response = client.post(
        reverse("requests_desk:act", args=[filed.code, "dispatch"]),
        {"target": f"user:{target.pk}", "note": "派给他"},
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert unchanged(filed, events)
    assert Notification.objects.count() == notifications


def test_a_tampered_dispatch_through_the_api_is_refused(client, world, filed, former_worker):
    events = filed.events.count()
    client.force_login(world.users.grid_head)
    for target in (world.users.other_grid_head, former_worker):
        response = client.post(
            f"/api/v1/requests/{filed.code}/actions/dispatch/",
            {"target": f"user:{target.pk}"},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"]["target"]
    assert unchanged(filed, events)


def test_a_tampered_bulk_dispatch_is_refused(client, world, filed):
    events = filed.events.count()
    client.force_login(world.users.grid_head)
    response = client.post(
        reverse("requests_desk:bulk_dispatch"),
        {"codes": [filed.code], "target": f"user:{world.users.other_grid_head.pk}"},
        follow=True,
    )
    assert response.status_code == 200 and "选择" in response.content.decode()
    assert unchanged(filed, events)
