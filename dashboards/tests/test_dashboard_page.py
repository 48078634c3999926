import pytest

pytestmark = pytest.mark.django_db


def test_grid_head_dashboard_shows_own_grid_requests(world, populate, client_as):
    populate(2)
    populate(2, grid="B1a")
    response = client_as(world.users.grid_head).get("/dashboard/")
    assert response.status_code == 200
    panel = response.context["requests"]
    assert panel.waiting_total == 4  # 2 reported + 2 filed in A1a only
    assert panel.overdue_count == 2
    assert panel.nearly_due_count == 2
    assert {p["state"] for p in panel.pins} == {"ok", "overdue", "nearly"}
    assert len(panel.pins) == 8  # open ones of A1a, closed ones are not pins
    html = response.content.decode()
    assert "<script>" not in html.replace("<script src", "")
    assert 'id="dash-layers"' in html


def test_month_figures_table_headers_are_the_dashboards_own_words(world, populate, client_as):
    """ "Change" is also an admin word (修改, "edit"): the figures' column has its own context."""
    populate(1)
    html = client_as(world.users.grid_head).get("/dashboard/").content.decode()
    assert '<th scope="col">变化</th>' in html
    assert '<th scope="col">修改</th>' not in html
