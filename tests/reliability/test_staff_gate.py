"""The one staff gate (core.access), attacked on every staff page and staff API of the site: not
logged in is sent to the login page (the API answers 403); logged in without a staff role is 403
(never the page, never a redirect that would hide the refusal, never a 404 without a check);
a staff role without the page's permission is 403 too; a staff role with it opens the page."""

import pytest

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/dashboard/",
    "/overview/",
    "/requests/queue/",
    "/patrols/",
    "/patrols/coverage/",
    "/reports/",
    "/volunteer/staff/",
    "/volunteer/staff/registrations/",
    "/branches/",
    "/branches/members/",
    "/positions/rooms/",
    "/positions/coverage/",
]
STAFF_APIS = ["/api/v1/requests/", "/api/v1/reports/", "/api/v1/branches/"]


def test_anonymous_is_sent_to_the_login_page_and_the_api_refuses(client, world):
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    for url in STAFF_APIS:
        assert client.get(url).status_code == 401, url  # with WWW-Authenticate: Token


def test_a_logged_in_user_without_a_staff_role_gets_403_everywhere(client, world):
    client.force_login(world.users.party_member)
    for url in STAFF_PAGES + STAFF_APIS:
        assert client.get(url).status_code == 403, url


def test_a_session_of_an_account_without_a_role_ends_before_any_staff_page(client, world):
    """An account without a role cannot be signed in at all (accounts.middleware): a session made
    before its role was taken away is ended and sent to the login page; the API answers 401."""
    for url in STAFF_PAGES:
        client.force_login(world.users.no_role)
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in STAFF_APIS:
        client.force_login(world.users.no_role)
        assert client.get(url).status_code == 401, url


def test_a_staff_role_without_the_page_permission_gets_403(client, world):
    """Grid workers are staff but may not see Party members' records or generate reports."""
    client.force_login(world.users.grid_worker)
    assert client.get("/branches/members/").status_code == 403
    assert client.get("/api/v1/party-members/").status_code == 403
    assert client.get("/patrols/").status_code == 200


def test_every_staff_page_opens_for_the_district_admin(client, world):
    client.force_login(world.users.district_admin)
    for url in STAFF_PAGES + STAFF_APIS:
        assert client.get(url).status_code == 200, url
