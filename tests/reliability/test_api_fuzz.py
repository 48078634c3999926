"""Hand-picked hostile input for the REST API (/api/v1/), driven by the OpenAPI schema served at
/api/schema/. It complements test_api_schemathesis.py, which draws schema-shaped requests
(positive and negative) and checks every answer against the schema: this file sends what
schemathesis does not generate — for every query and path parameter, values malformed for its
declared type (huge strings, NUL bytes, unicode mixes, overflowing numbers, script-bearing text);
for every request body, text that is not JSON, `null`, lists, 500-deep nesting and every
property with six wrong-typed values; NUL characters hidden in a cookie or a header; and anonymous
calls to every operation, which must all be refused. Every answer must be below 500, and DRF's
error answers must be JSON. Problems are compared with known_defects.API (a new problem fails,
so does a listed one that no longer occurs)."""

import json
import urllib.parse

import pytest
from django.core.cache import cache

from tests.reliability import payloads
from tests.reliability.known_defects import API

BOOLEAN_BAD = ["maybe", "2", "", "\x00", "真"]
# A subset of payloads.STRINGS per parameter keeps the whole file within ~20 s.
QUERY_STRINGS = [
    "",
    "\x00",
    "a\x00b",
    payloads.HUGE,
    "☃️🚧 路灯 \u202e\u200b",
    "Ã©",
    payloads.SCRIPT,
    "' OR 1=1 --",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "[]",
    "2026-02-30",
]
NUMBER_STRINGS = [
    "-1",
    "2147483648",
    "-9223372036854775809",
    "1e400",
    "NaN",
    "abc",
    "",
    "\x00",
    "１２３",
]
BODY_VALUES = [None, 10**30, "", "x" * 5000, "\x00", []]


def load_schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:200]
    return json.loads(response.content)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def bad_values(param_schema: dict) -> list[str]:
    kind = param_schema.get("type", "string")
    if kind in ("integer", "number"):
        return NUMBER_STRINGS
    if kind == "boolean":
        return BOOLEAN_BAD
    return QUERY_STRINGS


def fill_path(path: str, values: dict) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
    return path


def resolve(schema: dict, node):
    if isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return resolve(schema, schema["components"]["schemas"][name])
    return node


def body_cases(schema: dict, operation: dict) -> list[tuple[str, str]]:
    """(label, raw JSON text) of malformed bodies for the operation's request body."""
    content = operation.get("requestBody", {}).get("content", {})
    body_schema = resolve(schema, content.get("application/json", {}).get("schema", {}))
    cases = [
        ("not JSON", "{"),
        ("JSON null", "null"),
        ("JSON list", "[1, 2]"),
        ("JSON string", '"x"'),
        ("NUL in JSON", '{"a": "\\u0000"}'),
        ("deeply nested", "[" * 500 + "]" * 500),
    ]
    properties = (body_schema or {}).get("properties", {})
    for name in properties:
        for value in BODY_VALUES:
            cases.append((f"{name}={json.dumps(value)[:30]}", json.dumps({name: value})))
    if properties:
        cases.append(("all properties wrong", json.dumps({n: [None] for n in properties})))
    return cases


def valid_path_values(path: str, ids: dict) -> dict:
    names = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
    return {name: ids.get(name, 1) for name in names}


@pytest.fixture
def admin_client(client, world, make_request):
    """Logged in as the district admin, with a few objects to point at."""
    make_request(grid="A1a")
    make_request(grid="B2b", code="C0102")
    client.force_login(world.users.district_admin)
    return client


def call(client, method: str, path: str, *, query=None, body=None):
    if method == "get":
        return client.get(path, query or {})
    return getattr(client, method)(
        path, data=body if body is not None else "{}", content_type="application/json"
    )


def check(response, found: dict, key: str):
    if response.status_code >= 500:
        found[f"{key} → {response.status_code}"] = "server error"
    elif (
        400 <= response.status_code < 500
        and response.status_code != 404
        and not response.get("Content-Type", "").startswith("application/json")
    ):
        found[f"{key} → non-JSON {response.status_code}"] = response.get("Content-Type")


def compare(found: dict, prefix: str):
    known = {k for k in API if k.startswith(prefix)}
    new = {k: v for k, v in found.items() if k not in known}
    assert not new, f"new problems: {json.dumps(new, ensure_ascii=False, indent=1)[:3000]}"
    fixed = known - set(found)
    assert not fixed, f"fixed since (remove from known_defects.API): {fixed}"


def test_the_schema_lists_the_api_and_is_served_to_clients(admin_client):
    schema = load_schema(admin_client)
    paths = list(schema["paths"])
    assert len(paths) >= 10 and all(p.startswith("/api/v1/") for p in paths)


def test_malformed_query_and_path_parameters_never_cause_a_server_error(admin_client):
    schema = load_schema(admin_client)
    found, sent = {}, 0
    for path, method, operation in operations(schema):
        if method != "get":
            continue
        base_path = fill_path(path, valid_path_values(path, {}))
        for parameter in operation.get("parameters", []):
            values = bad_values(parameter.get("schema", {}))
            for value in values:
                if sent % 50 == 0:
                    cache.clear()  # keep the throttles out of the way: every case reaches a view
                if parameter["in"] == "query":
                    response = call(
                        admin_client, "get", base_path, query={parameter["name"]: value}
                    )
                elif parameter["in"] == "path":
                    response = call(
                        admin_client,
                        "get",
                        fill_path(path, {**valid_path_values(path, {}), parameter["name"]: value}),
                    )
                else:
                    continue
                sent += 1
                label = value if len(value) < 30 else f"{value[:10]}…({len(value)})"
                check(response, found, f"GET {path} {parameter['name']}={label!r}")
    assert sent > 200
    compare(found, "GET ")


def test_malformed_request_bodies_never_cause_a_server_error(admin_client):
    schema = load_schema(admin_client)
    found, sent = {}, 0
    for path, method, operation in operations(schema):
        if method == "get":
            continue
        target = fill_path(path, valid_path_values(path, {"action_name": "accept"}))
        for label, raw in body_cases(schema, operation):
            if sent % 50 == 0:
                cache.clear()
            response = call(admin_client, method, target, body=raw)
            sent += 1
            check(response, found, f"{method.upper()} {path} {label}")
    assert sent > 50
    compare(found, ("POST ", "PUT ", "PATCH ", "DELETE "))


def test_anonymous_callers_get_a_json_refusal_everywhere(client, world):
    schema = (
        load_schema(client)
        if client.get("/api/schema/", {"format": "json"}).status_code == 200
        else None
    )
    if schema is None:
        client.force_login(world.users.district_admin)
        schema = load_schema(client)
        client.logout()
    found = {}
    for path, method, _operation in operations(schema):
        target = fill_path(path, valid_path_values(path, {"action_name": "accept"}))
        response = call(client, method, target)
        if response.status_code >= 500 or (response.status_code < 400 and method != "get"):
            found[f"anonymous {method.upper()} {path} → {response.status_code}"] = "not refused"
        elif response.status_code in (401, 403) and not response["Content-Type"].startswith(
            "application/json"
        ):
            found[f"anonymous {method.upper()} {path} → non-JSON"] = response["Content-Type"]
    compare(found, "anonymous ")


def test_a_nul_hidden_in_a_cookie_or_a_header_is_not_a_server_error(admin_client):
    """A raw NUL never passes the HTTP server, but a quoted cookie may carry one as an octal
    escape that Django decodes; the session lookup then used to fail in the database (500) on
    every page. Such a cookie is ignored; a NUL in another header is refused with 400."""
    from django.test import Client

    anonymous = Client(raise_request_exception=False)
    for path in ("/api/v1/grids/", "/api/v1/requests/", "/requests/new/", "/"):
        response = anonymous.get(
            path, HTTP_COOKIE='sessionid="\\000abcdefghijkl"; csrftoken="\\000"'
        )
        assert response.status_code < 500, (path, response.status_code)
    # The staff member's own session still works beside a poisoned cookie.
    session = admin_client.cookies["sessionid"].value
    response = admin_client.get(
        "/api/v1/requests/", HTTP_COOKIE=f'sessionid={session}; poisoned="\\000"'
    )
    assert response.status_code == 200
    response = admin_client.get("/api/v1/requests/", HTTP_AUTHORIZATION="Token \x00abc")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
