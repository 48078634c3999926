"""Separation of duties (REDGRID_REQUESTS_DESK_SEPARATE_VERIFICATION, on by default): whoever
handled a case — the person it was dispatched to, or who started handling it or reported it done —
may not verify it on site. Enforced in flow.transition (so the page, the API and every other
caller obey it); the case page says why there is no "verify" button."""

import pytest
from django.urls import reverse
from django.utils import translation

from requests_desk import flow
from requests_desk.models import Request, RequestEvent, Stage

pytestmark = pytest.mark.django_db


def to_feedback(item, *, dispatcher, target, handler):
    flow.transition(case=item, action="accept", by=dispatcher)
    flow.transition(case=item, action="file", by=dispatcher)
    flow.transition(case=item, action="dispatch", by=dispatcher, target=target)
    flow.transition(case=item, action="start", by=handler)
    flow.transition(case=item, action="feedback", by=handler, note="已清理完毕")
    item.refresh_from_db()
    assert item.stage == Stage.FEEDBACK
    return item


def test_a_grid_head_who_dispatched_to_himself_cannot_verify(world, make_request):
    head = world.users.grid_head
    item = to_feedback(make_request(), dispatcher=head, target=head, handler=head)
    events = item.events.count()
    with translation.override("zh-hans"), pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(case=item, action="verify", by=head)
    assert refused.value.code == "guard"
    assert "职责分离" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.stage == Stage.FEEDBACK and item.events.count() == events
    # Someone who did not handle it verifies, and the case can be closed.
    flow.transition(case=item, action="verify", by=world.users.community_staff)
    flow.transition(case=item, action="close", by=head)
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED


def test_the_assignee_cannot_verify_even_if_someone_else_reported_the_handling(world, make_request):
    item = to_feedback(
        make_request(),
        dispatcher=world.users.grid_head,
        target=world.users.grid_worker,
        handler=world.users.grid_head,
    )
    assert flow.handled_by(item, world.users.grid_worker)
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="verify", by=world.users.grid_worker)
    with pytest.raises(flow.TransitionRefused):
        flow.transition(case=item, action="verify", by=world.users.grid_head)
    flow.transition(case=item, action="verify", by=world.users.street_staff)


def test_a_unit_dispatch_handled_by_the_worker_is_verified_by_the_head(world, make_request):
    item = make_request()
    to_feedback(
        item,
        dispatcher=world.users.grid_head,
        target=item.community,
        handler=world.users.grid_worker,
    )
    actions = {t.action for t in flow.allowed_actions(item, world.users.grid_head)}
    assert "verify" in actions
    assert "verify" not in {t.action for t in flow.allowed_actions(item, world.users.grid_worker)}
    flow.transition(case=item, action="verify", by=world.users.grid_head)


def test_a_district_may_turn_it_off(world, make_request, settings):
    settings.REDGRID_REQUESTS_DESK_SEPARATE_VERIFICATION = False
    head = world.users.grid_head
    item = to_feedback(make_request(), dispatcher=head, target=head, handler=head)
    flow.transition(case=item, action="verify", by=head)
    item.refresh_from_db()
    assert item.stage == Stage.VERIFIED


def test_the_case_page_says_why_there_is_no_verify_button(client, world, make_request):
    head = world.users.grid_head
    item = to_feedback(make_request(), dispatcher=head, target=head, handler=head)
    client.force_login(head)
    page = client.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    assert 'data-action="verify"' not in page
    assert 'data-refused="verify"' in page and "职责分离" in page


def test_a_tampered_post_to_verify_is_refused_and_changes_nothing(client, world, make_request):
    head = world.users.grid_head
    item = to_feedback(make_request(), dispatcher=head, target=head, handler=head)
    client.force_login(head)
    events = RequestEvent.objects.filter(request=item).count()
    response = client.post(
        reverse("requests_desk:act", args=[item.code, "verify"]), {"version": item.version}
    )
    assert response.status_code == 400
    assert "职责分离" in response.content.decode()
    assert Request.objects.get(pk=item.pk).stage == Stage.FEEDBACK
    assert RequestEvent.objects.filter(request=item).count() == events


def test_the_api_refuses_it_too(client, world, make_request):
    head = world.users.grid_head
    item = to_feedback(make_request(), dispatcher=head, target=head, handler=head)
    client.force_login(head)
    response = client.post(f"/api/v1/requests/{item.code}/actions/verify/", {})
    assert response.status_code == 400
    assert Request.objects.get(pk=item.pk).stage == Stage.FEEDBACK
