"""The second factor (TOTP through django-otp) for accounts that may reveal personal data:
enrolment with a QR code, a verification step at each sign-in, reveals refused without it."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory


def code_for(device) -> str:
    """The code the authenticator app shows now (RFC 6238, as django-otp computes it)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def revealer(world):
    user = world.users.community_staff
    type(user).objects.filter(pk=user.pk).update(may_reveal_personal_data=True)
    user.refresh_from_db()
    return user


def login(client, username="community_a1", password="pw-for-tests-1"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_first_sign_in_leads_to_enrolment_with_a_qr_code(client, revealer):
    login(client)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/second-factor/setup/")
    body = response.content.decode()
    assert "<svg" in body and 'data-testid="totp-key"' in body
    device = TOTPDevice.objects.get(user=revealer, confirmed=False)
    done = client.post(
        "/accounts/second-factor/setup/?next=/dashboard/", {"code": code_for(device)}
    )
    assert done["Location"] == "/dashboard/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/dashboard/").status_code in (200, 302)
    assert not client.get("/dashboard/").get("Location", "").startswith("/accounts/second")


def test_each_later_sign_in_asks_for_a_code_and_refuses_a_wrong_or_replayed_one(client, revealer):
    device = TOTPDevice.objects.create(user=revealer, name="phone", confirmed=True)
    login(client)
    assert client.get("/requests/queue/")["Location"].startswith("/accounts/second-factor/")
    wrong = client.post("/accounts/second-factor/", {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = code_for(device)
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
    assert client.get("/requests/queue/").status_code == 200
    client.logout()
    login(client)
    replay = client.post("/accounts/second-factor/", {"code": code})
    assert replay.status_code == 200  # a code is accepted once


def test_accounts_without_the_reveal_right_need_no_second_factor(client, world):
    login(client, "head_a1a")
    assert client.get("/requests/queue/").status_code == 200


def test_the_owner_cannot_remove_their_own_authenticator_but_the_level_above_can(
    client, world, revealer
):
    TOTPDevice.objects.create(user=revealer, name="phone", confirmed=True)
    client.force_login(revealer)
    response = client.post(f"/accounts/people/{revealer.pk}/second-factor/reset/")
    assert response.status_code in (302, 403, 404)
    assert TOTPDevice.objects.filter(user=revealer).exists()
    client.force_login(world.users.street_staff)
    client.post(f"/accounts/people/{revealer.pk}/second-factor/reset/")
    assert not TOTPDevice.objects.filter(user=revealer).exists()


def test_a_superuser_also_confirms_with_a_second_factor(client, db):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    login(client, "root")
    assert client.get("/admin/")["Location"].startswith("/accounts/second-factor/")


def test_accounts_that_need_no_second_factor_are_not_offered_one(client, world):
    client.force_login(world.users.grid_head)
    assert client.get("/accounts/second-factor/setup/")["Location"] == "/accounts/me/"
    assert not TOTPDevice.objects.filter(user=world.users.grid_head).exists()
