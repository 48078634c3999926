"""The case page after each action and the double submit.

* After an action made from the case page with htmx, the server sends the case's whole body again
  (stage badge, the buttons allowed now, the timeline): a dispatched case no longer shows 已立案
  and no longer offers "派遣". Without JavaScript the form redirects to the case page.
* A form carries the case's version: the same submit a second time (a double tap, a resend) is
  refused with a clear message and changes nothing — whether the stage would allow it (a
  re-dispatch) or not.
* Dispatch records the assignee's real role, and the timeline names each step (the resident's
  contact is "已联系居民", not "处置中 → 处置中").
"""

import pytest
from django.urls import reverse
from django.utils import translation

from requests_desk import flow
from requests_desk.models import Request, RequestEvent, Stage
from requests_desk.tests.test_flow import bring_to

pytestmark = pytest.mark.django_db


def post(client, item, action, data, *, htmx=True, on="case"):
    url = reverse("requests_desk:act", args=[item.code, action])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, {**data, **({"on": on} if on else {})}, **headers)


def test_the_case_body_comes_back_with_the_new_stage_buttons_and_timeline(
    client, world, make_request
):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    response = post(
        client,
        item,
        "dispatch",
        {"target": f"user:{world.users.grid_worker.pk}", "version": item.version},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#case-body" and response["HX-Reswap"] == "outerHTML"
    body = response.content.decode()
    assert 'id="case-body" data-stage="dispatched"' in body
    assert '<span class="badge" id="case-stage">已派遣</span>' in body
    assert "已立案</span>" not in body
    # Re-dispatch (二次派遣) is still possible, but the first "派遣" is not offered as if new:
    # the buttons are the ones of the dispatched stage.
    actions = body.split('id="rq-actions"')[1].split("</div>")[0]
    assert 'data-action="start"' in actions and 'data-action="file"' not in actions
    timeline = body.split('id="case-timeline"')[1]
    assert f"已派遣至综合网格员 {world.users.grid_worker}" in timeline
    assert "派遣：已完成。" in body.split("<h1>")[0]  # announced at the top, focus goes there


def test_without_javascript_the_form_redirects_to_the_case_page(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    response = post(
        client,
        item,
        "dispatch",
        {"target": f"community:{item.community_id}", "version": item.version},
        htmx=False,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_desk:case", args=[item.code])


def test_a_dashboard_row_still_gets_its_short_confirmation(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_head)
    response = post(client, item, "accept", {"version": item.version}, on="")
    assert 'class="rq-action-done"' in response.content.decode()
    assert "HX-Retarget" not in response


@pytest.mark.parametrize("htmx", [True, False])
def test_a_second_identical_dispatch_is_refused_and_changes_nothing(
    client, world, make_request, htmx
):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    data = {"target": f"community:{item.community_id}", "version": item.version}
    first = post(client, item, "dispatch", data, htmx=htmx)
    assert first.status_code in (200, 302)
    item.refresh_from_db()
    events, version, dispatched_at = item.events.count(), item.version, item.dispatched_at
    second = post(client, item, "dispatch", data, htmx=htmx)
    page = second.content.decode()
    assert "已变化" in page and "没有再次" in page
    if htmx:
        # The page shows the case as it is now, with the refusal at the top.
        assert second.status_code == 200 and second["HX-Retarget"] == "#case-body"
        assert 'data-stage="dispatched"' in page
    else:
        assert second.status_code == 400
    item.refresh_from_db()
    assert item.events.count() == events and item.version == version
    assert item.dispatched_at == dispatched_at


def test_a_resent_accept_is_refused_by_the_version_before_the_stage(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    data = {"version": item.version}
    assert post(client, item, "accept", data, htmx=False).status_code == 302
    second = post(client, item, "accept", data, htmx=False)
    assert second.status_code == 400 and "已变化" in second.content.decode()
    assert RequestEvent.objects.filter(request=item, action="accept").count() == 1


def test_a_form_without_its_version_is_refused(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    response = post(client, item, "accept", {}, htmx=False)
    assert response.status_code == 400
    assert Request.objects.get(pk=item.pk).stage == Stage.REPORTED


def test_the_flow_refuses_a_stale_version_whoever_calls_it(world, make_request):
    item = make_request()
    seen = item.version
    flow.transition(case=item, action="accept", by=world.users.grid_head, version=seen)
    with translation.override("zh-hans"), pytest.raises(flow.TransitionRefused) as refused:
        flow.transition(
            case=item, action="cancel", by=world.users.grid_head, version=seen, reason="x"
        )
    assert refused.value.code == "stale"
    assert Request.objects.get(pk=item.pk).stage == Stage.ACCEPTED


def test_the_api_takes_the_version_it_shows(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    detail = client.get(f"/api/v1/requests/{item.code}/").json()
    url = f"/api/v1/requests/{item.code}/actions/dispatch/"
    data = {"version": detail["version"], "target": f"community:{item.community_id}"}
    assert client.post(url, data).status_code == 200
    # A re-dispatch is allowed in the new stage: the version is what refuses the resend.
    again = client.post(url, data)
    assert again.status_code == 400 and again.json()["code"] == "stale"


def test_dispatch_records_the_grid_head_as_grid_head(world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    flow.transition(
        case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_head
    )
    item.refresh_from_db()
    assert item.target == Request.Target.GRID_HEAD and item.assignee == world.users.grid_head
    event = item.events.latest("id")
    grid = item.grid.name
    with translation.override("zh-hans"):
        assert item.target_display() == f"网格长 {world.users.grid_head}"
        assert event.staff_text == f"已派遣至网格长 {world.users.grid_head}。"
        # Public pages name the unit and the role, never the person.
        assert event.public_text == f"已派遣至网格长（{grid}）。"
        assert str(world.users.grid_head) not in event.public_text
    with translation.override("en"):
        assert event.staff_text == f"Dispatched to grid head {world.users.grid_head}."
    flow.transition(
        case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_worker
    )
    item.refresh_from_db()
    assert item.target == Request.Target.GRID_WORKER
    with translation.override("zh-hans"):
        assert item.events.latest("id").public_text == f"已派遣至综合网格员（{grid}）。"


def test_the_status_page_names_unit_and_role_not_the_person(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    flow.transition(
        case=item, action="dispatch", by=world.users.grid_head, target=world.users.grid_head
    )
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "已派遣至网格长（" in page
    assert str(world.users.grid_head) not in page


def test_the_timeline_names_the_contact_step(client, world, make_request):
    item = bring_to(make_request(), Stage.HANDLING, world.users.district_admin)
    flow.transition(case=item, action="contact", by=world.users.grid_head)
    client.force_login(world.users.grid_head)
    page = client.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    entry = page.split('<li data-action="contact">')[1].split("</li>")[0]
    assert "已联系居民" in entry
    assert "处置中 → 处置中" not in entry
    dispatch = page.split('<li data-action="dispatch">')[1].split("</li>")[0]
    assert "已立案 → 已派遣" in dispatch
