"""The Open311 request list is built from rows (issue 17), not from public.public_case over model
instances: the answer must stay byte for byte what public_case, serialised as before, gives."""

import datetime

import pytest
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.periods import time_zone
from requests_desk import flow, open311, public
from requests_desk.models import Department, Request, RequestEvent, Stage
from requests_desk.selectors import public_photos
from requests_desk.tests.conftest import jpeg_bytes
from requests_desk.tests.test_flow import bring_to
from requests_desk.texts import DISPATCHED, NEW_DEADLINE, REPORTED
from requests_desk.uploads import photos_save

LISTED = Request.Source.RESIDENT_FORM


def _iso(moment, tz):
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else None


def reference(case: public.PublicCase, tz) -> dict:
    """The serialisation of a public case the Open311 list used before it read rows."""
    return {
        "service_request_id": case.code,
        "status": case.status,
        "status_notes": case.status_notes or None,
        "service_name": case.category_name,
        "service_code": case.category_code,
        "description": case.description,
        "agency_responsible": case.agency or None,
        "service_notice": case.service_notice or None,
        "requested_datetime": _iso(case.created_at, tz),
        "updated_datetime": _iso(case.updated_at, tz),
        "expected_datetime": _iso(case.due_at, tz),
        "address": case.address,
        "address_id": case.address_id,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": case.media_url,
        "status_history": [
            {
                "status": event.status,
                "stage": event.stage,
                "datetime": _iso(event.at, tz),
                "note": event.note or None,
            }
            for event in case.events
        ],
    }


# The relations the list read as model instances before it read rows.
PUBLIC_RELATED = (
    "category__parent",
    "community",
    "street",
    "grid",
    "assignee",
    "department",
    "merged_into",
)


def reference_answer(fmt: str) -> bytes:
    first_photo = public_photos().filter(request=OuterRef("pk")).order_by("created_at", "id")[:1]
    items = (
        Request.objects.filter(public.listed_q())
        .select_related(*PUBLIC_RELATED)
        .annotate(
            public_photo_id=Subquery(first_photo.values("pk")),
            public_photo=Subquery(first_photo.values("image")),
        )
        .order_by("-created_at", "-id")
    )
    rows = []
    for item in items:
        item.public_events = list(item.events.filter(public=True).order_by("created_at", "id"))
        case = public.public_case(item, base="http://testserver")
        rows.append(reference(case, time_zone()))
    response = open311._respond(
        fmt, "service_requests", "request", rows, nested={"status_history": "status_change"}
    )
    return response.content


@pytest.fixture
def varied(world, make_request, settings, tmp_path):
    """Listed requests in every shape the list shows: each dispatch target (a person, a
    department with and without one, the street office, the community), cancelled with a reason,
    merged, without a point, with a client's media_url or a public photo, with system texts of
    several kinds and notes holding phone numbers."""
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = world.users.district_admin
    made = []

    def make(**kwargs):
        kwargs.setdefault("source", LISTED)
        item = make_request(**kwargs)
        made.append(item)
        return item

    plain = make(description="电话13912345678的居民反映垃圾", address="光明大道88号")
    Request.objects.filter(pk=plain.pk).update(address_id="42")
    dispatched = bring_to(make(code="C0201"), Stage.DISPATCHED, admin)
    flow.transition(
        case=dispatched,
        action="reply",
        by=world.users.grid_head,
        note="已安排清运，联系0755-12345678",
        public=True,
    )
    for target, extra in (
        (Request.Target.GRID_WORKER, {"assignee": world.users.grid_worker}),
        (Request.Target.GRID_HEAD, {"assignee": None}),
        (Request.Target.DEPARTMENT, {"department": Department.objects.create(name="城管局")}),
        (Request.Target.DEPARTMENT, {"department": None}),
        (Request.Target.STREET, {}),
        (Request.Target.COMMUNITY, {}),
    ):
        item = make(grid="B2b")
        Request.objects.filter(pk=item.pk).update(target=target, **extra)
    cancelled = make(description="重复")
    flow.transition(case=cancelled, action="cancel", by=admin, reason="与13812345678反映的重复")
    into = bring_to(make(grid="A2a"), Stage.DISPATCHED, admin)
    merged = make(grid="A2a")
    Request.objects.filter(pk=merged.pk).update(
        stage=Stage.MERGED, merged_into=into, due_at=timezone.now()
    )
    nowhere = make(source=Request.Source.OPEN311, media_url="https://example.org/p.jpg")
    Request.objects.filter(pk=nowhere.pk).update(location=None)
    pictured = make(grid="B1a")
    event = RequestEvent.objects.create(
        request=pictured,
        action="reply",
        from_stage=pictured.stage,
        to_stage=pictured.stage,
        note="已处理，附照片",
        public=True,
    )
    photos_save(case=pictured, files=[jpeg_bytes()], event=event)
    texts = make(grid="B1b")
    for message in (
        DISPATCHED.store(target=Request.Target.GRID_HEAD, unit="A1a网格", person="张三"),
        NEW_DEADLINE.store(due=timezone.now().isoformat()),
        REPORTED.store(source="resident_form"),
        {"kind": "requests_desk.removed_kind", "params": {}},
        {},
    ):
        RequestEvent.objects.create(
            request=texts, action="note", to_stage=texts.stage, message=message, public=True
        )
    # Not listed: never in the answer.
    make(source=Request.Source.GRID_PATROL)
    # Distinct creation moments, so that the order is the one the reference reads.
    for offset, item in enumerate(made):
        Request.objects.filter(pk=item.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=offset)
        )
    return made


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("names_public", [False, True])
def test_the_list_is_public_case_serialised(client, varied, settings, fmt, names_public):
    settings.REDGRID_PUBLIC_STAFF_NAMES = names_public
    settings.REDGRID_REQUESTS_DESK_OPEN311_LIST_CACHE_SECONDS = 0
    response = client.get(f"/open311/v2/requests.{fmt}")
    assert response.status_code == 200
    assert response.content.count(b"<service_request_id>" if fmt == "xml" else b'"service_') > 10
    assert response.content == reference_answer(fmt)


def test_one_request_is_public_case_serialised(client, varied):
    item = varied[1]
    response = client.get(f"/open311/v2/requests/{item.code}.json")
    expected = reference_answer("json")
    start = expected.index(f'{{"service_request_id": "{item.code}"'.encode())
    end = expected.find(b', {"service_request_id"', start)
    assert response.content == b"[" + expected[start : end if end > 0 else -1] + b"]"


@pytest.mark.parametrize("in_sql", [True, False])
@pytest.mark.parametrize("zone", ["America/St_Johns", "Asia/Kolkata"])
def test_moments_are_written_as_python_writes_them_in_any_zone(
    client, varied, settings, monkeypatch, zone, in_sql
):
    """PostgreSQL writes the answer's moments (negative and half-hour offsets too); another
    database's are written by Python."""
    monkeypatch.setattr(open311, "_iso_in_sql", lambda: in_sql)
    settings.TIME_ZONE = zone
    settings.REDGRID_REQUESTS_DESK_OPEN311_LIST_CACHE_SECONDS = 0
    response = client.get("/open311/v2/requests.json")
    assert (
        b"-03:30" in response.content
        or b"-02:30" in response.content
        or b"+05:30" in response.content
    )
    assert response.content == reference_answer("json")
