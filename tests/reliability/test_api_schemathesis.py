"""schemathesis over the REST API (/api/v1/), in process.

The OpenAPI schema is the one drf-spectacular generates (and serves at /api/schema/: the first
test proves they are the same). For every operation, Hypothesis draws requests from the schema —
valid ones (positive) and ones that break it (negative: wrong types, missing required fields,
values outside their limits, unknown properties) — with the path parameters pointing at a real
object half of the time, and sends each through the WSGI application twice: as the district
admin (token authentication) and with no valid credentials. Every answer goes through all of
schemathesis' checks (schemathesis.checks.ALL_CHECKS):

* not_a_server_error — no 5xx;
* status_code_conformance — the status code is one the operation documents;
* content_type_conformance — the Content-Type is the one documented for that status;
* response_headers_conformance — documented response headers are there and well-formed;
* response_schema_conformance — the body validates against the documented response schema;
* negative_data_rejection — a request that breaks the schema is refused (4xx). Judged on what
  was actually sent: a negative draw can lose its negation on the way (an object or an empty
  list in a query string is exploded or dropped, the JSON string "8" is the integer 8 in a path,
  and the staff call replaces the drawn credentials with a real token), so those are not held
  against the API (`_really_negative`);
* ignored_auth — an operation that declares credentials answers 401 without them and with
  invalid ones (public reads declare none).

A path that no route matches (e.g. a non-numeric id where the route takes `<int:pk>`) never
reaches the API; Django answers its plain 404 page, and for those only "404, not 5xx" is checked.

The budget is fixed and deterministic (derandomize=True, no example database, no shrinking): the
same requests every run. Failures are collected per operation and raised after all examples ran,
as one exception whose class names the worst kind of problem seen; an operation with a known,
reported defect is marked xfail(strict=True, raises=<those kinds>), so any other kind of problem
on it (a 5xx above all) still fails it, and the mark has to go once the defect is fixed.
"""

import datetime
import json
import math
import re
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import pytest
import schemathesis
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import DataGenerationMethod
from schemathesis.checks import not_a_server_error
from schemathesis.internal.checks import CheckContext
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from redgrid.wsgi import application

# Examples per operation; each is sent twice (staff, anonymous). 61 operations × 12 × 2 ≈ 1,500
# requests: about 40 s on the shared 2-core machine.
MAX_EXAMPLES = 10


def generated_schema() -> dict:
    """drf-spectacular's schema of /api/v1/, rendered as /api/schema/?format=json renders it
    (generated here, at collection time, without a request or the database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw, renderer_context={}))


RAW_SCHEMA = generated_schema()
SCHEMA = schemathesis.from_dict(RAW_SCHEMA, app=application)
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, methods in RAW_SCHEMA["paths"].items()
    for method in methods
    if method in ("get", "post", "put", "patch", "delete")
]


class ServerError(AssertionError):
    """A 5xx answer."""


class ResponseViolatesSchema(AssertionError):
    """The body of a documented answer does not match its schema."""


class UndocumentedContentType(AssertionError):
    """The Content-Type is not the one documented for that status."""


class UndocumentedStatus(AssertionError):
    """A status code the operation does not document."""


class AcceptedInvalidInput(AssertionError):
    """A request that breaks the schema was answered 2xx."""


class AuthNotEnforced(AssertionError):
    """An operation that requires credentials answered 2xx without them."""


class HeadersViolateSchema(AssertionError):
    """A documented response header is missing or malformed."""


CHECKS = [
    (not_a_server_error, ServerError),
    (negative_data_rejection, AcceptedInvalidInput),
    (ignored_auth, AuthNotEnforced),
    (response_headers_conformance, HeadersViolateSchema),
    (response_schema_conformance, ResponseViolatesSchema),
    (content_type_conformance, UndocumentedContentType),
    (status_code_conformance, UndocumentedStatus),
]

# Defects in apps this suite does not own, reported to their owners (docs/reliability.md):
# operation → (the kinds of failure expected, why). A strict xfail: once fixed, remove the line.
# Empty since 2026-11-30, and still empty with all checks since 2026-12-05 (strict pagination
# and query parameters, 401 for missing credentials, typed nullable fields: docs/reliability.md).
KNOWN: dict[str, tuple[tuple[type, ...], str]] = {}


@pytest.fixture
def in_process_wsgi():
    """Calls of the WSGI application inside the test's transaction. A server closes the database
    connection around each request (request_started/finished → close_old_connections); inside a
    test that would close the connection that holds the test's transaction, so — as Django's test
    client does — those handlers are disconnected while the test runs."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _objects_for(path: str, world, make_request) -> dict:
    """Real values for the path parameters of `path`, in the district admin's jurisdiction (made
    only for the resource the operation is about)."""
    from django.contrib.gis.geos import Point

    from care.tests.factories import HouseholdFactory, ResidentFactory, VisitFactory
    from grids.tests.factories import KeyPlaceFactory
    from notifications.services import notification_enqueue
    from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
    from patrols import services as patrols
    from reports.models import ReportRun
    from reports.services import reports_generate
    from service_points.tests.factories import BookingFactory, CentreFactory, RoomFactory
    from volunteers.services import signup_create
    from volunteers.tests.factories import ActivityFactory, RegistrationFactory

    users, grid = world.users, world.grids["A1a"]
    resource = path.removeprefix("/api/v1/").split("/{")[0]

    def patrol():
        place = KeyPlaceFactory(grid=grid)
        started = patrols.patrol_start(worker=users.grid_worker)
        return started, place

    def room():
        return RoomFactory(position=CentreFactory(community=world.communities["A1"]))

    def branch():
        return PartyBranchFactory(grid=grid)

    def member():
        return PartyMemberFactory(branch=branch())

    def check_in():
        started, place = patrol()
        return patrols.check_in(
            patrol=started,
            key_place=place,
            lon=place.location.x,
            lat=place.location.y,
            by=users.grid_worker,
        )

    def finding():
        started, place = patrol()
        return patrols.finding_record(
            patrol=started,
            by=users.grid_worker,
            kind="rubbish",
            description="楼道堆放杂物",
            key_place=place,
        )

    def booking():
        starts = datetime.datetime(2030, 1, 7, 10, tzinfo=datetime.UTC)
        return BookingFactory(
            room=room(),
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            booked_by=users.district_admin,
        )

    def report():
        run = ReportRun.objects.create(period=datetime.date(2026, 3, 1))
        return reports_generate(period=run.period, run=run)[0]

    def activity():
        return ActivityFactory(community=world.communities["A1"])

    def signup():
        registered = RegistrationFactory(member=member(), grid=grid)
        return signup_create(activity=activity(), member=registered.member)

    def inbox():
        return notification_enqueue(
            kind="reliability", subject="测试", body="内容", user=users.district_admin
        )[0]

    def household():
        return HouseholdFactory(grid=grid)

    builders = {
        "bookings": booking,
        "rooms": room,
        "positions": lambda: room().position,
        "branches": branch,
        "party-members": member,
        "care/households": household,
        "care/residents": lambda: ResidentFactory(household=household()),
        "care/visits": lambda: VisitFactory(household=household(), visitor=users.grid_worker),
        "patrols/patrols": lambda: patrol()[0],
        "patrols/check-ins": check_in,
        "patrols/findings": finding,
        "reports": report,
        "inbox": inbox,
        "volunteer-activities": activity,
        "volunteer-signups": signup,
        "volunteer-registrations": lambda: RegistrationFactory(member=member(), grid=grid),
        "grids": lambda: grid,
        "request-categories": lambda: None,
        "requests": lambda: make_request(grid="A1a"),
    }
    if "{" not in path:
        return {}
    del Point
    return _path_values(path, resource, builders[resource]())


def _path_values(path: str, resource: str, obj) -> dict:
    """The values of the path's parameters for the object made for it."""
    values = {"id": getattr(obj, "pk", None), "code": getattr(obj, "code", None)}
    if resource == "request-categories":
        values["code"] = "E0103"
    if "{action_name}" in path:
        values["action_name"] = "accept"
    return {name: value for name, value in values.items() if "{" + name + "}" in path}


@pytest.fixture
def api(world, make_request, categories, in_process_wsgi):
    """The staff credentials (the district admin's API token) and a maker of real path values."""
    from knox.models import AuthToken

    _token, token = AuthToken.objects.create(user=world.users.district_admin)
    return {"token": token, "real_values": lambda path: _objects_for(path, world, make_request)}


def _describe(case, response) -> str:
    body = getattr(case, "body", None)
    body = "" if body is None or type(body).__name__ == "NotSet" else body
    return (
        f"{case.method} {case.formatted_path} query={case.query!r:.160} "
        f"body={str(body)[:120]!r} → {response.status_code} "
        f"{response.headers.get('Content-Type', '')} {response.get_data()[:160]!r}"
    )


def _routed(case) -> bool:
    try:
        resolve(case.formatted_path)
    except Resolver404:
        return False
    return True


_INVALID = object()


def _coerce(value: str, schema: dict):
    """A query-string value as the type its schema declares (what a server must parse)."""
    kind = schema.get("type")
    if kind == "integer":
        return int(value) if re.fullmatch(r"[+-]?[0-9]+", value) else _INVALID
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return _INVALID
        return number if math.isfinite(number) else _INVALID
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, _INVALID)
    return value


def _sent_query_is_valid(case, response) -> bool:
    """Whether the query string actually sent satisfies the operation's parameters. A negative
    case can lose its negation on the way: an object or an empty list in a query string is
    exploded or dropped, and unknown parameters are ignored by design."""
    sent = parse_qsl(urlsplit(response.request.url).query, keep_blank_values=True)
    declared = {p.name: p.definition.get("schema", {}) for p in case.operation.query}
    required = {p.name for p in case.operation.query if p.is_required}
    if required - {name for name, _value in sent}:
        return False
    checker = jsonschema.FormatChecker()
    for name, value in sent:
        if name not in declared:
            continue
        coerced = _coerce(value, declared[name])
        validator = jsonschema.Draft4Validator(declared[name], format_checker=checker)
        if coerced is _INVALID or not validator.is_valid(coerced):
            return False
    return True


def _sent_path_is_valid(case) -> bool:
    """Whether the path parameters, as written into the URL, satisfy their schemas (a negative
    draw such as the JSON string "8" for an integer is the valid 8 once in a path)."""
    checker = jsonschema.FormatChecker()
    for parameter in case.operation.path_parameters:
        schema = parameter.definition.get("schema", {})
        value = _coerce(str((case.path_parameters or {}).get(parameter.name, "")), schema)
        validator = jsonschema.Draft4Validator(schema, format_checker=checker)
        if value is _INVALID or not validator.is_valid(value):
            return False
    return True


def _really_negative(case, response, real_path: bool) -> bool:
    """Whether the request sent breaks the schema. The credentials (headers, cookies) do not
    count: the staff call replaces the drawn ones with a real token, and an anonymous call with
    drawn ones must be refused anyway (401, an allowed answer)."""
    meta = getattr(case, "meta", None)
    if meta is None or not case.data_generation_method.is_negative:
        return False
    if meta.body and meta.body.is_negative:
        return True
    if _path_is_negated(case) and not real_path and not _sent_path_is_valid(case):
        return True
    return not _sent_query_is_valid(case, response)


def _check(case, response, found: dict, headers=None) -> None:
    from requests.structures import CaseInsensitiveDict

    check_context = CheckContext(
        override=None,
        auth=None,
        headers=CaseInsensitiveDict(headers) if headers else None,
        transport_kwargs={"headers": headers} if headers else {},
    )
    # ignored_auth puts an invalid credential into the case's headers and cookies: they must be
    # mappings (schemathesis 3.39 fails on None there).
    case.headers = case.headers if case.headers is not None else {}
    case.cookies = case.cookies if case.cookies is not None else {}
    checks = CHECKS if _routed(case) else CHECKS[:1]
    if not _really_negative(case, response, real_path=False):
        checks = [(check, kind) for check, kind in checks if check is not negative_data_rejection]
    if not _routed(case) and response.status_code != 404:
        found[UndocumentedStatus].append(f"unrouted path: {_describe(case, response)}")
    for check, kind in checks:
        try:
            check(check_context, response, case)
        except AssertionError as exc:
            context = getattr(exc, "context", None)
            text = f"{exc} {getattr(context, 'message', '')}"
            detail = " / ".join(line.strip() for line in text.splitlines() if line.strip())
            found[kind].append(f"{check.__name__} ({detail[:300]}): {_describe(case, response)}")


def _path_is_negated(case) -> bool:
    """(Schemathesis marks the path "negative" on operations that have no path parameters.)"""
    meta = getattr(case, "meta", None)
    return bool(
        meta
        and meta.path_parameters
        and meta.path_parameters.is_negative
        and len(case.operation.path_parameters)
    )


def _form_body_is_a_mapping(case) -> bool:
    """Form-encoded and multipart bodies can only carry an object (negative generation may
    draw a list or a number for them, which no client can send as a form)."""
    media = case.media_type or ""
    body = getattr(case, "body", None)
    if media.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return isinstance(body, dict)
    return True


def _operation_params():
    params = []
    for label in OPERATIONS:
        marks = []
        if label in KNOWN:
            kinds, reason = KNOWN[label]
            marks.append(pytest.mark.xfail(strict=True, raises=kinds, reason=reason))
        params.append(pytest.param(label, marks=marks, id=label))
    return params


def test_the_schema_checked_is_the_one_served(client, world):
    """The schema generated here is byte for byte what /api/schema/?format=json serves."""
    client.force_login(world.users.district_admin)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == RAW_SCHEMA
    assert len(OPERATIONS) >= 50


@pytest.mark.parametrize("label", _operation_params())
def test_operation_passes_the_stateless_checks(label, api):
    from django.core.cache import cache

    method, path = label.split(" ", 1)
    operation = SCHEMA[path][method]
    real = api["real_values"](path)
    strategies = [operation.as_strategy(data_generation_method=DataGenerationMethod.positive)]
    inputs = [p for p in operation.iter_parameters() if p.location in ("path", "query")]
    if inputs or operation.body:
        strategies.append(
            operation.as_strategy(data_generation_method=DataGenerationMethod.negative)
        )
    found, statuses = defaultdict(list), Counter()

    # The examples share the test's fixtures (one transaction, one token) on purpose: what one
    # example writes, the next may read, as on a live server — hence function_scoped_fixture is
    # suppressed. too_slow / filter_too_much / data_too_large / large_base_example: schemathesis'
    # strategies for big request bodies trip them without anything being wrong.
    @given(case=st.one_of(strategies).filter(_form_body_is_a_mapping), use_real=st.booleans())
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    def run(case, use_real):
        # Real path values make a case whose negation is in its path a valid one: keep those.
        if use_real and not _path_is_negated(case):
            case.path_parameters = {**(case.path_parameters or {}), **real}
        cache.clear()  # a fresh rate-limit window for every example
        for who, headers in (
            ("staff", {"Authorization": f"Token {api['token']}"}),
            ("anonymous", None),
        ):
            if headers:
                # Schemathesis also draws values for the declared credentials (the session
                # cookie, the Authorization header): the staff call sends the real token only.
                (case.headers or {}).pop("Authorization", None)
                (case.cookies or {}).pop("sessionid", None)
            response = case.call(headers=headers)
            statuses[f"{who} {response.status_code}"] += 1
            _check(case, response, found, headers)

    run()
    assert sum(statuses.values()) >= 2 * min(MAX_EXAMPLES, 2), statuses
    for _check_fn, kind in CHECKS:
        if found[kind]:
            problems = list(dict.fromkeys(found[kind]))
            raise kind(f"{len(problems)} distinct problem(s):\n" + "\n".join(problems)[:5000])
