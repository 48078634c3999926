"""A request reported without a point (JavaScript off: a community and an address): routed to a
grid by the known place its address names (grids.gazetteer), or placed by the community's staff
through flow's "place" action, from the queue's "to place" filter and the dashboard."""

import pytest
from django.contrib.gis.geos import Point

from grids.tests.factories import KeyPlaceFactory
from requests_desk import flow
from requests_desk.models import MonthlyRequestFigures, Request


@pytest.fixture
def estate(world):
    return KeyPlaceFactory(
        grid=world.grids["A1b"],
        name="光明花园",
        address="华夏路12号",
        location=Point(113.87, 22.75),
    )


def _post(client, world, categories, **extra):
    data = {
        "category": categories["E0103"].pk,
        "description": "小区门口有暴露垃圾，没人清理",
        "community": world.communities["A1"].pk,
        "address": "光明花园3栋门口",
        **extra,
    }
    return client.post("/requests/new/", data)


def test_address_naming_a_known_place_is_routed_to_its_grid(client, world, categories, estate):
    response = _post(client, world, categories)
    assert response.status_code == 302
    case = Request.objects.get()
    assert case.grid == world.grids["A1b"] and case.location is None


def test_grid_name_in_the_address_routes_too(client, world, categories, estate):
    _post(client, world, categories, address="A1a网格 菜市场后面")
    assert Request.objects.get().grid == world.grids["A1a"]


def test_unknown_address_waits_for_the_community_staff(client, world, categories, estate):
    _post(client, world, categories, address="不知道叫什么的路口")
    case = Request.objects.get()
    assert case.grid is None and case.community == world.communities["A1"]


def test_place_in_another_community_does_not_route(client, world, categories, estate):
    _post(client, world, categories, community=world.communities["B1"].pk)
    assert Request.objects.get().grid is None


def test_staff_see_it_in_the_queue_and_dashboard_and_place_it(client, world, categories, estate):
    _post(client, world, categories, address="不知道叫什么的路口")
    case = Request.objects.get()
    client.force_login(world.users.community_staff)
    queue = client.get("/requests/queue/", {"unplaced": "on", "stage": "open"})
    assert case.code in queue.content.decode()
    assert 'data-testid="to-place"' in queue.content.decode()
    dashboard = client.get("/dashboard/")
    assert 'id="tile-unplaced"' in dashboard.content.decode()
    page = client.get(f"/requests/case/{case.code}/act/place/")
    assert page.status_code == 200 and "A1b网格" in page.content.decode()
    response = client.post(
        f"/requests/case/{case.code}/act/place/",
        {"grid": world.grids["A1b"].pk, "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.grid == world.grids["A1b"] and case.stage == "reported"
    assert case.events.filter(action="place").exists()
    # The monthly summary moved with it (the figures stay exact).
    assert MonthlyRequestFigures.objects.get(reports=1).grid_id == world.grids["A1b"].pk
    # Placed once: the action is no longer offered, and then it flows normally.
    again = client.post(
        f"/requests/case/{case.code}/act/place/",
        {"grid": world.grids["A1a"].pk, "version": case.version},
    )
    assert again.status_code == 400
    flow.transition(case=case, action="accept", by=world.users.other_grid_head)


def test_place_by_tap_must_lie_in_the_community(client, world, categories):
    _post(client, world, categories, address="不知道叫什么的路口")
    case = Request.objects.get()
    client.force_login(world.users.community_staff)
    outside = client.post(
        f"/requests/case/{case.code}/act/place/",
        {"lat": "22.75", "lon": "113.95", "version": case.version},
    )
    assert outside.status_code == 400
    assert "A1社区" in outside.content.decode()
    case.refresh_from_db()
    assert case.grid is None
    inside = client.post(
        f"/requests/case/{case.code}/act/place/",
        {"lat": "22.75", "lon": "113.81", "version": case.version},
    )
    assert inside.status_code == 302
    case.refresh_from_db()
    assert case.grid == world.grids["A1a"] and case.location is not None


def test_other_grid_or_roles_may_not_place(client, world, categories):
    _post(client, world, categories, address="不知道叫什么的路口")
    case = Request.objects.get()
    client.force_login(world.users.community_staff)
    response = client.post(
        f"/requests/case/{case.code}/act/place/",
        {"grid": world.grids["B1a"].pk, "version": case.version},
    )
    assert response.status_code == 400
    client.force_login(world.users.grid_worker)
    assert client.get(f"/requests/case/{case.code}/act/place/").status_code in (400, 404)
    client.force_login(world.users.other_street_staff)
    assert client.get(f"/requests/case/{case.code}/act/place/").status_code == 404


# --- The form's place search without JavaScript ------------------------------------------------


def test_form_search_without_javascript_keeps_what_was_typed(client, world, categories, estate):
    response = client.post(
        "/requests/new/",
        {
            "category": categories["E0103"].pk,
            "description": "路灯坏了好几天",
            "place_q": "华夏路",
            "place_search": "1",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="key_place:{estate.pk}"' in body and "光明花园" in body
    assert "路灯坏了好几天" in body  # the description is kept
    assert 'class="field-error"' not in body  # no errors before sending
    assert not Request.objects.exists()


def test_form_search_no_match_and_empty(client, world, categories):
    body = client.post("/requests/new/", {"place_q": "没有这个地方", "place_search": "1"}).content
    assert "没有这个地方".encode() in body
    assert client.post("/requests/new/", {"place_search": "1"}).status_code == 200


def test_chosen_place_gives_the_point_and_the_confirmation(client, world, categories, estate):
    data = {
        "category": categories["E0103"].pk,
        "description": "短",  # too short: the form comes back, naming the grid server-side
        "place": f"key_place:{estate.pk}",
    }
    again = client.post("/requests/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 200
    body = again.content.decode()
    assert "这里属于 A1b网格" in body
    assert f'value="key_place:{estate.pk}"' in body
    data["description"] = "小区门口有暴露垃圾，没人清理"
    assert client.post("/requests/new/", data).status_code == 302
    case = Request.objects.get()
    assert case.grid == world.grids["A1b"]
    assert case.location.equals_exact(estate.location, 1e-6)
    assert case.address_id == f"key_place:{estate.pk}" and "光明花园" in case.address


def test_forged_place_reference_is_a_form_error(client, world, categories):
    for ref in ("key_place:999999", "nothing:1", "key_place:1;drop"):
        response = client.post(
            "/requests/new/",
            {"category": categories["E0103"].pk, "description": "小区门口有垃圾", "place": ref},
        )
        assert response.status_code == 200
        assert not Request.objects.exists()


def test_tapped_point_is_named_server_side_when_the_form_comes_back(client, world, categories):
    response = client.post(
        "/requests/new/",
        {"category": "", "description": "x", "lat": "22.75", "lon": "113.81"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "这里属于 A1a网格" in response.content.decode()
