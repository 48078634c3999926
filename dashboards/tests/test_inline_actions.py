"""Inline actions go through the requests desk's own endpoint: the same checks as the case page."""

import pytest

pytestmark = pytest.mark.django_db


def test_grid_head_accepts_and_dispatches_inline(world, populate, client_as):
    made = populate(1)
    client = client_as(world.users.grid_head)
    html = client.get("/dashboard/").content.decode()
    reported, overdue = made["reported"][0], made["overdue"][0]
    assert f'hx-post="/requests/case/{reported.code}/act/accept/"' in html
    assert f'hx-get="/requests/case/{overdue.code}/act/dispatch/"' in html
    done = client.post(
        f"/requests/case/{reported.code}/act/accept/",
        {"note": "", "version": reported.version},
        HTTP_HX_REQUEST="true",
    )
    assert done.status_code == 200 and 'data-stage="accepted"' in done.content.decode()
    form = client.get(f"/requests/case/{overdue.code}/act/dispatch/", HTTP_HX_REQUEST="true")
    assert f"user:{world.users.grid_worker.pk}" in form.content.decode()
    response = client.post(
        f"/requests/case/{overdue.code}/act/dispatch/",
        {"target": f"community:{overdue.community_id}", "version": overdue.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.stage == "dispatched" and overdue.target == "community"


def test_grid_worker_is_not_offered_dispatch(world, populate, client_as):
    made = populate(1)
    html = client_as(world.users.grid_worker).get("/dashboard/").content.decode()
    assert "/act/dispatch/" not in html
    # Accepting is open to grid workers (the requests desk's rule), and so it is offered.
    assert f"/requests/case/{made['reported'][0].code}/act/accept/" in html


def test_other_grid_head_cannot_act_on_this_grid(world, populate, client_as):
    made = populate(1)
    client = client_as(world.users.other_grid_head)
    assert made["reported"][0].code not in client.get("/dashboard/").content.decode()
    response = client.post(
        f"/requests/case/{made['reported'][0].code}/act/accept/",
        {"note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404
