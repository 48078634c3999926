"""Open311 GeoReport v2 conformance (issue 16): one test per defect found against the spec, each in
JSON and in XML, and every answer — success or error — validated on the way: XML against the XSD
written from the spec's examples (open311/georeport-v2*.xsd), JSON against the JSON schemas
written from its field tables (open311/georeport-v2.schema.json, compared there with the official
ones). The mySociety servicerequestupdates extension and the contact fields are covered too."""

import datetime
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from django.db import connection
from django.utils import timezone
from lxml import etree

from requests_desk import flow
from requests_desk.models import Category, Request, RequestEvent, Stage
from requests_desk.services import open311_client_create
from requests_desk.tests.test_flow import bring_to

BASE = "/open311/v2"
FORMATS = ["json", "xml"]
HERE = Path(__file__).parent / "open311"
JSON_SCHEMA = json.loads((HERE / "georeport-v2.schema.json").read_text())
XSD = {
    name: etree.XMLSchema(etree.parse(str(HERE / f"georeport-v2{suffix}.xsd")))
    for name, suffix in [
        ("main", ""),
        ("requests", "-requests"),
        ("posted", "-posted"),
        ("token", "-token"),
    ]
}


def kind_of(method: str, path: str, status: int) -> str:
    """Which answer the spec expects for this call."""
    if status >= 400:
        return "errors"
    name = path.removeprefix(BASE + "/").rsplit(".", 1)[0]
    if name == "discovery":
        return "discovery"
    if name == "services":
        return "services"
    if name.startswith("services/"):
        return "service_definition"
    if name.startswith("tokens/"):
        return "token"
    if name == "servicerequestupdates":
        return "update_posted" if method == "POST" else "updates"
    if name == "requests" and method == "POST":
        return "posted"
    return "requests"


def conforms(response, method: str, path: str):
    """The parsed answer, after checking it against the schema of its kind."""
    kind = kind_of(method, path, response.status_code)
    if path.endswith(".xml"):
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        document = etree.fromstring(response.content)
        xsd = XSD[{"requests": "requests", "posted": "posted", "token": "token"}.get(kind, "main")]
        assert xsd.validate(document), (kind, xsd.error_log.last_error, response.content[:300])
        return ET.fromstring(response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    validator = jsonschema.Draft7Validator(
        {**JSON_SCHEMA, "$ref": f"#/definitions/{kind}"},
        format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, (kind, errors[:5])
    return data


def conforms_to_some_kind(response) -> None:
    """For other tests that do not track which endpoint answered: the answer validates as at
    least one of the spec's answers (XML against the XSDs, JSON against the JSON schemas)."""
    if response["Content-Type"].startswith("text/xml"):
        document = etree.fromstring(response.content)
        assert any(xsd.validate(document) for xsd in XSD.values()), response.content[:300]
        return
    data = json.loads(response.content)
    kinds = [k for k in JSON_SCHEMA["definitions"] if k not in ("nullableString", "dateTime")]
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    assert any(
        jsonschema.Draft7Validator(
            {**JSON_SCHEMA, "$ref": f"#/definitions/{kind}"}, format_checker=checker
        ).is_valid(data)
        for kind in kinds
    ), response.content[:300]


@pytest.fixture
def o311(client):
    """GET/POST under /open311/v2/, every answer checked against the schemas."""

    class Open311:
        def get(self, path, params=None, **extra):
            response = client.get(f"{BASE}/{path}", params or {}, **extra)
            return response, conforms(response, "GET", f"{BASE}/{path}")

        def post(self, path, data, **extra):
            response = client.post(f"{BASE}/{path}", data, **extra)
            return response, conforms(response, "POST", f"{BASE}/{path}")

    return Open311()


@pytest.fixture
def api_key(db):
    return open311_client_create(name="市民通 App")[1]


@pytest.fixture
def post_data(world, categories, api_key):
    centre = world.grids["A1a"].boundary.centroid
    return {
        "api_key": api_key,
        "service_code": "E0103",
        "lat": centre.y,
        "long": centre.x,
        "description": "路口垃圾堆积多日",
        "email": "li@example.org",
    }


def ids(data, fmt) -> list[str]:
    if fmt == "json":
        return [row["service_request_id"] for row in data]
    return [row.findtext("service_request_id") for row in data.findall("request")]


def field(data, fmt, name, index=0):
    if fmt == "json":
        return data[index].get(name)
    return data.findall("request")[index].findtext(name)


# --- Every endpoint, every answer ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_endpoint_answers_in_the_spec_format(o311, world, post_data, fmt):
    o311.get(f"discovery.{fmt}")
    o311.get(f"services.{fmt}")
    o311.get(f"services/C0101.{fmt}")
    o311.get(f"services/E0103.{fmt}")
    response, data = o311.post(f"requests.{fmt}", post_data)
    assert response.status_code == 201
    code = ids(data, fmt)[0]
    item = Request.objects.get(code=code)
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(case=item, action="reply", by=world.users.grid_head, note="已安排", public=True)
    o311.get(f"requests.{fmt}")
    o311.get(f"requests/{code}.{fmt}")
    o311.get(f"tokens/{item.open311_token}.{fmt}")
    o311.get(f"servicerequestupdates.{fmt}")
    for path in (f"services/NOPE.{fmt}", f"requests/NOPE.{fmt}", f"tokens/nope.{fmt}"):
        assert o311.get(path)[0].status_code == 404


# --- The ten defects -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_1_the_service_definition_is_not_wrapped_twice(o311, categories, fmt):
    _response, data = o311.get(f"services/C0101.{fmt}")
    if fmt == "json":
        assert data["service_code"] == "C0101" and data["attributes"][0]["code"] == "cover_state"
    else:
        assert data.tag == "service_definition" and data.find("service_definition") is None
        assert data.findtext("service_code") == "C0101"
        assert data.findtext("attributes/attribute/code") == "cover_state"


@pytest.mark.parametrize("fmt", FORMATS)
def test_2_different_residents_are_not_duplicates(o311, world, post_data, fmt):
    elsewhere = world.grids["B2b"].boundary.centroid
    first, _ = o311.post(f"requests.{fmt}", post_data)
    second, _ = o311.post(
        f"requests.{fmt}",
        {**post_data, "email": "wang@example.org", "lat": elsewhere.y, "long": elsewhere.x},
    )
    # Another client on the same host, for a third person.
    _other, other_key = open311_client_create(name="街道 App")
    third, _ = o311.post(
        f"requests.{fmt}", {**post_data, "api_key": other_key, "email": "zhao@example.org"}
    )
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 201)
    # The same person at the same place again is a duplicate (400 in the spec's format).
    again, _ = o311.post(f"requests.{fmt}", post_data)
    assert again.status_code == 400 and Request.objects.count() == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_3_description_is_optional_up_to_4000_characters(o311, post_data, fmt):
    without = {k: v for k, v in post_data.items() if k != "description"}
    assert o311.post(f"requests.{fmt}", without)[0].status_code == 201
    long_text = "垃" * 4000
    response, _ = o311.post(
        f"requests.{fmt}", {**post_data, "email": "a@example.org", "description": long_text}
    )
    assert response.status_code == 201
    assert Request.objects.filter(description=long_text).exists()
    too_long, _ = o311.post(
        f"requests.{fmt}", {**post_data, "email": "b@example.org", "description": long_text + "圾"}
    )
    assert too_long.status_code == 400 and Request.objects.count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_4_the_post_answer_holds_the_id_or_a_token_not_both(o311, post_data, fmt):
    response, data = o311.post(f"requests.{fmt}", post_data)
    assert response.status_code == 201
    if fmt == "json":
        assert "service_request_id" in data[0] and "token" not in data[0]
    else:
        assert data.find("request/service_request_id") is not None
        assert data.find("request/token") is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_5_address_id_is_a_location(o311, world, post_data, fmt):
    from grids.tests.factories import KeyPlaceFactory

    place = KeyPlaceFactory(grid=world.grids["B1a"])
    data = {k: v for k, v in post_data.items() if k not in ("lat", "long")}
    response, answer = o311.post(f"requests.{fmt}", {**data, "address_id": str(place.pk)})
    assert response.status_code == 201
    item = Request.objects.get(code=ids(answer, fmt)[0])
    assert item.grid == world.grids["B1a"] and item.address_id == str(place.pk)
    _response, shown = o311.get(f"requests/{item.code}.{fmt}")
    assert field(shown, fmt, "address_id") == str(place.pk)
    refused, _ = o311.post(f"requests.{fmt}", {**data, "address_id": "987654321"})
    assert refused.status_code == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_6_long_values_are_kept_whole_or_refused(o311, post_data, fmt):
    url = "https://img.example.org/" + "p" * (260 - len("https://img.example.org/"))
    response, answer = o311.post(f"requests.{fmt}", {**post_data, "media_url": url})
    assert response.status_code == 201 and len(url) == 260
    _response, shown = o311.get(f"requests/{ids(answer, fmt)[0]}.{fmt}")
    assert field(shown, fmt, "media_url") == url
    too_long = "https://img.example.org/" + "p" * 2000
    refused, _ = o311.post(
        f"requests.{fmt}", {**post_data, "email": "c@example.org", "media_url": too_long}
    )
    assert refused.status_code == 400 and Request.objects.count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_7_empty_optional_fields_are_null_or_left_out(o311, post_data, fmt):
    response, answer = o311.post(f"requests.{fmt}", post_data)
    _response, shown = o311.get(f"requests/{ids(answer, fmt)[0]}.{fmt}")
    if fmt == "json":
        row = shown[0]
        assert row["media_url"] is None and row["zipcode"] is None and row["address"] is None
        assert "" not in row.values()
    else:
        row = shown.find("request")
        assert row.find("media_url") is None and row.find("zipcode") is None
        assert all((child.text or "").strip() or len(child) for child in row)


@pytest.mark.parametrize("fmt", FORMATS)
def test_8_multivaluelist_answers_are_read_with_brackets(o311, post_data, fmt):
    category = Category.objects.get(code="E0103")
    category.attributes = [
        {
            "code": "smell",
            "description": "气味",
            "datatype": "multivaluelist",
            "required": True,
            "values": [{"key": "rotten", "name": "腐臭"}, {"key": "chemical", "name": "化学"}],
        }
    ]
    category.save()
    _response, definition = o311.get(f"services/E0103.{fmt}")
    response, answer = o311.post(
        f"requests.{fmt}", {**post_data, "attribute[smell][]": ["rotten", "chemical"]}
    )
    assert response.status_code == 201
    item = Request.objects.get(code=ids(answer, fmt)[0])
    assert item.attribute_values == {"smell": ["rotten", "chemical"]}
    refused, _ = o311.post(
        f"requests.{fmt}", {**post_data, "email": "d@example.org", "attribute[smell][]": "acid"}
    )
    assert refused.status_code == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_9_errors_outside_the_views_are_in_the_spec_format(client, db, fmt):
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)(f"{BASE}/requests.{fmt}")
        assert response.status_code == 405 and "GET" in response["Allow"]
        conforms(response, method.upper(), f"{BASE}/requests.{fmt}")
    for path in ("services.csv", f"nothing.{fmt}", "requests/ABC.html"):
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == 404
        conforms(response, "GET", f"{BASE}/x.{'xml' if path.endswith('.xml') else 'json'}")
    head = client.head(f"{BASE}/services.{fmt}")
    assert head.status_code == 200 and head["Content-Type"].endswith("charset=utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_10_with_only_start_date_the_window_runs_to_now(o311, world, make_request, fmt):
    recent = make_request(source=Request.Source.RESIDENT_FORM)
    older = make_request(source=Request.Source.RESIDENT_FORM, description="早些时候的垃圾问题")
    Request.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    for days in (100, 70, 10):
        start = (timezone.now() - datetime.timedelta(days=days)).isoformat()
        _response, data = o311.get(f"requests.{fmt}", {"start_date": start})
        assert recent.code in ids(data, fmt), days
        assert (older.code in ids(data, fmt)) == (days == 70 or days == 100), days
    response, _ = o311.get(f"requests.{fmt}", {"start_date": "9999-12-31T23:59:59"})
    assert response.status_code == 400


# --- Contact fields ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_contact_fields_are_stored_encrypted_and_never_echoed(o311, post_data, fmt):
    contact = {
        "account_id": "acct-77123",
        "first_name": "小明",
        "last_name": "王",
        "email": "xiaoming@example.org",
        "phone": "13712345678",
    }
    response, answer = o311.post(f"requests.{fmt}", {**post_data, **contact})
    listing, _ = o311.get(f"requests.{fmt}")
    for value in contact.values():
        assert value not in response.content.decode() and value not in listing.content.decode()
    item = Request.objects.get(code=ids(answer, fmt)[0])
    assert (item.reporter_account_id, item.reporter_name) == ("acct-77123", "王 小明")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_account_id, reporter_name, reporter_email, reporter_phone"
            " FROM requests_desk_request WHERE id = %s",
            [item.pk],
        )
        stored = cursor.fetchone()
    for raw in stored:
        assert raw and not any(value in raw for value in contact.values())


def test_the_admin_never_shows_the_forwarded_account_id(client, world, o311, post_data):
    response, answer = o311.post("requests.json", {**post_data, "account_id": "acct-55667"})
    item = Request.objects.get(code=answer[0]["service_request_id"])
    admin_user = world.users.district_admin
    type(admin_user).objects.filter(pk=admin_user.pk).update(is_staff=True)
    client.force_login(admin_user)
    page = client.get(f"/admin/requests_desk/request/{item.pk}/change/")
    assert page.status_code == 200 and "acct-55667" not in page.content.decode()


# --- Extension: servicerequestupdates ------------------------------------------------------------


@pytest.fixture
def posted(o311, post_data):
    response, answer = o311.post("requests.json", post_data)
    return Request.objects.get(code=answer[0]["service_request_id"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list_the_public_status_changes_since_a_date(o311, world, posted, fmt):
    since = timezone.now() - datetime.timedelta(minutes=1)
    bring_to(posted, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=posted,
        action="reply",
        by=world.users.grid_head,
        note="电话 13812345678",
        public=True,
    )
    _response, data = o311.get(f"servicerequestupdates.{fmt}", {"start_date": since.isoformat()})
    if fmt == "json":
        rows = [row for row in data if row["service_request_id"] == posted.code]
        statuses = [row["status"] for row in rows]
        notes = " ".join(row["description"] or "" for row in rows)
    else:
        rows = [
            r
            for r in data.findall("request_update")
            if r.findtext("service_request_id") == posted.code
        ]
        statuses = [r.findtext("status") for r in rows]
        notes = " ".join(r.findtext("description") or "" for r in rows)
    assert "ACTION_SCHEDULED" in statuses and "13812345678" not in notes and "138****5678" in notes


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_reporter_posts_a_public_comment(o311, post_data, posted, fmt):
    response, answer = o311.post(
        f"servicerequestupdates.{fmt}",
        {
            "api_key": post_data["api_key"],
            "service_request_id": posted.code,
            "description": "垃圾越堆越多了",
            "email": "li@example.org",
            "updated_datetime": timezone.now().isoformat(),
        },
    )
    assert response.status_code == 201
    event = RequestEvent.objects.get(action="comment")
    assert event.public and event.note == "垃圾越堆越多了" and event.request == posted
    update_id = (
        answer[0]["update_id"] if fmt == "json" else answer.findtext("request_update/update_id")
    )
    assert update_id == str(event.pk)
    _response, shown = o311.get(f"requests/{posted.code}.json")
    assert "垃圾越堆越多了" in [h["note"] for h in shown[0]["status_history"]]


def test_a_reopen_request_is_reviewed_by_staff_in_the_queue(client, o311, world, post_data, posted):
    bring_to(posted, Stage.CLOSED, world.users.district_admin)
    response, _ = o311.post(
        "servicerequestupdates.xml",
        {
            "api_key": post_data["api_key"],
            "service_request_id": posted.code,
            "status": "OPEN",
            "description": "根本没有清理",
            "email": "LI@example.org",
        },
    )
    assert response.status_code == 201
    client.force_login(world.users.grid_head)
    queue = client.get("/requests/queue/", {"stage": "", "reopen": "on"}).content.decode()
    assert posted.code in queue
    api = client.get("/api/v1/requests/", {"reopen": "true"}).json()
    assert [row["code"] for row in api["results"]] == [posted.code]
    flow.transition(case=posted, action="reopen", by=world.users.grid_head, note="重新派遣")
    posted.refresh_from_db()
    assert posted.stage == Stage.DISPATCHED and posted.reopen_requested_at is None
