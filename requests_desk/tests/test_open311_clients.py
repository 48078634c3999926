"""A third-party Open311 client against the live test server, in JSON and in XML: `georeport`
(PyPI, "Python wrapper for the Open311 GeoReport v2 API"; requests + xmltodict). It reads the
service list, a service definition with its attributes, the requests and a single request — the
calls an Open311 client makes — exactly as it would against a city's endpoint. It has no POST
call, so the request it reads is posted over HTTP by the test, as another client would."""

import pytest
import requests
from georeport import GeoReport

from requests_desk import flow
from requests_desk.models import Request, Stage
from requests_desk.services import open311_client_create
from requests_desk.tests.test_flow import bring_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def server(live_server, world, categories):
    """The live server with one listed request that has a public reply."""
    _client, key = open311_client_create(name="第三方客户端")
    centre = world.grids["A1a"].boundary.centroid
    answer = requests.post(
        f"{live_server.url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "C0101",
            "lat": centre.y,
            "long": centre.x,
            "description": "井盖不见了，很危险",
            "attribute[cover_state]": "missing",
            "email": "resident@example.org",
        },
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    item = Request.objects.get(code=answer.json()[0]["service_request_id"])
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item, action="reply", by=world.users.grid_head, note="已设置警示", public=True
    )
    return live_server.url + "/open311/v2", item


def as_list(value):
    """xmltodict gives one child as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(server, fmt):
    root, item = server
    client = GeoReport(root, output_format=fmt)

    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["C0101"]["service_name"] == "井盖破损或缺失"
    assert str(by_code["C0101"]["metadata"]).lower() == "true"
    assert by_code["C0101"]["group"] == "公用设施"

    definition = client.get_service_definition("C0101")
    assert definition["service_code"] == "C0101"
    attributes = definition["attributes"]
    attribute = as_list(attributes if fmt == "json" else attributes["attribute"])[0]
    assert attribute["code"] == "cover_state"
    assert str(attribute["required"]).lower() == "true"
    values = attribute["values"] if fmt == "json" else as_list(attribute["values"]["value"])
    assert {"key": "missing", "name": "缺失"} in [dict(v) for v in values]

    listed = as_list(client.get_service_requests(service_code="C0101", status="open"))
    assert [r["service_request_id"] for r in listed] == [item.code]

    single = client.get_service_request(item.code)
    assert single["service_request_id"] == item.code
    assert single["status"] == "open" and single["status_notes"] == "已设置警示"
    assert single["service_code"] == "C0101" and single["description"] == "井盖不见了，很危险"
    assert "resident@example.org" not in str(single)


def test_georeport_sees_an_unknown_request_as_an_http_error(server):
    root, _item = server
    with pytest.raises(requests.HTTPError) as raised:
        GeoReport(root).get_service_request("NOSUCHCODE")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
