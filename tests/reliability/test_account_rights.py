"""Nobody grants themselves power (issue 13.2), tried over HTTP as an attacker would.

Before the fix: demo-street ticked "may reveal personal data" on its own account in the admin and
then revealed a member's phone number through the API; a district admin minted an API token for a
community account in the admin; street staff created roleless accounts nobody could see. Each test
below replays one of those and checks it fails now, through the admin, the site pages and the API.
"""

import pytest
from django.urls import get_resolver
from knox.models import AuthToken

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from conftest import login_verified
from party_branches.tests.factories import PartyMemberFactory

PHONE = "13912345678"


@pytest.fixture
def member(world):
    return PartyMemberFactory(community=world.communities["A1"], phone=PHONE)


def reveal_over_api(client, member, **headers):
    return client.post(
        f"/api/v1/party-members/{member.pk}/reveal/",
        {"field": "phone", "purpose": "核实联系方式"},
        content_type="application/json",
        **headers,
    )


def test_street_staff_cannot_tick_the_reveal_right_on_their_own_account_and_reveal(
    client, world, member
):
    """The reported attack, step by step: the admin form, then the API."""
    street = world.users.street_staff
    client.force_login(street)
    client.post(
        f"/admin/accounts/user/{street.pk}/change/",
        {
            "username": street.username,
            "role": Role.STREET_STAFF,
            "street": world.streets["A"].pk,
            "may_reveal_personal_data": "on",
            "care_role": "on",
        },
    )
    street.refresh_from_db()
    assert not street.may_reveal_personal_data and not street.care_role
    response = reveal_over_api(client, member)
    assert response.status_code == 403
    assert PHONE not in response.content.decode()


def test_nobody_changes_their_own_rights_on_the_site_pages(client, world):
    for user in (world.users.district_admin, world.users.street_staff, world.users.community_staff):
        client.force_login(user)
        own = client.post(
            f"/accounts/people/{user.pk}/",
            {
                "role": Role.DISTRICT_ADMIN,
                "node": f"district:{world.district.pk}",
                "may_reveal_personal_data": "on",
                "care_role": "on",
            },
        )
        assert own.status_code == 302 and own["Location"] == "/accounts/me/"
        client.post(
            "/accounts/me/",
            {
                "name": "改名",
                "role": Role.DISTRICT_ADMIN,
                "may_reveal_personal_data": "on",
                "is_superuser": "on",
                "street": world.streets["B"].pk,
            },
        )
        before = (user.role, user.node, user.may_reveal_personal_data, user.care_role)
        user.refresh_from_db()
        assert (user.role, user.node, user.may_reveal_personal_data, user.care_role) == before
        assert not user.is_superuser


def test_no_api_endpoint_writes_an_account(client, world):
    """The API has no route to accounts at all: rights change only through accounts.services."""
    client.force_login(world.users.district_admin)
    # The site's routes sit in one include with an empty prefix (core.routes.KeptRoutes).
    (routes,) = get_resolver().url_patterns
    api_routes = [str(p.pattern) for p in routes.url_patterns if "api" in str(p.pattern)]
    assert api_routes
    for path in ("/api/v1/users/", "/api/v1/accounts/", "/api/v1/me/", "/api/v1/auth/token/"):
        for method in ("post", "patch", "put"):
            response = getattr(client, method)(
                path,
                {"may_reveal_personal_data": True, "user": world.users.community_staff.pk},
                content_type="application/json",
            )
            assert response.status_code in (404, 405), (method, path, response.status_code)
    assert not AuthToken.objects.exists()


def test_street_staff_cannot_give_a_peer_the_reveal_right(client, world):
    holder = world.users.street_staff
    User.objects.filter(pk=holder.pk).update(may_reveal_personal_data=True)
    holder.refresh_from_db()
    peer = UserFactory(username="street_a2", role=Role.STREET_STAFF, node=world.streets["A"])
    login_verified(client, holder)
    for target in (peer, world.users.other_street_staff):
        page = client.post(
            f"/accounts/people/{target.pk}/",
            {
                "role": Role.STREET_STAFF,
                "node": f"street:{world.streets['A'].pk}",
                "may_reveal_personal_data": "on",
            },
        )
        assert page.status_code in (403, 404)
        admin = client.post(
            f"/admin/accounts/user/{target.pk}/change/", {"may_reveal_personal_data": "on"}
        )
        assert admin.status_code in (302, 404)
        target.refresh_from_db()
        assert not target.may_reveal_personal_data


def test_the_reveal_right_is_given_only_by_a_holder_at_a_higher_level(client, world):
    staff = world.users.community_staff
    client.force_login(world.users.street_staff)  # above, but does not hold the right
    client.post(
        f"/accounts/people/{staff.pk}/",
        {
            "role": Role.COMMUNITY_STAFF,
            "node": f"community:{world.communities['A1'].pk}",
            "may_reveal_personal_data": "on",
        },
    )
    staff.refresh_from_db()
    assert not staff.may_reveal_personal_data
    holder = world.users.street_staff
    User.objects.filter(pk=holder.pk).update(may_reveal_personal_data=True)
    holder.refresh_from_db()
    login_verified(client, holder)
    client.post(
        f"/accounts/people/{staff.pk}/",
        {
            "role": Role.COMMUNITY_STAFF,
            "node": f"community:{world.communities['A1'].pk}",
            "may_reveal_personal_data": "on",
        },
    )
    staff.refresh_from_db()
    assert staff.may_reveal_personal_data


def test_nobody_promotes_an_account_to_their_own_level_or_moves_it_out(client, world):
    worker = world.users.grid_worker
    client.force_login(world.users.community_staff)
    for role, node in (
        (Role.COMMUNITY_STAFF, f"community:{world.communities['A1'].pk}"),  # own level
        (Role.STREET_STAFF, f"street:{world.streets['A'].pk}"),  # above
        (Role.GRID_WORKER, f"grid:{world.grids['B1a'].pk}"),  # another street
    ):
        response = client.post(f"/accounts/people/{worker.pk}/", {"role": role, "node": node})
        assert response.status_code == 200 and response.context["rights_form"].errors
    worker.refresh_from_db()
    assert (worker.role, worker.grid) == (Role.GRID_WORKER, world.grids["A1a"])


def test_a_grid_head_cannot_change_the_workers_of_their_grid(client, world):
    client.force_login(world.users.grid_head)
    response = client.post(
        f"/accounts/people/{world.users.grid_worker.pk}/",
        {"role": Role.GRID_HEAD, "node": f"grid:{world.grids['A1a'].pk}"},
    )
    assert response.status_code == 403


def test_a_peer_cannot_redirect_anothers_password_codes_to_their_own_phone(client, world):
    peer = UserFactory(
        username="street_a2", role=Role.STREET_STAFF, node=world.streets["A"], phone="13700000000"
    )
    client.force_login(world.users.street_staff)
    client.post(f"/accounts/people/{peer.pk}/link/", {"delivery": "screen"})
    assert not peer.password_tokens.exists()
    client.post(f"/accounts/people/{peer.pk}/deactivate/", {"confirm": "on"})
    peer.refresh_from_db()
    assert peer.is_active and peer.phone == "13700000000"


# --- API tokens -------------------------------------------------------------------------------------
def test_no_admin_page_mints_tokens_for_anyone(client, world):
    client.force_login(world.users.district_admin)
    for path in (
        "/admin/authtoken/token/add/",
        "/admin/authtoken/tokenproxy/add/",
        "/admin/knox/authtoken/add/",
        "/admin/knox/authtoken/",
        "/admin/otp_totp/totpdevice/add/",
    ):
        response = client.post(path, {"user": world.users.community_staff.pk})
        assert response.status_code == 404, path
    assert not AuthToken.objects.exists()


def test_the_token_page_makes_a_token_for_oneself_only(client, world):
    client.force_login(world.users.district_admin)
    response = client.post("/accounts/tokens/", {"user": world.users.community_staff.pk})
    secret = response.context["created"]
    token = AuthToken.objects.get()
    assert token.user == world.users.district_admin
    api = client.__class__()
    me = api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert me.status_code == 200
    assert not AuthToken.objects.filter(user=world.users.community_staff).exists()


def test_a_token_never_reveals_personal_data(client, world, member):
    holder = world.users.community_staff
    User.objects.filter(pk=holder.pk).update(may_reveal_personal_data=True)
    _token, secret = AuthToken.objects.create(user=holder)
    response = reveal_over_api(client, member, HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 403
    assert PHONE not in response.content.decode()


# --- Creating accounts --------------------------------------------------------------------------------
def test_add_user_creates_the_account_with_role_and_node_in_one_step(client, world):
    client.force_login(world.users.street_staff)
    assert client.get("/admin/accounts/user/add/")["Location"] == "/accounts/people/new/"
    client.post(
        "/admin/accounts/user/add/",
        {"username": "roleless", "password1": "x" * 14, "password2": "x" * 14},
    )
    roleless = client.post(
        "/accounts/people/new/",
        {"username": "roleless", "name": "无角色", "role": "", "node": "", "delivery": "screen"},
    )
    assert roleless.status_code == 200
    assert not User.objects.filter(username="roleless").exists()


def test_an_account_without_a_role_cannot_sign_in_by_password_session_or_token(client, world):
    nobody = world.users.no_role
    assert (
        client.post("/accounts/login/", {"username": "nobody", "password": "pw-for-tests-1"})
        .context["form"]
        .errors
    )
    client.force_login(nobody)
    assert client.get("/accounts/me/")["Location"].startswith("/accounts/login/")
    _token, secret = AuthToken.objects.create(user=nobody)
    api = client.__class__()
    assert api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (401, 403)


# --- Everything is recorded -------------------------------------------------------------------------
def test_every_rights_change_is_recorded_and_shown_to_the_district_admin(client, world):
    from auditlog.models import LogEntry

    worker = world.users.grid_worker
    client.force_login(world.users.community_staff)
    client.post(
        f"/accounts/people/{worker.pk}/",
        {"role": Role.GRID_WORKER, "node": f"grid:{world.grids['A1b'].pk}", "care_role": "on"},
    )
    entry = LogEntry.objects.get_for_object(worker).latest("timestamp")
    assert entry.actor == world.users.community_staff
    assert set(entry.changes_dict) >= {"grid", "care_role"}
    client.force_login(world.users.street_staff)
    assert client.get("/accounts/history/").status_code == 403
    client.force_login(world.users.district_admin)
    body = client.get("/accounts/history/").content.decode()
    assert "worker_a1a" in body or str(worker) in body
    assert "A1b网格" in body and "测community_a1" in body


def test_staff_changes_in_the_admin_are_listed_for_the_district_admin(client, world):
    from grids.models import KeyPlace

    client.force_login(world.users.community_staff)
    client.post(
        "/admin/grids/keyplace/add/",
        {
            "grid": world.grids["A1a"].pk,
            "name": "记录小区",
            "kind": "residential_estate",
            "address": "",
            "notes": "",
            "location": '{"type": "Point", "coordinates": [113.82, 22.75]}',
        },
    )
    assert KeyPlace.objects.filter(name="记录小区").exists()
    client.force_login(world.users.district_admin)
    body = client.get("/accounts/history/?tab=admin").content.decode()
    assert "记录小区" in body and "测community_a1" in body
