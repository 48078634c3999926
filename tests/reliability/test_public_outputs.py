"""Public outputs publish only what a resident would accept (issue 13 §3), tried over HTTP by an
anonymous visitor: the Open311 list, a single request, the updates feed, the status page, the
"+1 nearby" offer, the area pages and their Atom feeds. The rules are requests_desk/public.py's
(docs/reliability.md, "Rules for what is public")."""

import json
from xml.etree import ElementTree as ET

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from requests_desk import flow
from requests_desk.models import Request, Stage
from requests_desk.tests.test_flow import bring_to

OPEN311 = "/open311/v2"


def everything_public(client, item) -> str:
    """Every public answer that could show `item`, concatenated."""
    pages = [
        client.get(f"{OPEN311}/requests.json").content.decode(),
        client.get(f"{OPEN311}/requests.xml").content.decode(),
        client.get(f"{OPEN311}/requests/{item.code}.json").content.decode(),
        client.get(f"{OPEN311}/requests/{item.code}.xml").content.decode(),
        client.get(f"{OPEN311}/servicerequestupdates.json").content.decode(),
        client.get(f"{OPEN311}/servicerequestupdates.xml").content.decode(),
        client.get(reverse("requests_desk:status", args=[item.code])).content.decode(),
    ]
    # The area pages, their maps and Atom feeds (requests_desk.transparency), at every level.
    codes = [item.street.code, item.community.code] + ([item.grid.code] if item.grid_id else [])
    for code in codes:
        for path in (f"/areas/{code}/", f"/areas/{code}/new.atom", f"/areas/{code}/closed.atom"):
            pages.append(client.get(path).content.decode())
    return "\n".join(pages)


@pytest.fixture
def care_need_request(world, categories):
    """A household visit's need turned into a request (the case of the issue)."""
    from care.models import HouseholdNeed
    from care.requests_link import need_to_request
    from care.tests.factories import HouseholdFactory, VisitFactory

    grid = world.grids["A1a"]
    household = HouseholdFactory(
        grid=grid,
        building="7栋",
        address="光明路88号302室",
        location=Point(113.8234567, 22.7512345, srid=4326),
    )
    visit = VisitFactory(household=household, visitor=world.users.grid_worker)
    need = HouseholdNeed.objects.create(visit=visit, description="独居老人家中水管漏水，需要维修")
    item = need_to_request(need=need, category=categories["E0103"], by=world.users.grid_worker)
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item, action="reply", by=world.users.grid_head, note="已联系物业", public=True
    )
    return item


def test_a_care_visit_need_publishes_no_address_point_words_or_channel(client, care_need_request):
    item = care_need_request
    shown = everything_public(client, item)
    for secret in ("光明路88号302室", "7栋", "113.823", "22.751", "水管漏水", "入户走访"):
        assert secret not in shown, secret
    # Not listed anywhere public: Open311 does not know it.
    assert item.code not in client.get(f"{OPEN311}/requests.json").content.decode()
    assert client.get(f"{OPEN311}/requests/{item.code}.json").status_code == 404
    # The status page (for whoever was told the code) shows category, community and stage.
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "暴露垃圾" in page and item.community.name in page and "已联系物业" in page


@pytest.mark.parametrize(
    "source",
    [
        Request.Source.GRID_PATROL,
        Request.Source.HOTLINE,
        Request.Source.REFERRAL,
        Request.Source.REGISTERED_MEMBER,
    ],
)
def test_internal_sources_are_never_listed_publicly(client, world, make_request, source):
    item = make_request(
        source=source,
        created_by=world.users.grid_worker,
        address="光明路99号楼下",
        description="某某家门口垃圾",
    )
    listing = client.get(f"{OPEN311}/requests.json").content.decode()
    assert item.code not in listing and "光明路99号" not in listing
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "光明路99号" not in page and "某某家门口" not in page


PERSONAL = "我的电话 138 1234 5678，身份证 44031119900101123X，座机0755-26881234"


def test_phone_and_id_numbers_in_free_text_are_masked_in_every_public_output(
    client, world, make_request
):
    item = make_request(
        source=Request.Source.RESIDENT_FORM,
        description=PERSONAL,
        address="3栋楼下 联系13912345678",
    )
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item,
        action="reply",
        by=world.users.grid_head,
        note="已回电 138-1234-5678",
        public=True,
    )
    shown = everything_public(client, item)
    assert item.code in shown  # listed: a resident sent it
    for number in ("1234 5678", "13912345678", "44031119900101123X", "26881234", "1234-5678"):
        assert number not in shown, number
    assert "138 **** 5678" in shown and "440311********123X" in shown
    assert "139****5678" in shown and "0755-****1234" in shown


def test_a_residents_point_is_published_coarsely(client, world, make_request):
    item = make_request(source=Request.Source.RESIDENT_FORM, location=(113.8234567, 22.7512345))
    row = json.loads(client.get(f"{OPEN311}/requests/{item.code}.json").content)[0]
    assert (row["lat"], row["long"]) == (22.751, 113.823)
    xml = ET.fromstring(client.get(f"{OPEN311}/requests/{item.code}.xml").content)
    assert xml.findtext("request/lat") == "22.751"


def test_the_nearby_offer_shows_no_other_residents_words_or_code(client, world, categories):
    centre = world.grids["A1a"].boundary.centroid
    data = {
        "category": categories["E0103"].pk,
        "description": "王阿姨家门口 13812345678 垃圾很多",
        "lat": centre.y,
        "lon": centre.x,
    }
    client.post(reverse("requests_desk:new"), data, REMOTE_ADDR="10.3.0.1")
    first = Request.objects.get()
    stranger = type(client)(raise_request_exception=False)
    page = stranger.post(
        reverse("requests_desk:new"),
        {**data, "description": "这里也有垃圾", "lat": centre.y + 0.0002},
        REMOTE_ADDR="10.3.0.2",
    ).content.decode()
    assert "+1" in page
    for secret in (first.code, "王阿姨", "13812345678", "5678", f"{centre.y:.6f}"):
        assert secret not in page, secret


def test_the_duplicate_refusal_is_no_oracle_for_a_phone_number(client, world, categories):
    centre = world.grids["A1a"].boundary.centroid
    data = {
        "category": categories["E0103"].pk,
        "description": "楼下垃圾没人清理",
        "lat": centre.y,
        "lon": centre.x,
        "reporter_phone": "13712345678",
        "consent": "on",
        "confirm_new": "on",
    }
    client.post(reverse("requests_desk:new"), data, REMOTE_ADDR="10.4.0.1")
    victim = Request.objects.get()
    attacker = type(client)(raise_request_exception=False)
    page = attacker.post(reverse("requests_desk:new"), data, REMOTE_ADDR="10.4.0.2")
    assert victim.code not in page.content.decode()
    assert Request.objects.count() == 1


@pytest.mark.parametrize("opted_in", [False, True])
def test_public_outputs_name_a_unit_and_role_not_the_staff_member(
    client, world, make_request, settings, opted_in
):
    settings.REDGRID_PUBLIC_STAFF_NAMES = opted_in
    worker = world.users.grid_worker
    type(worker).objects.filter(pk=worker.pk).update(last_name="赵", first_name="网格")
    worker.refresh_from_db()
    item = make_request(source=Request.Source.RESIDENT_FORM)
    bring_to(item, Stage.FILED, world.users.district_admin)
    flow.transition(case=item, action="dispatch", by=world.users.grid_head, target=worker)
    shown = everything_public(client, item)
    row = json.loads(client.get(f"{OPEN311}/requests/{item.code}.json").content)[0]
    worded = f"综合网格员 {worker}" if opted_in else f"综合网格员（{item.grid.name}）"
    assert row["agency_responsible"] == worded
    assert ("赵网格" in shown) == opted_in and ("worker_a1a" in shown) is False
    grid_map = client.get("/api/v1/grids/").content.decode()
    assert ("测head_a1a" in grid_map) == opted_in
