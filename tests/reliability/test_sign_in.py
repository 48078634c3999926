"""Staff sign-in (issue 13.7), tried over HTTP as an attacker would: weak passwords, revealing
personal data without a second factor, a session left open, and a reset form that must not tell
whether an account exists."""

import datetime
import re

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from notifications.sms import LocmemSmsBackend
from party_branches.tests.factories import PartyMemberFactory

PHONE = "13912345678"
STRONG = "光明网格-换届-2026年春"


@pytest.fixture
def revealer(world):
    user = world.users.community_staff
    User.objects.filter(pk=user.pk).update(may_reveal_personal_data=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def member(world):
    return PartyMemberFactory(community=world.communities["A1"], phone=PHONE)


def login(client, username, password="pw-for-tests-1"):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize(
    "password", ["Short-pw-1", "1qaz2wsx3edc", "qwerty123456", "12345678901234"]
)
def test_weak_staff_passwords_are_refused_everywhere_one_is_set(client, world, password):
    from accounts.passwords import link_issue

    client.force_login(world.users.street_staff)
    change = client.post(
        "/accounts/password/",
        {"old_password": "pw-for-tests-1", "new_password1": password, "new_password2": password},
    )
    assert change.status_code == 200 and change.context["form"].errors
    secret = link_issue(user=world.users.grid_worker, by=None)
    client.logout()
    link = client.post(
        f"/accounts/link/{secret}/", {"new_password1": password, "new_password2": password}
    )
    assert link.status_code == 200 and link.context["form"].errors
    for user in (world.users.street_staff, world.users.grid_worker):
        user.refresh_from_db()
        assert not user.check_password(password)


def test_revealing_without_a_confirmed_second_factor_is_refused(client, world, revealer, member):
    reveal = f"/api/v1/party-members/{member.pk}/reveal/"
    body = {"field": "phone", "purpose": "核实联系方式"}
    assert login(client, "community_a1").status_code == 302
    # Pages send the unconfirmed session to the second-factor step; the API answers 403.
    assert client.get("/branches/members/")["Location"].startswith("/accounts/second-factor/")
    api = client.post(reveal, body, content_type="application/json")
    assert api.status_code == 403 and PHONE not in api.content.decode()
    assert api.json()["code"] == "second_factor_required"
    # The enrolment's QR code names the account; a wrong code is refused.
    setup = client.get("/accounts/second-factor/setup/")
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=revealer, confirmed=False)
    assert client.post("/accounts/second-factor/setup/", {"code": "123456"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # each wrong code makes the next try wait longer
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert client.post("/accounts/second-factor/setup/", {"code": code}).status_code == 302
    revealed = client.post(reveal, body, content_type="application/json")
    assert revealed.status_code == 200 and revealed.json()["value"] == PHONE


def test_the_second_factor_cannot_be_skipped_by_going_straight_to_a_page(client, world, revealer):
    TOTPDevice.objects.create(user=revealer, name="phone", confirmed=True)
    login(client, "community_a1")
    for path in ("/dashboard/", "/admin/", "/accounts/tokens/", "/accounts/people/", "/care/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/second-factor/"), path
    # and the setup page of an account that has an authenticator only leads to verification
    assert client.get("/accounts/second-factor/setup/")["Location"].startswith(
        "/accounts/second-factor/"
    )
    assert TOTPDevice.objects.filter(user=revealer).count() == 1


def test_an_idle_staff_session_ends(client, world, settings):
    settings.REDGRID_STAFF_IDLE_SECONDS = 1800
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert login(client, "head_a1a").status_code == 302
        assert client.get("/accounts/me/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get("/accounts/me/").status_code == 200  # activity keeps it alive
        traveller.shift(datetime.timedelta(minutes=31))
        expired = client.get("/accounts/me/")
        assert expired.status_code == 302 and expired["Location"].startswith("/accounts/login/")
        assert client.get("/accounts/me/")["Location"].startswith("/accounts/login/")


def test_a_members_session_has_no_idle_timeout(client, world, settings):
    settings.REDGRID_STAFF_IDLE_SECONDS = 1800
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        login(client, "member_a1a")
        traveller.shift(datetime.timedelta(hours=2))
        assert client.get("/accounts/me/").status_code == 200


def _normalised(response) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'value="[^"]*"', 'value=""', body)  # the login name typed in


def test_the_reset_flow_does_not_tell_whether_an_account_exists(client, world, settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    worker = world.users.grid_worker
    worker.phone = "13900001111"
    worker.save(update_fields=["phone"])
    answers = {}
    for n, username in enumerate(
        ("worker_a1a", "nobody_here", "nobody")
    ):  # real, unknown, roleless
        # each from its own address: the per-address limit is tested below
        fresh = client.__class__(REMOTE_ADDR=f"10.9.0.{n + 1}")
        request = fresh.post("/accounts/password/reset/", {"username": username})
        page = fresh.get(request["Location"])
        code = fresh.post(
            "/accounts/password/reset/code/",
            {
                "username": username,
                "code": "000000",
                "new_password1": STRONG,
                "new_password2": STRONG,
            },
        )
        answers[username] = (
            request.status_code,
            request["Location"],
            _normalised(page),
            _normalised(code),
        )
    assert answers["worker_a1a"] == answers["nobody_here"] == answers["nobody"]
    assert len(LocmemSmsBackend.outbox) == 1  # only the real account got a code


def test_reset_requests_are_rate_limited_for_every_login_name_alike(client, world, settings):
    settings.REDGRID_ACCOUNTS_PASSWORD_RESET_LIMIT = (3, 3600)
    for username in ("worker_a1a", "nobody_here"):
        client.cookies.clear()
        for _ in range(3):
            client.post("/accounts/password/reset/", {"username": username})
        limited = client.post("/accounts/password/reset/", {"username": username})
        assert limited.status_code == 200 and limited.context["form"].non_field_errors()


def test_guessing_sms_codes_is_stopped(client, world, settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    settings.REDGRID_ACCOUNTS_PASSWORD_RESET_LIMIT = (100, 3600)
    LocmemSmsBackend.outbox.clear()
    worker = world.users.grid_worker
    worker.phone = "13900001111"
    worker.save(update_fields=["phone"])
    client.post("/accounts/password/reset/", {"username": "worker_a1a"})
    real = re.search(r"\b(\d{6})\b", LocmemSmsBackend.outbox[0]["text"]).group(1)
    guesses = [f"{n:06d}" for n in range(20) if f"{n:06d}" != real][:10]
    for guess in guesses:
        client.post(
            "/accounts/password/reset/code/",
            {
                "username": "worker_a1a",
                "code": guess,
                "new_password1": STRONG,
                "new_password2": STRONG,
            },
        )
    late = client.post(
        "/accounts/password/reset/code/",
        {"username": "worker_a1a", "code": real, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert late.status_code == 200  # the code ended after five wrong tries
    worker.refresh_from_db()
    assert not worker.check_password(STRONG)


def test_an_idle_staff_sessions_api_call_is_refused_not_an_error(client, world, settings):
    """Signed out for idleness on an API call: the call goes on as an anonymous one (401/403),
    never a server error."""
    settings.REDGRID_STAFF_IDLE_SECONDS = 1800
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert login(client, "head_a1a").status_code == 302
        assert client.get("/api/v1/requests/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get("/api/v1/requests/").status_code in (401, 403)
