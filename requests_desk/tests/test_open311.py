"""Open311 GeoReport v2 conformance: every endpoint and error case, in JSON and in XML."""

import datetime
import json
from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import timezone

from requests_desk.models import Open311Client, Request, Stage
from requests_desk.services import open311_client_create, open311_client_revoke

FORMATS = ["json", "xml"]


def parse(response, fmt):
    from requests_desk.tests.test_open311_conformance import conforms_to_some_kind

    conforms_to_some_kind(response)  # the XSD / JSON schemas of the spec
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def assert_error(response, fmt, status):
    assert response.status_code == status
    data = parse(response, fmt)
    if fmt == "json":
        assert isinstance(data, list) and data[0]["code"] == status and data[0]["description"]
    else:
        assert data.tag == "errors"
        error = data.find("error")
        assert error.findtext("code") == str(status) and error.findtext("description")


@pytest.fixture
def api_key(db):
    return open311_client_create(name="市民通 App")[1]


@pytest.fixture
def post_data(world, categories, api_key):
    grid = world.grids["A1a"]
    return {
        "api_key": api_key,
        "service_code": "E0103",
        "lat": grid.boundary.centroid.y,
        "long": grid.boundary.centroid.x,
        "description": "路口垃圾堆积多日",
        "phone": "13800001111",
        "first_name": "明",
        "last_name": "李",
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, db, fmt):
    data = parse(client.get(f"/open311/v2/discovery.{fmt}"), fmt)
    if fmt == "json":
        endpoint = data["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        assert "status_history" in data["key_service"]
    else:
        assert data.tag == "discovery"
        assert data.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")
        assert [f.text for f in data.findall("endpoints/endpoint/formats/format")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_subclasses_grouped_by_top_class(client, categories, fmt):
    data = parse(client.get(f"/open311/v2/services.{fmt}"), fmt)
    if fmt == "json":
        rubbish = next(s for s in data if s["service_code"] == "E0103")
        assert rubbish["service_name"] == "暴露垃圾" and rubbish["group"] == "市容环境"
        assert rubbish["metadata"] is False and rubbish["type"] == "realtime"
        assert next(s for s in data if s["service_code"] == "C0101")["metadata"] is True
        assert len(data) == len(categories)
    else:
        assert data.tag == "services"
        services = {s.findtext("service_code"): s for s in data.findall("service")}
        assert services["E0103"].findtext("group") == "市容环境"
        assert services["C0101"].findtext("metadata") == "true"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_with_attributes(client, categories, fmt):
    data = parse(client.get(f"/open311/v2/services/C0101.{fmt}"), fmt)
    if fmt == "json":
        assert data["service_code"] == "C0101"
        attribute = data["attributes"][0]
        assert attribute["code"] == "cover_state" and attribute["required"] is True
        assert attribute["datatype"] == "singlevaluelist" and attribute["variable"] is True
        assert {"key": "missing", "name": "缺失"} in attribute["values"]
    else:
        assert data.tag == "service_definition"
        attribute = data.find("service_definition/attributes/attribute") or data.find(
            "attributes/attribute"
        )
        assert attribute.findtext("code") == "cover_state"
        assert attribute.find("values/value").findtext("key") == "missing"


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(client, categories, fmt):
    assert_error(client.get(f"/open311/v2/services/NOPE.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_records_the_client_and_is_routed(client, world, post_data, fmt):
    response = client.post(f"/open311/v2/requests.{fmt}", post_data)
    assert response.status_code == 201
    data = parse(response, fmt)
    code = (
        data[0]["service_request_id"]
        if fmt == "json"
        else data.find("request/service_request_id").text
    )
    item = Request.objects.get(code=code)
    assert item.source == Request.Source.OPEN311 and item.open311_client.name == "市民通 App"
    assert item.grid == world.grids["A1a"] and item.reporter_phone == "13800001111"


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_address_string_names_a_community(client, world, post_data, fmt):
    data = {k: v for k, v in post_data.items() if k not in ("lat", "long")}
    response = client.post(
        f"/open311/v2/requests.{fmt}", {**data, "address_string": "B1社区 8 栋旁"}
    )
    assert response.status_code == 201
    assert Request.objects.get().community == world.communities["B1"]
    assert_error(
        client.post(f"/open311/v2/requests.{fmt}", {**data, "address_string": "不知道哪里"}),
        fmt,
        400,
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "change,status",
    [
        ({"api_key": ""}, 403),
        ({"api_key": "wrong"}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "NOPE"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "abc"}, 400),
        ({"lat": 40.0, "long": 116.4}, 400),
    ],
)
def test_post_errors(client, post_data, fmt, change, status):
    assert_error(client.post(f"/open311/v2/requests.{fmt}", {**post_data, **change}), fmt, status)
    assert not Request.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_required_attribute_and_allowed_values(client, post_data, fmt):
    data = {**post_data, "service_code": "C0101"}
    assert_error(client.post(f"/open311/v2/requests.{fmt}", data), fmt, 400)
    assert_error(
        client.post(f"/open311/v2/requests.{fmt}", {**data, "attribute[cover_state]": "stolen"}),
        fmt,
        400,
    )
    response = client.post(
        f"/open311/v2/requests.{fmt}", {**data, "attribute[cover_state]": "missing"}
    )
    assert response.status_code == 201
    assert Request.objects.get().attribute_values == {"cover_state": "missing"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_refused(client, post_data, fmt):
    open311_client_revoke(client=Open311Client.objects.get())
    assert_error(client.post(f"/open311/v2/requests.{fmt}", post_data), fmt, 403)


def _make(world, make_request, **kw):
    return make_request(
        reporter_phone="13912345678", consent=True, source=Request.Source.RESIDENT_FORM, **kw
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_is_an_array_without_personal_data(client, world, make_request, fmt):
    from requests_desk import flow
    from requests_desk.tests.test_flow import bring_to

    item = _make(world, make_request, description="电话13912345678的居民反映垃圾")
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item, action="reply", by=world.users.grid_head, note="已安排清运", public=True
    )
    response = client.get(f"/open311/v2/requests/{item.code}.{fmt}")
    assert b"13912345678" not in response.content
    data = parse(response, fmt)
    if fmt == "json":
        assert isinstance(data, list) and len(data) == 1
        row = data[0]
        assert row["status"] == "open" and row["status_notes"] == "已安排清运"
        assert row["expected_datetime"].endswith("+08:00")
        assert row["requested_datetime"].endswith("+08:00")
        assert row["agency_responsible"] == item.community.name
        assert [h["stage"] for h in row["status_history"]][:2] == ["reported", "accepted"]
    else:
        assert data.tag == "service_requests"
        row = data.find("request")
        assert row.findtext("status") == "open"
        assert row.findtext("expected_datetime").endswith("+08:00")
        assert row.findall("status_history/status_change")


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_unknown_request_is_404(client, db, fmt):
    assert_error(client.get(f"/open311/v2/requests/NOPE123456.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters(client, world, make_request, fmt):
    from requests_desk import flow

    listed = Request.Source.RESIDENT_FORM
    a = make_request(source=listed)
    b = make_request(code="C0201", description="人行道地砖破损", source=listed)
    flow.transition(case=b, action="cancel", by=world.users.grid_head, reason="重复")
    old = make_request(description="很久以前的垃圾问题", source=listed)
    Request.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=120)
    )

    def codes(**params):
        data = parse(client.get(f"/open311/v2/requests.{fmt}", params), fmt)
        if fmt == "json":
            return {r["service_request_id"] for r in data}
        return {r.findtext("service_request_id") for r in data.findall("request")}

    assert codes() == {a.code, b.code}  # default: the last 90 days
    assert codes(status="open") == {a.code}
    assert codes(status="closed") == {b.code}
    assert codes(service_code="C0201") == {b.code}
    assert codes(service_request_id=f"{old.code},{a.code}") == {old.code, a.code}
    start = (timezone.now() - datetime.timedelta(days=130)).isoformat()
    end = (timezone.now() - datetime.timedelta(days=100)).isoformat()
    assert codes(start_date=start, end_date=end) == {old.code}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-01-01T00:00:00+08:00", "end_date": "2025-06-01T00:00:00+08:00"},
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"start_date": "2025-03-01T00:00:00+08:00", "end_date": "2025-02-01T00:00:00+08:00"},
    ],
)
def test_get_requests_errors(client, db, fmt, params):
    assert_error(client.get(f"/open311/v2/requests.{fmt}", params), fmt, 400)


def test_get_requests_limit(client, world, categories, settings):
    from requests_desk.tests.factories import RequestFactory

    settings.REDGRID_REQUESTS_DESK_OPEN311_MAX_RESULTS = 3
    RequestFactory.create_batch(5, grid=world.grids["A1a"], source=Request.Source.OPEN311)
    assert len(json.loads(client.get("/open311/v2/requests.json").content)) == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_lookup(client, post_data, fmt):
    response = client.post("/open311/v2/requests.json", post_data)
    assert "token" not in json.loads(response.content)[0]  # the id, or a token: not both
    token = Request.objects.get().open311_token
    data = parse(client.get(f"/open311/v2/tokens/{token}.{fmt}"), fmt)
    code = Request.objects.get().code
    if fmt == "json":
        assert data == [{"service_request_id": code, "token": token}]
    else:
        assert data.find("request/service_request_id").text == code
    assert_error(client.get(f"/open311/v2/tokens/nope.{fmt}"), fmt, 404)


def test_open311_key_command_prints_the_key_alone_on_its_last_line(db):
    out = StringIO()
    call_command("open311_key", "街道 App", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = Open311Client.objects.get(name="街道 App")
    assert client.key_hash == Open311Client.hash_key(key) and key not in client.key_hash


def test_request_list_reads_a_fixed_number_of_queries_whatever_its_length(
    client, world, make_request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/open311/v2/requests.json")
        assert response.status_code == 200
        return len(captured.captured_queries), len(json.loads(response.content))

    listed = Request.Source.RESIDENT_FORM
    make_request(grid="A1a", source=listed)
    make_request(grid="B2b", code="E0103", description="另一处暴露垃圾", source=listed)
    small = count()
    for grid in ("A1b", "A2a", "B1a", "B1b"):
        make_request(grid=grid, description=f"{grid} 网格里的暴露垃圾", source=listed)
    large = count()
    assert (small[1], large[1]) == (2, 6)
    # The answer cache's change mark, the requests, their public timelines.
    assert small[0] == large[0] == 3
