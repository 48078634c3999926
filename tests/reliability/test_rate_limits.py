"""Limits that hold (issue 13 §5), tried over HTTP as an attacker would.

* a counter increment never extends its window (the embedded file cache's `incr` used to reset
  the timeout, so "10 per hour" was really "10 per 5 minutes");
* behind the configured proxy the client address is the one the proxy saw, not the proxy's own
  (REMOTE_ADDR) nor one the client made up in X-Forwarded-For;
* the public status page and the tracking-code lookup are throttled;
* a successful login does not clear the failures counted for the address;
* the duplicate guard never merges different people (and never names a code, see
  test_public_outputs.py).
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from requests_desk.models import Request

NEW = reverse("requests_desk:new")


def form_data(world, categories, grid="A1a", **overrides):
    centre = world.grids[grid].boundary.centroid
    data = {
        "category": categories["E0103"].pk,
        "description": "楼下垃圾桶旁边堆满垃圾",
        "lat": centre.y,
        "lon": centre.x,
        "address": "",
        "confirm_new": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def file_cache(settings, tmp_path):
    """The embedded mode's cache (make run): Django's file-based cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_an_increment_does_not_extend_or_shorten_the_window(
    client, world, categories, settings, request, backend
):
    """Two submissions allowed per hour from one address. The third, 10 minutes after the
    second (well past the file cache's 5-minute default timeout), is still refused."""
    if backend == "file":
        request.getfixturevalue("file_cache")
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (2, 3600)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    codes = ["E0103", "E0105", "C0201"]
    with time_machine.travel(start, tick=False) as clock:
        for minute, code in zip((1, 3, 13), codes, strict=True):
            clock.move_to(start + datetime.timedelta(minutes=minute))
            response = client.post(
                NEW, form_data(world, categories, category=categories[code].pk, grid="A1a")
            )
        assert Request.objects.count() == 2
        assert "12345" in response.content.decode()  # "try again later or call 12345"
        # The window is fixed: the next hour starts afresh.
        clock.move_to(start + datetime.timedelta(minutes=61))
        client.post(NEW, form_data(world, categories, category=categories["C0201"].pk))
        assert Request.objects.count() == 3


@pytest.fixture
def behind_proxy(settings):
    settings.REDGRID_PROXY_HOPS = 1
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (2, 3600)
    return {"REMOTE_ADDR": "172.18.0.5"}  # the reverse proxy (docker-compose's nginx)


def test_behind_the_proxy_each_resident_has_their_own_bucket(
    client, world, categories, behind_proxy
):
    codes = ["E0103", "E0105", "C0201"]
    for code in codes:
        client.post(
            NEW,
            form_data(world, categories, category=categories[code].pk),
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **behind_proxy,
        )
    assert Request.objects.count() == 2  # resident A reached the limit
    client.post(
        NEW,
        form_data(world, categories, category=categories["C0201"].pk, grid="B2b"),
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        **behind_proxy,
    )
    assert Request.objects.count() == 3  # resident B, same proxy, is not refused


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, world, categories, behind_proxy):
    """The proxy appends the address it saw; whatever the client wrote before it is ignored."""
    codes = ["E0103", "E0105", "C0201", "C0202"]
    for n, code in enumerate(codes):
        client.post(
            NEW,
            form_data(world, categories, category=categories[code].pk),
            HTTP_X_FORWARDED_FOR=f"10.66.0.{n}, 203.0.113.7",
            **behind_proxy,
        )
    assert Request.objects.count() == 2


def test_failed_logins_behind_the_proxy_lock_out_one_address_not_everyone(
    client, world, behind_proxy
):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **behind_proxy,
        )
    response = client.post(
        "/accounts/login/",
        {"username": world.users.grid_head.username, "password": "pw-for-tests-1"},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        **behind_proxy,
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_successful_login_does_not_clear_the_address_count(client, world):
    """An attacker with one valid account of their own cannot reset the per-address count by
    logging in between guesses."""
    address = {"REMOTE_ADDR": "10.7.3.1"}
    own = world.users.party_member
    for n in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": f"victim{n}", "password": "x"}, **address)
    client.post(
        "/accounts/login/", {"username": own.username, "password": "pw-for-tests-1"}, **address
    )
    client.logout()
    client.post("/accounts/login/", {"username": "victim9", "password": "x"}, **address)
    response = client.post(
        "/accounts/login/",
        {"username": world.users.grid_head.username, "password": "pw-for-tests-1"},
        **address,
    )
    assert "_auth_user_id" not in client.session and response.status_code == 200


def test_the_status_page_is_throttled(client, world, make_request, settings):
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS = (5, 600)
    item = make_request(source=Request.Source.RESIDENT_FORM)
    url = reverse("requests_desk:status", args=[item.code])
    statuses = [client.get(url, REMOTE_ADDR="10.8.0.1").status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    # Guessing codes counts as well, and another address is not affected.
    assert client.get(url, REMOTE_ADDR="10.8.0.2").status_code == 200


def test_the_code_lookup_is_throttled(client, world, make_request, settings):
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS = (5, 600)
    url = reverse("requests_desk:lookup")
    statuses = [
        client.get(url, {"code": f"ABCDEFGH{n:02d}"}, REMOTE_ADDR="10.8.1.1").status_code
        for n in range(7)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]


def test_guessing_codes_is_cut_short_while_residents_behind_one_address_read_theirs(
    client, world, make_request, settings
):
    """Many residents share an address (carrier-grade NAT): looking up real codes is counted
    generously; unknown codes — guessing — are counted strictly, and then nothing more is shown
    to that address for the window."""
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS = (50, 600)
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_STATUS_MISSES = (3, 600)
    item = make_request(source=Request.Source.RESIDENT_FORM)
    real = reverse("requests_desk:status", args=[item.code])
    assert all(client.get(real, REMOTE_ADDR="10.8.2.1").status_code == 200 for _ in range(20))
    guesses = [
        client.get(reverse("requests_desk:status", args=[f"GUESS{n:05d}"]), REMOTE_ADDR="10.8.2.1")
        for n in range(3)
    ]
    assert [g.status_code for g in guesses] == [404, 404, 404]
    assert client.get(real, REMOTE_ADDR="10.8.2.1").status_code == 429
    assert client.get(real, REMOTE_ADDR="10.8.2.2").status_code == 200


# --- The duplicate guard never merges different people ------------------------------------------


def test_two_residents_behind_one_address_are_not_duplicates(client, world, categories):
    """Carrier-grade NAT: two residents without a phone, same category, one public address."""
    client.post(NEW, form_data(world, categories, grid="A1a"), REMOTE_ADDR="100.64.0.1")
    other = type(client)(raise_request_exception=False)  # another phone, no shared cookies
    other.post(NEW, form_data(world, categories, grid="B2b"), REMOTE_ADDR="100.64.0.1")
    assert Request.objects.count() == 2


def test_an_aggregator_posting_for_two_people_is_not_refused(
    client, world, categories, open311_key
):
    def post(email, grid):
        centre = world.grids[grid].boundary.centroid
        return client.post(
            "/open311/v2/requests.json",
            {
                "api_key": open311_key,
                "service_code": "E0103",
                "lat": centre.y,
                "long": centre.x,
                "email": email,
                "description": f"{grid} 的垃圾没人清理",
            },
            REMOTE_ADDR="192.0.2.10",
        )

    assert post("a@example.org", "A1a").status_code == 201
    assert post("b@example.org", "B2b").status_code == 201
    assert Request.objects.count() == 2
    # The same person, same place, again: that one is a duplicate.
    assert post("a@example.org", "A1a").status_code == 400
    assert Request.objects.count() == 2


def test_the_same_phone_twice_is_a_duplicate(client, world, categories):
    data = form_data(world, categories, reporter_phone="13912345678", consent="on")
    client.post(NEW, data, REMOTE_ADDR="10.9.0.1")
    other = type(client)(raise_request_exception=False)
    other.post(NEW, data, REMOTE_ADDR="10.9.0.2")
    assert Request.objects.count() == 1


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_the_submission_limits_count_the_address_and_the_phone_as_before(
    db, settings, request, backend
):
    """The phone's limit refuses first; a refusal by either does not count the phone; the
    address is counted on every try (requests_desk.throttle.submission_allow)."""
    from django.core.exceptions import ValidationError

    from core.ratelimit import Rate, rate_exceeded
    from requests_desk.throttle import submission_allow

    if backend == "file":
        request.getfixturevalue("file_cache")
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_IP = (3, 3600)
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_PHONE = (2, 3600)

    def refusal(ip, phone):
        try:
            submission_allow(ip=ip, phone=phone)
        except ValidationError as exc:
            return exc.code
        return None

    phone_rate = Rate(2, 3600)
    assert [refusal("10.0.0.1", "13900000001") for _ in range(2)] == [None, None]
    assert rate_exceeded("rq-submit-phone", "13900000001", phone_rate)
    assert refusal("10.0.0.2", "13900000001") == "rate_phone"  # another address, same phone
    assert refusal("10.0.0.1", "13900000002") is None  # the third from this address
    assert refusal("10.0.0.1", "13900000003") == "rate_ip"
    assert not rate_exceeded("rq-submit-phone", "13900000003", Rate(1, 3600))  # not counted
    assert refusal("10.0.0.3", "") is None  # no phone: the address alone


def test_the_submission_limits_take_one_redis_round_trip(db, settings):
    from unittest import mock

    import redis

    from core.ratelimit import _redis
    from requests_desk.throttle import submission_allow

    assert _redis() is not None  # the test settings' cache is Redis: its own path is taken
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PER_PHONE = (5, 3600)
    submission_allow(ip="10.0.0.9", phone="13900000009")  # the script is loaded once
    with mock.patch.object(
        redis.Redis, "execute_command", autospec=True, side_effect=redis.Redis.execute_command
    ) as sent:
        submission_allow(ip="10.0.0.9", phone="13900000010")
    assert sent.call_count == 1
