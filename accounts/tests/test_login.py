import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_anonymous_visitors_to_a_staff_page_are_sent_to_the_site_login(client, db):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_grid_head_logs_in_on_the_site_login_page(client, world):
    response = login(client, "head_a1a", "pw-for-tests-1")
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "head_a1a"


def test_the_login_page_is_chinese_by_default_whatever_the_browser_says(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_english_is_chosen_with_the_language_switcher(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert login(client, "head_a1a", "wrong").status_code == 200
    response = login(client, "head_a1a", "pw-for-tests-1")
    assert response.status_code == 200
    assert "锁定" in response.content.decode()


def test_the_admin_logs_in_on_the_throttled_site_login(client, world, settings):
    """One login page for the site and the admin: lock-out and second factor apply to both."""
    response = client.get("/admin/login/?next=/admin/grids/")
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fgrids%2F"
    assert client.post("/admin/login/", {"username": "street_a", "password": "x"})[
        "Location"
    ].startswith("/accounts/login/")
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "street_a", "password": "bad"})
    response = client.post(
        "/accounts/login/",
        {"username": "street_a", "password": "pw-for-tests-1", "next": "/admin/"},
    )
    assert response.status_code == 200 and "锁定" in response.content.decode()


def test_an_account_without_a_role_cannot_log_in(client, world):
    response = login(client, "nobody", "pw-for-tests-1")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or response.context["form"].errors
    client.force_login(world.users.no_role)  # a session made before the role was taken away
    assert client.get("/inbox/")["Location"].startswith("/accounts/login/")


def test_a_successful_login_clears_the_usernames_failures_not_the_addresses(
    client, world, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    login(client, "head_a1a", "wrong", "10.1.0.1")
    login(client, "head_a1a", "wrong", "10.1.0.1")
    assert login(client, "head_a1a", "pw-for-tests-1", "10.1.0.1").status_code == 302
    client.logout()
    # The user's count starts again (from another address: two more mistakes are fine)…
    login(client, "head_a1a", "wrong", "10.1.0.2")
    login(client, "head_a1a", "wrong", "10.1.0.2")
    assert login(client, "head_a1a", "pw-for-tests-1", "10.1.0.2").status_code == 302
    client.logout()
    # …but the first address keeps its two failures: one more and it is locked out.
    login(client, "someone_else", "wrong", "10.1.0.1")
    assert login(client, "head_a1a", "pw-for-tests-1", "10.1.0.1").status_code == 200


@pytest.mark.parametrize(
    "role,is_staff",
    [
        (Role.DISTRICT_ADMIN, True),
        (Role.STREET_STAFF, True),
        (Role.COMMUNITY_STAFF, True),
        (Role.GRID_HEAD, False),
        (Role.GRID_WORKER, False),
        (Role.PARTY_MEMBER, False),
    ],
)
def test_only_street_community_and_district_roles_work_in_the_admin(world, role, is_staff):
    node = {
        "district_admin": world.district,
        "street_staff": world.streets["A"],
        "community_staff": world.communities["A1"],
    }.get(role, world.grids["A1a"])
    assert UserFactory(role=role, node=node).is_staff is is_staff
