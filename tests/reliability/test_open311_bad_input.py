"""Open311 GeoReport v2 under bad input: every answer is a spec error (400/403/404/405) with the
spec's error body ([{"code", "description"}] in JSON, <errors><error> in XML), never a 5xx, and a
refused POST saves nothing. Cases are looped inside a few tests (one `world` each) to stay fast;
the problems found are compared with known_defects.OPEN311."""

import json
from xml.etree import ElementTree as ET

import pytest

from requests_desk.models import Request
from requests_desk.tests.test_open311_conformance import conforms_to_some_kind
from tests.reliability import payloads
from tests.reliability.known_defects import OPEN311

BASE = "/open311/v2"


def label(value: str) -> str:
    if value == payloads.HUGE:
        return "HUGE"
    return value.replace("\x00", " NUL ").replace("  ", " ").strip() or repr(value)


def spec_error(response, status) -> str | None:
    """None when `response` is the spec's error answer with `status`, else what is wrong."""
    if response.status_code != status:
        return f"status {response.status_code}, expected {status}"
    try:
        conforms_to_some_kind(response)  # the spec's error answer, per its XSD / JSON schema
    except AssertionError as exc:
        return f"not the spec's error format: {exc}"
    try:
        if response["Content-Type"].startswith("text/xml"):
            error = ET.fromstring(response.content).find("error")
            ok = (
                error is not None
                and error.findtext("code") == str(status)
                and bool(error.findtext("description"))
            )
        else:
            body = json.loads(response.content)
            ok = (
                isinstance(body, list)
                and body
                and set(body[0]) == {"code", "description"}
                and body[0]["code"] == status
                and bool(body[0]["description"])
            )
    except (ValueError, ET.ParseError) as exc:
        return f"body is not the spec's error format: {exc}"
    return None if ok else f"error body is not [{{code, description}}]: {response.content[:120]}"


@pytest.fixture
def post(client, open311_key, categories, world):
    centre = world.grids["A1a"].boundary.centroid

    def send(fmt="json", **overrides):
        data = {
            "api_key": open311_key,
            "service_code": "E0103",
            "lat": str(centre.y),
            "long": str(centre.x),
            "description": "小区门口垃圾堆放多日无人清理",
        }
        data.update(overrides)
        data = {k: v for k, v in data.items() if v is not None}
        return client.post(f"{BASE}/requests.{fmt}", data, REMOTE_ADDR="10.9.9.9")

    return send


def test_a_well_formed_post_is_accepted_so_the_refusals_are_about_the_input(post):
    assert post().status_code == 201
    assert Request.objects.count() == 1


BAD_POSTS = [
    ({"api_key": None}, 403),
    ({"api_key": "not-a-key"}, 403),
    ({"api_key": payloads.HUGE}, 403),
    ({"service_code": None}, 400),
    ({"service_code": "NOPE"}, 404),
    ({"service_code": "E01"}, 404),  # a top class is not a service
    ({"lat": "abc"}, 400),
    ({"lat": "91", "long": "113.9"}, 400),
    ({"lat": "22.7", "long": "-181"}, 400),
    ({"lat": "NaN", "long": "NaN"}, 400),
    ({"lat": "1e309", "long": "1e309"}, 400),
    ({"lat": "22.75", "long": ""}, 400),
    ({"lat": "0", "long": "0"}, 400),  # outside the district
    ({"lat": None, "long": None}, 400),  # no location at all
    ({"lat": None, "long": None, "address_string": "火星基地"}, 400),  # not a community
    # GeoReport: description is optional, up to 4,000 characters ("" and "短" are accepted).
    ({"description": payloads.HUGE}, 400),
    ({"lat": "22.75", "long": None}, 400),  # lat without long
    ({"lat": None, "long": None, "address_id": "999999999"}, 400),  # no such place
    ({"lat": None, "long": None, "address_id": "99999999999999999999999"}, 400),
    ({"media_url": "javascript:alert(1)"}, 400),
    ({"media_url": "https://example.org/" + "a" * 2000}, 400),  # over 2,000: refused, not cut
    ({"phone": "13900000000", "email": "not-an-email"}, 400),
    ({"phone": "13900000001", "email": payloads.HUGE}, 400),
]


def test_bad_posts_get_a_spec_error_in_json_and_xml_and_save_nothing(post):
    found = {}
    for overrides, status in BAD_POSTS:
        field, value = [(k, v) for k, v in overrides.items() if k != "phone"][-1]
        for fmt in ("json", "xml"):
            before = Request.objects.count()
            response = post(fmt=fmt, **overrides)
            problem = spec_error(response, status)
            if Request.objects.count() != before:
                problem = (problem or "") + " and a request was saved"
            Request.objects.all().delete()
            if problem:
                key = f"post {field}={label(value or '')}"
                key += " accepted (201)" if response.status_code == 201 else f": {problem}"
                found[key] = problem
    known = {k for k in OPEN311 if k.endswith("accepted (201)")}
    assert set(found) - known == set(), f"new problems: {set(found) - known}"
    assert known - set(found) == set(), f"fixed (update known_defects): {known - set(found)}"


def _post_problems(post, fields):
    found = {}
    for field in fields:
        for value in payloads.STRINGS:
            before = Request.objects.count()
            response = post(**{field: value})
            key = f"post {field}={label(value)}"
            if response.status_code >= 500:
                found[f"{key} → {response.status_code}"] = "server error"
            elif response.status_code != 201:
                problem = spec_error(response, response.status_code)
                if problem or Request.objects.count() != before:
                    found[key] = problem or "refused but saved"
            Request.objects.all().delete()
    return found


def test_hostile_strings_in_post_fields_never_cause_a_server_error(post):
    # lat/long get their own cases in BAD_POSTS.
    found = _post_problems(
        post, ["description", "address_string", "first_name", "phone", "media_url", "service_code"]
    )
    known = {k for k in OPEN311 if k.startswith("post ") and "→" in k}
    assert set(found) - known == set(), f"new problems: {set(found) - known}"
    assert known - set(found) == set(), f"fixed (update known_defects): {known - set(found)}"


def test_bad_request_queries_get_400(client, make_request):
    make_request()
    found = {}
    for query in [
        "start_date=yesterday",
        "end_date=2026-13-01T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2025-01-01T00:00:00Z",
        "start_date=2020-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "status=pending",
        "status=open,closed,other",
    ]:
        response = client.get(f"{BASE}/requests.json?{query}")
        if response.status_code >= 500:
            found[f"get {query} → {response.status_code}"] = "server error"
        elif spec_error(response, 400):
            found[f"get {query}"] = spec_error(response, 400)
    known = {k for k in OPEN311 if k.startswith("get end_date=2026-13")}
    assert set(found) == known, found


def test_hostile_query_values_never_cause_a_server_error(client, make_request):
    make_request()
    found = {}
    for param in ["service_request_id", "service_code", "status", "start_date", "end_date"]:
        for value in payloads.STRINGS:
            response = client.get(f"{BASE}/requests.json", {param: value})
            key = f"get {param}={label(value)}"
            if response.status_code >= 500:
                found[f"{key} → {response.status_code}"] = "server error"
            elif response.status_code == 400:
                problem = spec_error(response, 400)
                if problem:
                    found[key] = problem
            elif response.status_code != 200 or not isinstance(json.loads(response.content), list):
                found[key] = f"status {response.status_code}"
    known = {k for k in OPEN311 if k.startswith("get ") and not k.startswith("get end_date=2026")}
    assert set(found) - known == set(), f"new problems: {set(found) - known}"
    assert known - set(found) == set(), f"fixed (update known_defects): {known - set(found)}"


def test_a_duplicate_post_is_refused_with_400_and_the_first_request_kept(post):
    assert post(phone="13800000000").status_code == 201
    response = post(phone="13800000000")
    assert spec_error(response, 400) is None
    assert Request.objects.count() == 1
    # The refusal names no tracking code (it would tell whoever types a phone number what that
    # number reported).
    assert Request.objects.get().code not in response.content.decode()


def test_unknown_objects_formats_and_methods(client, categories):
    for path in [
        "requests/NOSUCHCODE.json",
        "requests/NOSUCHCODE.xml",
        "services/NOPE.json",
        "tokens/nope.json",
    ]:
        assert spec_error(client.get(f"{BASE}/{path}"), 404) is None, path
    for path in ["requests.html", "requests.json/", "requests", "services.csv", "nothing.xml"]:
        assert spec_error(client.get(f"{BASE}/{path}"), 404) is None, path
    for method in ("put", "patch", "delete"):
        for fmt in ("json", "xml"):
            response = getattr(client, method)(f"{BASE}/requests.{fmt}")
            assert spec_error(response, 405) is None, (method, fmt)


def test_a_json_body_instead_of_a_form_is_refused_cleanly(client, open311_key, categories):
    response = client.post(
        f"{BASE}/requests.json",
        data=json.dumps({"api_key": open311_key}),
        content_type="application/json",
    )
    assert spec_error(response, 403) is None
    assert Request.objects.count() == 0


def test_answers_never_carry_personal_data(client, post):
    assert (
        post(
            phone="13712345678",
            email="resident@example.cn",
            first_name="小明",
            last_name="王",
            description="电话13712345678 楼下垃圾",
        ).status_code
        == 201
    )
    listing = client.get(f"{BASE}/requests.json").content.decode()
    for secret in ("13712345678", "resident@example.cn", "王小明"):
        assert secret not in listing
