"""Passwords: everyone changes their own; a forgotten one is reset by SMS code or e-mail link;
the rules (12 characters, not a common password) hold on every form that sets one."""

import re

import pytest
from django.core import mail

from accounts.models import PasswordToken
from notifications.sms import LocmemSmsBackend

NEW = "光明网格-2026-春天来了"


@pytest.fixture
def sms(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


def with_phone(user, phone="13900001111", email=""):
    user.phone, user.email = phone, email
    user.save(update_fields=["phone", "email"])
    return user


@pytest.mark.parametrize("who", ["party_member", "grid_worker", "district_admin"])
def test_every_user_changes_their_own_password(client, world, who):
    user = getattr(world.users, who)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-for-tests-1", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/accounts/me/").status_code == 200  # this session stays signed in


@pytest.mark.parametrize(
    "password,message",
    [
        ("Short-1", "密码太短，至少需要 12 个字符。"),
        ("1qaz2wsx3edc", "这个密码太常见了。"),
        ("123456789012345", "密码只包含数字。"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(client, world, password, message):
    client.force_login(world.users.street_staff)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-for-tests-1", "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    world.users.street_staff.refresh_from_db()
    assert world.users.street_staff.check_password("pw-for-tests-1")


def test_a_forgotten_password_is_reset_with_the_sms_code(client, world, sms):
    user = with_phone(world.users.grid_worker)
    response = client.post("/accounts/password/reset/", {"username": "worker_a1a"})
    assert response["Location"] == "/accounts/password/reset/code/"
    [message] = sms
    assert message["phone"] == "13900001111"
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    page = client.get("/accounts/password/reset/code/")
    assert page.context["form"].initial["username"] == "worker_a1a"
    done = client.post(
        "/accounts/password/reset/code/",
        {"username": "worker_a1a", "code": code, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    again = client.post(
        "/accounts/password/reset/code/",
        {"username": "worker_a1a", "code": code, "new_password1": NEW, "new_password2": NEW},
    )
    assert again.status_code == 200  # a code works once


def test_a_code_ends_after_five_wrong_tries(client, world, sms, settings):
    settings.REDGRID_ACCOUNTS_PASSWORD_RESET_LIMIT = (50, 3600)
    with_phone(world.users.grid_worker)
    client.post("/accounts/password/reset/", {"username": "worker_a1a"})
    code = re.search(r"\b(\d{6})\b", sms[0]["text"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(
            "/accounts/password/reset/code/",
            {"username": "worker_a1a", "code": wrong, "new_password1": NEW, "new_password2": NEW},
        )
    response = client.post(
        "/accounts/password/reset/code/",
        {"username": "worker_a1a", "code": code, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    world.users.grid_worker.refresh_from_db()
    assert not world.users.grid_worker.check_password(NEW)


def test_an_account_with_an_email_gets_a_reset_link(client, world):
    with_phone(world.users.community_staff, phone="", email="a1@example.org")
    client.post("/accounts/password/reset/", {"username": "community_a1"})
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/link/[\w-]+/)", message.body).group(1)
    response = client.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    world.users.community_staff.refresh_from_db()
    assert world.users.community_staff.check_password(NEW)


def test_the_secret_is_never_stored(client, world, sms):
    with_phone(world.users.grid_worker)
    client.post("/accounts/password/reset/", {"username": "worker_a1a"})
    code = re.search(r"\b(\d{6})\b", sms[0]["text"]).group(1)
    token = PasswordToken.objects.get(user=world.users.grid_worker)
    assert code not in token.digest and len(token.digest) == 64
    from notifications.models import Notification

    assert not Notification.objects.filter(body__contains=code).exists()  # not in the outbox


def test_a_deactivated_account_gets_nothing(client, world, sms):
    user = with_phone(world.users.grid_worker)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.post("/accounts/password/reset/", {"username": "worker_a1a"})
    assert sms == []


def test_changing_ones_phone_asks_for_the_current_password(client, world):
    user = with_phone(world.users.grid_worker)
    client.force_login(user)
    data = {"name": "测worker_a1a", "phone": "13700009999", "email": ""}
    refused = client.post("/accounts/me/", data)
    assert refused.status_code == 200 and "current_password" in refused.context["form"].errors
    user.refresh_from_db()
    assert user.phone == "13900001111"
    assert (
        client.post("/accounts/me/", {**data, "current_password": "pw-for-tests-1"})["Location"]
        == "/accounts/me/"
    )
    user.refresh_from_db()
    assert user.phone == "13700009999"
    # the name alone needs no password
    assert client.post("/accounts/me/", {**data, "name": "王新"}).status_code == 302


def test_the_owner_is_told_when_their_password_or_authenticator_changes(
    client, world, sms, django_capture_on_commit_callbacks
):
    """ASVS 2.2.3/2.5.5: a notice names what changed and when, with no secret and no link."""
    from django.core.exceptions import PermissionDenied

    from accounts.second_factor import second_factor_reset
    from conftest import login_verified

    user = with_phone(world.users.grid_worker, email="worker@example.org")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-for-tests-1", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    [text] = [m["text"] for m in sms]
    assert "密码" in text and user.username in text
    assert NEW not in text and "http" not in text
    [email] = mail.outbox
    assert email.to == ["worker@example.org"] and NEW not in email.body
    # A higher level removes a lost phone's authenticator: the owner hears of it too.
    sms.clear()
    login_verified(client, user)  # gives the account a confirmed authenticator
    with pytest.raises(PermissionDenied):
        second_factor_reset(by=world.users.party_member, user=user)
    assert sms == []
    with django_capture_on_commit_callbacks(execute=True):
        assert second_factor_reset(by=world.users.community_staff, user=user) >= 1
    [text] = [m["text"] for m in sms]
    assert "验证器" in text or "身份验证" in text
