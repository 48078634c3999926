"""No 500s, no open doors (issue 13 §6): each request that answered 500 answers a 4xx with a
clear, translated message; API pages have a maximum size; `next=` stays on the site; the booking
admin cannot hard-delete."""

import datetime
import json

import pytest
from django.urls import reverse

from requests_desk.models import Stage
from requests_desk.tests.test_flow import bring_to
from tests.reliability.test_api_schemathesis import RAW_SCHEMA

HUGE = "100000000000000000000"
LISTS = sorted(
    path
    for path, methods in RAW_SCHEMA["paths"].items()
    if "get" in methods
    and "{" not in path
    and any(p["name"] == "limit" for p in methods["get"].get("parameters", []))
)


@pytest.fixture
def staff(client, world):
    client.force_login(world.users.district_admin)
    return client


def test_every_paginated_api_list_is_found():
    assert len(LISTS) >= 15 and "/api/v1/party-members/" in LISTS


@pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "offset=null", "limit=-1"])
def test_an_api_list_with_an_impossible_page_answers_400(staff, query):
    for path in LISTS:
        response = staff.get(f"{path}?{query}")
        assert response.status_code == 400, (path, response.status_code)
        body = json.loads(response.content)
        message = body.get("limit") or body.get("offset")
        assert message and any("\u4e00" <= ch <= "\u9fff" for ch in str(message)), body


def test_an_api_page_has_a_maximum_size(staff, world):
    from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory

    branch = PartyBranchFactory(grid=world.grids["A1a"])
    PartyMemberFactory.create_batch(3, branch=branch)
    response = staff.get("/api/v1/party-members/", {"limit": 3})
    assert response.status_code == 200 and len(response.json()["results"]) == 3
    too_many = staff.get("/api/v1/party-members/", {"limit": 100_000})
    assert too_many.status_code == 400 and "200" in too_many.content.decode()


def test_bookings_with_an_impossible_room_or_status_answer_400(staff):
    for query in ("room=99999999999999999999999", "room=abc", "room=-3", "status=deleted"):
        response = staff.get(f"/api/v1/bookings/?{query}")
        assert response.status_code == 400, query
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.content.decode()), query


def test_the_member_list_with_a_bad_community_answers_400(staff):
    for value in ("abc", "99999999999999999999999", "-1"):
        response = staff.get("/branches/members/", {"community": value})
        assert response.status_code == 400, value
        assert "社区" in response.content.decode() and "field-error" in response.content.decode()


def test_open311_start_date_far_in_the_future_answers_400(client, db):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}?start_date=9999-12-31T23:59:59")
        assert response.status_code == 400
        response = client.get(f"/open311/v2/requests.{fmt}?end_date=0001-01-01T00:00:00")
        assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_action_the_stage_does_not_allow_answers_4xx(staff, world, make_request, method):
    item = bring_to(make_request(), Stage.CLOSED, world.users.district_admin)
    for action in ("dispatch", "merge", "file", "feedback", "close", "request_extension"):
        url = reverse("requests_desk:act", args=[item.code, action])
        response = getattr(staff, method)(url, {"note": "试试", "reason": "x", "into": "X"})
        assert 400 <= response.status_code < 500, (action, response.status_code)
    assert staff.get(reverse("requests_desk:act", args=[item.code, "nope"])).status_code == 404


def test_bulk_dispatch_next_stays_on_the_site(staff, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    for target in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
        response = staff.post(
            reverse("requests_desk:bulk_dispatch"),
            {"codes": [item.code], "target": "own_community", "next": target},
        )
        assert response.status_code == 302 and response.url == reverse("requests_desk:queue")
    response = staff.post(
        reverse("requests_desk:bulk_dispatch"),
        {"codes": [], "target": "", "next": "/requests/queue/?stage=filed"},
    )
    assert response.url == "/requests/queue/?stage=filed"


def test_the_booking_admin_cannot_hard_delete(client, world):
    from service_points.models import Booking
    from service_points.tests.factories import BookingFactory, CentreFactory, RoomFactory

    admin_user = world.users.district_admin
    type(admin_user).objects.filter(pk=admin_user.pk).update(is_staff=True)
    client.force_login(admin_user)
    starts = datetime.datetime(2030, 1, 7, 10, tzinfo=datetime.UTC)
    booking = BookingFactory(
        room=RoomFactory(position=CentreFactory(community=world.communities["A1"])),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        booked_by=admin_user,
    )
    url = reverse("admin:service_points_booking_delete", args=[booking.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"post": "yes"}).status_code in (403, 404)
    changelist = reverse("admin:service_points_booking_changelist")
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"}
    )
    assert Booking.objects.filter(pk=booking.pk).exists()
