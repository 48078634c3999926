"""Accounts by the people who run the district: the district admin creates street staff, street
staff create community staff, community staff create grid heads, grid workers and members — one
form, limited to the creator's jurisdiction and lower roles; the new owner activates the account
with a one-time link."""

import re

import pytest

from accounts.models import PasswordToken, Role, User
from accounts.tests.factories import UserFactory
from notifications.sms import LocmemSmsBackend


def create(client, **data):
    data = {
        "username": "newperson",
        "name": "李新",
        "phone": "13800138000",
        "email": "",
        "delivery": "screen",
        **data,
    }
    return client.post("/accounts/people/new/", data)


def link_in(response) -> str:
    match = re.search(r"/accounts/link/([\w-]+)/", response.content.decode())
    assert match, "no one-time link on the page"
    return match.group(0)


@pytest.mark.parametrize(
    "creator,role,node",
    [
        ("district_admin", Role.STREET_STAFF, ("street", "A")),
        ("street_staff", Role.COMMUNITY_STAFF, ("community", "A2")),
        ("community_staff", Role.GRID_HEAD, ("grid", "A1b")),
        ("community_staff", Role.GRID_WORKER, ("grid", "A1a")),
        ("community_staff", Role.PARTY_MEMBER, ("grid", "A1a")),
    ],
)
def test_each_level_creates_the_level_below_in_one_step(client, world, creator, role, node):
    level, key = node
    place = {"street": world.streets, "community": world.communities, "grid": world.grids}[level][
        key
    ]
    client.force_login(getattr(world.users, creator))
    response = create(client, role=role, node=f"{level}:{place.pk}")
    assert response.status_code == 200, response.content.decode()[:2000]
    person = User.objects.get(username="newperson")
    assert (person.role, person.node, person.is_active) == (role, place, True)
    assert not person.has_usable_password()
    assert link_in(response)
    assert response["Cache-Control"] == "no-store"


def test_the_new_owner_sets_a_password_through_the_link_and_is_signed_in(client, world):
    client.force_login(world.users.community_staff)
    link = link_in(create(client, role=Role.GRID_WORKER, node=f"grid:{world.grids['A1a'].pk}"))
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "newperson" in page.content.decode()
    response = client.post(
        link, {"new_password1": "红网格-新密码-2026", "new_password2": "红网格-新密码-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/start/"
    assert client.get("/accounts/me/").context["user"].username == "newperson"
    assert client.get(link).status_code == 410  # works once
    client.logout()
    login = client.post(
        "/accounts/login/", {"username": "newperson", "password": "红网格-新密码-2026"}
    )
    assert login.status_code == 302


def test_roles_at_or_above_ones_own_and_places_outside_are_refused(client, world):
    client.force_login(world.users.street_staff)  # street A
    own_level = create(client, role=Role.STREET_STAFF, node=f"street:{world.streets['A'].pk}")
    assert own_level.status_code == 200 and "role" in own_level.context["form"].errors
    outside = create(
        client, role=Role.COMMUNITY_STAFF, node=f"community:{world.communities['B1'].pk}"
    )
    assert "node" in outside.context["form"].errors
    wrong_level = create(client, role=Role.COMMUNITY_STAFF, node=f"grid:{world.grids['A1a'].pk}")
    assert "node" in wrong_level.context["form"].errors
    no_role = create(client, role="", node=f"community:{world.communities['A1'].pk}")
    assert "role" in no_role.context["form"].errors
    assert not User.objects.filter(username="newperson").exists()


def test_the_form_lists_only_the_creators_places_and_lower_roles(client, world):
    client.force_login(world.users.community_staff)  # community A1
    form = client.get("/accounts/people/new/").context["form"]
    assert [value for value, _label in form.fields["role"].choices][1:] == [
        "grid_head",
        "grid_worker",
        "party_member",
    ]
    names = {node.name for node in form.fields["node"].nodes.values()}
    assert names == {"A1a网格", "A1b网格"}


def test_a_login_name_already_taken_is_refused_with_a_message(client, world):
    client.force_login(world.users.community_staff)
    response = create(
        client, username="HEAD_A1A", role=Role.GRID_WORKER, node=f"grid:{world.grids['A1a'].pk}"
    )
    assert response.status_code == 200
    assert "该登录名已被使用" in response.content.decode()


def test_the_activation_link_can_be_sent_by_sms_instead_of_shown(client, world, settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    client.force_login(world.users.community_staff)
    response = create(
        client, role=Role.GRID_WORKER, node=f"grid:{world.grids['A1a'].pk}", delivery="sms"
    )
    assert response.status_code == 200
    assert "/accounts/link/" not in response.content.decode()
    [sms] = LocmemSmsBackend.outbox
    assert sms["phone"] == "13800138000" and "/accounts/link/" in sms["text"]


def test_grid_staff_and_members_cannot_open_the_account_pages(client, world):
    for user in (world.users.grid_head, world.users.grid_worker, world.users.party_member):
        client.force_login(user)
        assert client.get("/accounts/people/").status_code == 403
        assert client.get("/accounts/people/new/").status_code == 403


def test_the_list_shows_the_accounts_of_the_jurisdiction_only(client, world):
    client.force_login(world.users.community_staff)  # community A1
    body = client.get("/accounts/people/").content.decode()
    assert "head_a1a" in body and "worker_a1a" in body and "head_a1b" in body
    assert "street_a" not in body and "street_b" not in body and "nobody" not in body
    other = UserFactory(username="worker_b1a", role=Role.GRID_WORKER, node=world.grids["B1a"])
    assert client.get(f"/accounts/people/{other.pk}/").status_code == 404


def test_a_higher_level_admin_issues_a_new_link_which_ends_the_earlier_one(client, world):
    client.force_login(world.users.community_staff)
    first = link_in(create(client, role=Role.GRID_WORKER, node=f"grid:{world.grids['A1a'].pk}"))
    person = User.objects.get(username="newperson")
    second = link_in(client.post(f"/accounts/people/{person.pk}/link/", {"delivery": "screen"}))
    assert first != second
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert PasswordToken.objects.usable().filter(user=person).count() == 1


def test_rights_are_changed_on_the_account_page(client, world):
    client.force_login(world.users.street_staff)
    worker = world.users.grid_worker
    response = client.post(
        f"/accounts/people/{worker.pk}/",
        {"role": Role.GRID_HEAD, "node": f"grid:{world.grids['A1b'].pk}", "care_role": "on"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.role, worker.grid, worker.care_role) == (
        Role.GRID_HEAD,
        world.grids["A1b"],
        True,
    )


def test_the_reveal_box_is_disabled_for_someone_who_does_not_hold_the_right(client, world):
    client.force_login(world.users.street_staff)
    staff = world.users.community_staff
    form = client.get(f"/accounts/people/{staff.pk}/").context["rights_form"]
    assert form.fields["may_reveal_personal_data"].disabled


def test_ones_own_account_page_shows_the_rights_without_a_form_to_change_them(client, world):
    user = world.users.street_staff
    client.force_login(user)
    assert client.get(f"/accounts/people/{user.pk}/")["Location"] == "/accounts/me/"
    page = client.get("/accounts/me/")
    assert page.status_code == 200 and "rights_form" not in page.context
    body = page.content.decode()
    assert "修改密码" in body and "API 令牌" in body


def test_the_admins_add_user_opens_the_one_form(client, world):
    client.force_login(world.users.street_staff)
    assert client.get("/admin/accounts/user/add/")["Location"] == "/accounts/people/new/"
