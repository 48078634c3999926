"""Public transparency per area (requests_desk.area_views, feeds, alerts), attacked over HTTP:
only resident-sent requests, coarse points, masked text, no staff names unless the district opts
in, no subscription enumeration, unforgeable unsubscribe links; constant query counts."""

import re

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from notifications.models import Notification
from requests_desk import alerts, flow
from requests_desk.models import AreaAlert, Request
from requests_desk.tests.test_flow import bring_to

PHONE = "13812345678"
ID_NUMBER = "44030319900101123X"


@pytest.fixture
def reports(world, make_request):
    """A resident's report (listed) with a phone and an ID number in its text, a hotline call
    (not listed) with its own words and address, and a closed resident report."""
    listed = make_request(
        source=Request.Source.RESIDENT_FORM,
        description=f"楼下垃圾没人清理，联系 {PHONE}，身份证 {ID_NUMBER}",
        address="光明大道88号",
        location=(113.812345, 22.751234),
    )
    hotline = make_request(
        source=Request.Source.HOTLINE,
        description="热线来电：隔壁秘密内容",
        address="私密地址9号",
        location=(113.813333, 22.752222),
    )
    closed = make_request(
        source=Request.Source.RESIDENT_FORM,
        description="路灯不亮已经一周",
        location=(113.814, 22.753),
        code="E0103",
    )
    bring_to(closed, "closed", world.users.district_admin)
    return {"listed": listed, "hotline": hotline, "closed": closed}


def test_area_pages_show_the_month_figures(client, world, reports):
    for code in (world.grids["A1a"].code, world.communities["A1"].code, world.streets["A"].code):
        response = client.get(f"/areas/{code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        body = response.content.decode()
        # Three received this month (all sources count), one closed.
        assert re.search(r'id="fig-received">3<', body), code
        assert re.search(r'id="fig-closed">1<', body), code
    assert client.get(f"/areas/{world.grids['B1a'].code}/").status_code == 200


@pytest.mark.parametrize("code", ["x", "123", "4403110010019999", "' or 1=1", "9" * 14])
def test_unknown_area_is_404(client, world, code):
    assert client.get(f"/areas/{code}/").status_code == 404


@pytest.mark.parametrize("month", ["2026-13", "nope", "1999-01", "2999-01"])
def test_bad_month_is_a_translated_400(client, world, month):
    response = client.get(
        f"/areas/{world.grids['A1a'].code}/", {"month": month}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def _public_outputs(client, world):
    code = world.communities["A1"].code
    return [
        client.get(f"/areas/{code}/").content.decode(),
        client.get(f"/areas/{code}/new.atom").content.decode(),
        client.get(f"/areas/{code}/closed.atom").content.decode(),
        client.get(f"/areas/{world.grids['A1a'].code}/").content.decode(),
    ]


def test_public_outputs_hide_private_sources_and_personal_data(client, world, reports):
    for body in _public_outputs(client, world):
        assert "秘密内容" not in body and "私密地址" not in body
        assert reports["hotline"].code not in body
        assert PHONE not in body and ID_NUMBER not in body
        # The exact points never appear, only the coarse ones (3 decimals).
        assert "113.812345" not in body and "22.751234" not in body
        assert "113.813333" not in body
    page = _public_outputs(client, world)[0]
    assert "113.812" in page and "138****5678" in page


def test_staff_names_are_not_public_unless_the_district_opts_in(client, world, reports):
    listed = reports["listed"]
    bring_to(listed, "dispatched", world.users.district_admin)
    worker = world.users.grid_worker
    flow.transition(case=listed, action="dispatch", by=world.users.grid_head, target=worker)
    name = str(worker)
    for body in _public_outputs(client, world):
        assert name not in body and worker.username not in body
    with override_settings(REDGRID_PUBLIC_STAFF_NAMES=True):
        feed = client.get(f"/areas/{world.communities['A1'].code}/new.atom").content.decode()
    assert feed  # the opt-in changes wording only through requests_desk.public


def test_feeds_are_atom(client, world, reports):
    code = world.grids["A1a"].code
    new = client.get(f"/areas/{code}/new.atom")
    assert new.status_code == 200 and new["Content-Type"].startswith("application/atom+xml")
    assert reports["listed"].code in new.content.decode()
    closed = client.get(f"/areas/{code}/closed.atom").content.decode()
    assert reports["closed"].code in closed and reports["listed"].code not in closed
    assert client.get("/areas/999/new.atom").status_code == 404


def test_query_counts_do_not_grow_with_data(client, world, make_request):
    code = world.communities["A1"].code

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_request(source=Request.Source.RESIDENT_FORM)
    client.get(f"/areas/{code}/")  # the district's map extent is computed once, then cached
    before = [count(f"/areas/{code}/"), count(f"/areas/{code}/new.atom")]
    for i in range(15):
        grid = "A1a" if i % 2 else "A1b"
        make_request(grid=grid, source=Request.Source.RESIDENT_FORM, description=f"问题描述{i}号")
    after = [count(f"/areas/{code}/"), count(f"/areas/{code}/new.atom")]
    assert before == after


# --- Alerts ------------------------------------------------------------------------------------


def _subscribe(client, world, contact, grid="A1a"):
    return client.post(f"/areas/{world.grids[grid].code}/alerts/", {"contact": contact})


def _token(notification) -> str:
    return notification.link.rstrip("/").rsplit("/", 1)[-1]


def test_double_opt_in_then_alerts_with_a_stop_link(client, world, make_request):
    response = _subscribe(client, world, "Resident@Example.com")
    assert response.status_code == 302
    alert = AreaAlert.objects.get()
    assert alert.confirmed_at is None and alert.address == "resident@example.com"
    confirm = Notification.objects.get(kind="area_alert_confirm")
    assert confirm.channel == "email" and confirm.address == "resident@example.com"
    # Nothing is sent before the confirmation.
    make_request(source=Request.Source.RESIDENT_FORM)
    assert not Notification.objects.filter(kind="area_alert").exists()
    # The link works from the e-mail: the site's address (REDGRID_SITE_URL) in front.
    assert confirm.link.startswith(settings.SITE_URL + "/areas/alerts/")
    confirm.link = confirm.link.removeprefix(settings.SITE_URL)
    # A GET (a mail scanner) confirms nothing; the button does.
    assert client.get(confirm.link).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    assert client.post(confirm.link).status_code == 302
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    created = make_request(source=Request.Source.RESIDENT_FORM, description=f"垃圾 {PHONE}")
    sent = Notification.objects.get(kind="area_alert")
    assert (
        created.code in sent.body and PHONE not in sent.body and "/areas/alerts/stop/" in sent.body
    )
    # Requests from internal channels are not public: no alert.
    make_request(source=Request.Source.HOTLINE)
    assert Notification.objects.filter(kind="area_alert").count() == 1
    stop = re.search(r"/areas/alerts/stop/[^/\s]+/", sent.body).group(0)
    assert client.get(stop).status_code == 200 and AreaAlert.objects.exists()
    assert client.post(stop).status_code == 200
    assert not AreaAlert.objects.exists()
    assert client.post(stop).status_code == 400  # used


def test_sms_subscription(client, world):
    _subscribe(client, world, PHONE)
    assert Notification.objects.get(kind="area_alert_confirm").channel == "sms"


def test_no_subscription_enumeration(client, world):
    first = _subscribe(client, world, "a@example.com")
    alert = AreaAlert.objects.get()
    client.post(Notification.objects.get().link)
    alert.refresh_from_db()
    assert alert.confirmed_at
    again = _subscribe(client, world, "a@example.com")
    other = _subscribe(client, world, "b@example.com")
    # The same answer for a subscribed address and a new one…
    assert again.status_code == other.status_code == first.status_code == 302
    page_again = client.get(again.url).content.decode()
    assert "a@example.com" not in page_again
    # …and the confirmed subscriber gets no message from a stranger's attempt.
    assert Notification.objects.filter(kind="area_alert_confirm").count() == 2  # a's and b's


@pytest.mark.parametrize(
    "contact", ["", "not an address", "123", "1381234567", "x" * 300 + "@a.cn"]
)
def test_bad_contact_is_a_translated_400(client, world, contact):
    response = client.post(
        f"/areas/{world.grids['A1a'].code}/alerts/",
        {"contact": contact},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert not AreaAlert.objects.exists()


def test_unsubscribe_token_cannot_be_forged(client, world):
    _subscribe(client, world, "a@example.com")
    _subscribe(client, world, "victim@example.com")
    mine, victim = AreaAlert.objects.order_by("pk")
    forged = [
        signing.dumps([victim.pk, mine.address_index[:12]], salt=alerts.STOP_SALT),
        signing.dumps([victim.pk, victim.address_index[:12]], salt="other"),
        # Mine with its payload swapped for the victim's, keeping my signature.
        signing.dumps([victim.pk, victim.address_index[:12]], salt=alerts.STOP_SALT).split(":")[0]
        + ":"
        + alerts.stop_token(mine).split(":", 1)[1],
        alerts.confirm_token(victim),  # a confirmation token is no stop token
        "x",
        "",
    ]
    for token in forged:
        if token:
            assert client.get(f"/areas/alerts/stop/{token}/").status_code == 400
            assert client.post(f"/areas/alerts/stop/{token}/").status_code == 400
    assert AreaAlert.objects.count() == 2
    # And a confirmation token cannot be made from a stop token.
    assert client.post(f"/areas/alerts/confirm/{alerts.stop_token(victim)}/").status_code == 400


@override_settings(REDGRID_REQUESTS_DESK_RATE_LIMIT_ALERT_SUBSCRIBE=(2, 3600))
def test_subscriptions_are_rate_limited(client, world):
    codes = [_subscribe(client, world, f"r{i}@example.com").status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert AreaAlert.objects.count() == 2


@override_settings(REDGRID_REQUESTS_DESK_ALERTS_PER_DAY=2)
def test_alerts_per_day_are_capped(client, world, make_request):
    _subscribe(client, world, "a@example.com")
    client.post(Notification.objects.get().link)
    for i in range(4):
        make_request(source=Request.Source.RESIDENT_FORM, description=f"垃圾第{i}处没人管")
    assert Notification.objects.filter(kind="area_alert").count() == 2
