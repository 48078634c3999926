"""REST API under /api/v1/: the queue and case as JSON (jurisdiction-scoped, reporter masked), the
state machine's actions with the case page's role checks, the category tree, the OpenAPI contract,
and a query count that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_desk.models import Request, Stage
from requests_desk.tests.factories import RequestFactory
from requests_desk.tests.test_flow import bring_to

LIST = "/api/v1/requests/"


def detail(code):
    return f"/api/v1/requests/{code}/"


def act(code, action):
    return f"/api/v1/requests/{code}/actions/{action}/"


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_list_is_scoped_to_the_jurisdiction(client, world, make_request):
    mine = make_request(grid="A1a")
    other = make_request(grid="A1b", description="隔壁网格的垃圾问题")
    far = make_request(grid="B2b", description="另一个街道的垃圾问题")
    client.force_login(world.users.grid_head)
    assert codes(client.get(LIST)) == {mine.code}
    client.force_login(world.users.street_staff)
    assert codes(client.get(LIST)) == {mine.code, other.code}
    client.force_login(world.users.district_admin)
    assert codes(client.get(LIST)) == {mine.code, other.code, far.code}


def test_detail_and_actions_outside_the_jurisdiction_are_404(client, world, make_request):
    other = make_request(grid="A1b")
    client.force_login(world.users.grid_head)
    assert client.get(detail(other.code)).status_code == 404
    assert (
        client.post(act(other.code, "accept"), {}, content_type="application/json").status_code
        == 404
    )
    other.refresh_from_db()
    assert other.stage == Stage.REPORTED


def test_api_needs_a_staff_role(client, world, make_request):
    item = make_request()
    assert client.get(LIST).status_code in (401, 403)
    client.force_login(world.users.party_member)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(item.code)).status_code == 403


def test_reporter_data_is_masked_everywhere(client, world, make_request):
    item = make_request(
        reporter_name="王小明",
        reporter_phone="13812345678",
        reporter_email="wang@example.com",
        consent=True,
    )
    client.force_login(world.users.district_admin)
    for url in (LIST, detail(item.code)):
        body = client.get(url).content.decode()
        assert "13812345678" not in body and "王小明" not in body and "wang@example" not in body
    reporter = client.get(detail(item.code)).json()["reporter"]
    assert reporter == {
        "name": "王**",
        "phone": "138****5678",
        "has_email": True,
        "consent": True,
        "anonymous": False,
    }


def test_detail_has_the_timeline_and_the_allowed_actions(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    data = client.get(detail(item.code.lower())).json()
    assert data["code"] == item.code and data["stage"] == "filed"
    assert [e["action"] for e in data["timeline"]] == ["report", "accept", "file"]
    assert data["timeline"][1]["from_stage"] == "reported"
    assert data["timeline"][1]["to_stage"] == "accepted"
    assert "dispatch" in {a["action"] for a in data["allowed_actions"]}
    assert data["category"]["code"] == "E0103" and data["grid"]["code"]
    assert data["reporter"]["anonymous"] is True


def test_action_goes_through_the_state_machine(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    response = client.post(
        act(item.code, "accept"), {"note": "收到"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "accepted"
    assert response.json()["timeline"][-1]["note"] == "收到"
    item.refresh_from_db()
    assert item.stage == Stage.ACCEPTED and item.accepted_at is not None


def test_action_refused_for_the_role_is_400_with_the_translated_reason(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    response = client.post(
        act(item.code, "cancel"), {"reason": "重复"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "role"
    assert "您的角色不能" in response.json()["detail"]
    item.refresh_from_db()
    assert item.stage == Stage.REPORTED


def test_action_refusals_stage_parameters_unknown(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_head)
    response = client.post(act(item.code, "close"), {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "stage"
    response = client.post(
        act(item.code, "cancel"), {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(act(item.code, "fly"), {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "unknown"
    item.refresh_from_db()
    assert item.stage == Stage.REPORTED and item.events.count() == 1


def test_dispatch_through_the_api(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    response = client.post(
        act(item.code, "dispatch"),
        {"target": f"user:{world.users.grid_worker.pk}"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["stage"] == "dispatched" and data["due_at"] and data["dispatched_to"]
    # A worker of another grid is refused by the state machine, with its message.
    response = client.post(
        act(item.code, "dispatch"), {"target": "community:999999"}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]


def test_list_filters_are_the_queue_filters(client, world, make_request):
    late = bring_to(make_request(), Stage.DISPATCHED, world.users.district_admin)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    fresh = make_request(description="新报的垃圾问题，还没受理", address="光明大道88号")
    client.force_login(world.users.grid_head)
    assert codes(client.get(LIST, {"overdue": "on"})) == {late.code}
    assert codes(client.get(LIST, {"stage": "reported"})) == {fresh.code}
    assert codes(client.get(LIST, {"stage": "open"})) == {late.code, fresh.code}
    assert codes(client.get(LIST, {"q": "光明大道"})) == {fresh.code}
    assert client.get(LIST, {"stage": "nonsense"}).status_code == 400
    rows = client.get(LIST, {"sort": "old"}).json()["results"]
    assert [r["code"] for r in rows] == [late.code, fresh.code]
    assert rows[0]["overdue"] is True and rows[1]["overdue"] is False


def _list_queries(client, count_before):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.json()["count"] == count_before
    return len(queries)


def test_list_query_count_does_not_grow_with_the_data(client, world, categories):
    client.force_login(world.users.street_staff)
    grid = world.grids["A1a"]
    RequestFactory.create_batch(2, grid=grid)
    few = _list_queries(client, 2)
    RequestFactory.create_batch(
        40, grid=grid, assignee=world.users.grid_worker, target=Request.Target.GRID_WORKER
    )
    many = _list_queries(client, 42)
    assert few == many <= 8


def test_detail_query_count_does_not_grow_with_the_timeline(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_head)
    with CaptureQueriesContext(connection) as short:
        client.get(detail(item.code))
    bring_to(item, Stage.VERIFIED, world.users.district_admin)
    with CaptureQueriesContext(connection) as long:
        data = client.get(detail(item.code)).json()
    assert len(data["timeline"]) == 7
    assert len(short) == len(long)


def test_category_tree_is_public(client, categories):
    data = client.get("/api/v1/request-categories/").json()
    top = next(c for c in data if any(s["code"] == "E0103" for s in c["children"]))
    assert top["kind"] == "event" and all(s["limit_amount"] for s in top["children"])
    one = client.get(f"/api/v1/request-categories/{top['code']}/").json()
    assert one["children"] == top["children"]


@pytest.mark.django_db
def test_openapi_contract_names_every_operation(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    operations = {
        ("/api/v1/requests/", "get"): "requests_list",
        ("/api/v1/requests/{code}/", "get"): "requests_retrieve",
        ("/api/v1/requests/{code}/actions/{action_name}/", "post"): "requests_action",
        ("/api/v1/request-categories/", "get"): "request_categories_list",
        ("/api/v1/request-categories/{code}/", "get"): "request_categories_retrieve",
    }
    for (path, method), operation_id in operations.items():
        assert paths[path][method]["operationId"] == operation_id
    listed = {p["name"] for p in paths["/api/v1/requests/"]["get"]["parameters"]}
    assert {"stage", "category", "grid", "source", "overdue", "q", "sort"} <= listed
    detail_schema = schema["components"]["schemas"]["RequestDetail"]["properties"]
    assert {"timeline", "reporter", "allowed_actions"} <= set(detail_schema)
