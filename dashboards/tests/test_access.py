import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, world):
    for url in ("/dashboard/", "/overview/", "/start/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_start_sends_staff_to_their_dashboard_and_members_to_their_page(world, client_as):
    assert client_as(world.users.grid_head).get("/start/")["Location"] == "/dashboard/"
    assert client_as(world.users.party_member).get("/start/")["Location"] == "/volunteer/"


def test_the_staff_pages_refuse_members_and_users_without_a_role(world, client_as):
    """The staff gate (core.access): a member is refused (403); an account without a role has
    no session at all (accounts.middleware) and goes to the login page."""
    for url in ("/dashboard/", "/overview/"):
        assert client_as(world.users.party_member).get(url).status_code == 403
        response = client_as(world.users.no_role).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_role_sees_its_own_area(world, client_as):
    cases = {
        "grid_head": "A1a网格",
        "grid_worker": "A1a网格",
        "community_staff": "A1社区",
        "street_staff": "A街道",
        "district_admin": world.district.name,
    }
    for username, name in cases.items():
        response = client_as(getattr(world.users, username)).get("/dashboard/")
        assert response.status_code == 200
        assert response.context["area"].node.name == name


def test_overview_drill_down_stays_inside_the_jurisdiction(world, client_as):
    client = client_as(world.users.street_staff)
    assert (
        client.get(f"/overview/?level=community&id={world.communities['A1'].pk}").status_code == 200
    )
    assert client.get(f"/overview/?level=grid&id={world.grids['A2b'].pk}").status_code == 200
    assert (
        client.get(f"/overview/?level=community&id={world.communities['B1'].pk}").status_code == 404
    )
    assert client.get(f"/overview/?level=district&id={world.district.pk}").status_code == 404
    assert client.get("/overview/?level=street&id=nonsense").status_code == 404


def test_overview_shows_only_grids_in_the_area(world, client_as):
    response = client_as(world.users.street_staff).get("/overview/")
    names = {row["name"] for row in response.context["ranking"]}
    assert names == {"A1a网格", "A1b网格", "A2a网格", "A2b网格"}
    assert [c["name"] for c in response.context["children"]] == ["A1社区", "A2社区"]
    district = client_as(world.users.district_admin).get("/overview/")
    assert len(district.context["ranking"]) == 8
    assert [c["name"] for c in district.context["children"]] == ["A街道", "B街道"]


def test_dashboard_nav_links_for_staff_only(world, client_as, client):
    html = client_as(world.users.grid_head).get("/dashboard/").content.decode()
    assert 'href="/dashboard/"' in html and 'href="/overview/"' in html
    client.logout()
    assert 'href="/overview/"' not in client.get("/").content.decode()
