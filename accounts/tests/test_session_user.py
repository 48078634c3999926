"""The session's user read in one statement with their permissions and the bell's unread count
(accounts.session_user): the same answers as Django's ModelBackend and the notifications count,
read afresh on every request — a granted or revoked permission, a role change, a message read
show on the next page at once, and each user gets only their own."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import session_user
from accounts.backends import RolePermissionBackend
from accounts.models import Role
from conftest import login_verified
from notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db

RUN_FORM = 'action="/reports/generate/"'  # shown only with reports.add_reportrun


def _permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page(client, url="/reports/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_permissions_are_model_backends(world):
    user = world.users.grid_head
    group = Group.objects.create(name="报表")
    group.permissions.add(_permission("reports.add_reportrun"), _permission("care.view_visit"))
    user.groups.add(group)
    user.user_permissions.add(_permission("patrols.add_patrolplan"))
    loaded = RolePermissionBackend().get_user(user.pk)
    expected = ModelBackend()
    fresh = type(user).objects.get(pk=user.pk)
    assert (
        loaded._user_perm_cache
        == expected.get_user_permissions(fresh)
        == {"patrols.add_patrolplan"}
    )
    assert loaded._group_perm_cache == expected.get_group_permissions(fresh)
    assert loaded.get_all_permissions() == fresh.get_all_permissions()
    assert loaded.has_perm("reports.add_reportrun") and loaded.has_perm("reports.view_report")
    # Every field as the ORM reads it.
    assert {f.attname: getattr(loaded, f.attname) for f in user._meta.concrete_fields} == {
        f.attname: getattr(fresh, f.attname) for f in user._meta.concrete_fields
    }


def test_no_such_user_or_one_who_may_not_sign_in(world):
    backend = RolePermissionBackend()
    assert backend.get_user(10**9) is None
    assert backend.get_user(world.users.no_role.pk) is None
    world.users.grid_head.is_active = False
    world.users.grid_head.save(update_fields=["is_active"])
    assert backend.get_user(world.users.grid_head.pk) is None


def test_a_superusers_permissions_are_left_to_django(admin_user):
    loaded = RolePermissionBackend().get_user(admin_user.pk)
    assert not hasattr(loaded, "_user_perm_cache")
    assert loaded.has_perm("reports.add_reportrun")
    assert loaded.get_all_permissions() == admin_user.get_all_permissions()


def test_a_granted_or_revoked_permission_shows_on_the_next_page(client, world):
    user = world.users.grid_head
    login_verified(client, user)
    assert RUN_FORM not in _page(client)
    permission = _permission("reports.add_reportrun")
    user.user_permissions.add(permission)
    assert RUN_FORM in _page(client)
    user.user_permissions.remove(permission)
    assert RUN_FORM not in _page(client)
    # Through a group: granted to the group, then the user leaves it.
    group = Group.objects.create(name="报表")
    user.groups.add(group)
    assert RUN_FORM not in _page(client)
    group.permissions.add(permission)
    assert RUN_FORM in _page(client)
    user.groups.remove(group)
    assert RUN_FORM not in _page(client)


def test_a_role_change_shows_on_the_next_page(client, world):
    user = world.users.grid_head
    login_verified(client, user)
    assert client.get("/requests/queue/").status_code == 200
    user.role = Role.PARTY_MEMBER
    user.save(update_fields=["role"])
    assert client.get("/requests/queue/").status_code == 403
    user.role = Role.GRID_HEAD
    user.save(update_fields=["role"])
    assert client.get("/requests/queue/").status_code == 200


def test_each_user_gets_their_own_menu_name_and_bell(client, world, django_user_model):
    from django.test import Client

    street, head = world.users.street_staff, world.users.grid_head
    notification_enqueue(kind="t", subject="给街道", body="内容", user=street)
    notification_enqueue(kind="t", subject="给街道", body="内容二", user=street)
    a, b = login_verified(client, street), login_verified(Client(), head)
    for _ in range(2):  # alternately, in one process
        mine, theirs = _page(a, "/requests/queue/"), _page(b, "/requests/queue/")
        assert 'href="/accounts/people/"' in mine and 'href="/accounts/people/"' not in theirs
        assert street.display_name in mine and head.display_name not in mine
        assert head.display_name in theirs and street.display_name not in theirs
        assert '<span class="bell-count">2</span>' in mine
        assert "bell-count" not in theirs


def test_a_message_read_or_received_shows_on_the_next_page(client, world):
    user = world.users.grid_head
    login_verified(client, user)
    assert "bell-count" not in _page(client, "/requests/queue/")
    (message,) = notification_enqueue(kind="t", subject="新消息", body="内容", user=user)
    assert '<span class="bell-count">1</span>' in _page(client, "/requests/queue/")
    client.post(f"/inbox/{message.pk}/read/")
    assert "bell-count" not in _page(client, "/requests/queue/")


def test_the_user_permissions_and_unread_count_are_one_statement(client, world):
    login_verified(client, world.users.street_staff)
    client.get("/requests/queue/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/requests/queue/").status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    (user,) = [sql for sql in statements if '"accounts_user"' in sql]
    assert "auth_permission" in user and "notifications_notification" in user
    others = [sql for sql in statements if sql != user]
    assert not any(
        "auth_permission" in sql or "notifications_notification" in sql for sql in others
    )


def test_the_extras_are_read_with_the_user(world):
    session_user.read_with_user("test_extra", "SELECT {user} * 2")
    try:
        loaded = RolePermissionBackend().get_user(world.users.grid_head.pk)
        assert session_user.session_extra(loaded, "test_extra") == 2 * world.users.grid_head.pk
        assert session_user.session_extra(world.users.grid_head, "test_extra") is None
    finally:
        session_user._EXTRAS.pop("test_extra")
        session_user._statement = None


def test_a_page_gets_the_user_itself_with_the_second_factors_state(world, client):
    """accounts.middleware hands the page the user itself (not two lazy wrappers); django-otp's
    device and is_verified are on it."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    anonymous = client.get("/").wsgi_request.user
    assert type(anonymous) is AnonymousUser
    user = world.users.street_staff
    login_verified(client, user)
    seen = client.get("/reports/").wsgi_request.user
    assert type(seen) is User
    assert seen.pk == user.pk
    assert seen.otp_device is not None and seen.is_verified()
    client.force_login(world.users.grid_head)  # no device confirmed in this session
    seen = client.get("/dashboard/").wsgi_request.user
    assert type(seen) is User and seen.otp_device is None and not seen.is_verified()


def test_the_statement_is_prepared_on_its_connection_once(world, client):
    """PostgreSQL planned the user's statement (two permission lists, the extras) in ~0.3 ms on
    every signed-in request and ran it in ~0.04: it is prepared once per connection, and so is
    the session's read."""
    login_verified(client, world.users.grid_head)
    for _ in range(3):
        _page(client, "/dashboard/")
    sql, _columns = session_user._build()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert statements.count(sql.replace("%s", "$1")) == 1
    # The session's read too (accounts.sessions).
    assert len([s for s in statements if 'FROM "django_session"' in s]) == 1


def test_preparing_off_reads_the_same_user(world, settings):
    settings.DB_PREPARE_HOT_QUERIES = False
    loaded = session_user.user_load(world.users.grid_head.pk)
    assert loaded.pk == world.users.grid_head.pk
    assert session_user.session_extra(loaded, "inbox_unread") is not None
