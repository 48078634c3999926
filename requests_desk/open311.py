"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), JSON and XML, under /open311/v2/.
Documented for client developers in docs/open311.md (with the two extensions).

Endpoints: discovery; services (sub-classes as services, group = top class, metadata = whether
the sub-class has extra questions); services/{code} (the attributes); POST requests (api_key
required; lat/long, address_id or address_string; attribute[code] and attribute[code][]; an
optional description of up to 4,000 characters; media_url up to 2,000 characters); GET requests
(filters service_request_id, service_code, start_date, end_date ≤ 90 days, status; at most 1,000
rows); requests/{id} (an array); tokens/{token}. Errors are an array of {code, description} —
<errors><error>… in XML — for every answer under /open311/v2/, including 404 for an unknown path
or format and 405 for a method the endpoint does not take. JSON is
`application/json; charset=utf-8`; empty optional values are null in JSON and left out in XML.

What is shown of a request is requests_desk.public's projection: only requests residents sent
(resident form, Open311) are listed; their text has phone and ID numbers masked and their point
is rounded to about 100 m; the contact details a client forwards (first_name, last_name, email,
phone, account_id) are stored encrypted and never returned.

Extensions (docs/open311.md):
* `status_history` on every request: its public timeline, {status, stage, datetime, note}
  (XML: <status_history><status_change>…);
* mySociety's `servicerequestupdates`: GET the public updates (status changes and replies)
  between two dates; POST a reporter's update — a public comment, or with status=OPEN on a closed
  request a request to reopen it that staff review in their queue. Only the reporter may post:
  the client that submitted the request naming the same person (email, phone or account_id),
  or `reporter_proof` (the resident's rating key or the last four digits of their phone).
"""

import datetime
import hashlib
import json
import time
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CharField, FloatField, Func, OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from accounts.models import User
from core import prepared
from core.bounded import Bounded
from core.periods import local_start, time_zone
from core.ratelimit import client_address
from grids.models import Community, KeyPlace
from privacy.masking import mask_free_text
from redgrid.middleware import request_carries_nul
from requests_desk import proof, public, throttle
from requests_desk.conf import conf
from requests_desk.models import (
    Category,
    Open311Client,
    Request,
    RequestEvent,
    RequestPhoto,
    Stage,
)
from requests_desk.selectors import public_photos
from requests_desk.services import (
    DuplicateRequest,
    request_comment,
    request_create,
    request_reopen_ask,
)
from requests_desk.texts import PERSON_TARGETS, target_label

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering ---------------------------------------------------------------------------------


def _fill(parent, mapping: dict, nested: dict):
    """Open311's XML: <key>value</key> per entry; a list becomes a container whose members are
    named by `nested` (attributes → attribute, values → value). None is left out."""
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, list):
            container = ET.SubElement(parent, key)
            for member in value:
                child = ET.SubElement(container, nested.get(key, key[:-1]))
                if isinstance(member, dict):
                    _fill(child, member, nested)
                else:
                    child.text = str(member)
        elif isinstance(value, bool):
            ET.SubElement(parent, key).text = "true" if value else "false"
        else:
            ET.SubElement(parent, key).text = str(value)


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def _respond(fmt, root, item, items, status=200, nested=None):
    """A list of objects: a JSON array, or <root><item>…</item>…</root>."""
    if fmt == "xml":
        element = ET.Element(root)
        for entry in items:
            _fill(ET.SubElement(element, item), entry, nested or {})
        return HttpResponse(_xml(element), status=status, content_type=XML_CONTENT_TYPE)
    return _json(items, status)


def _respond_one(fmt, root, data, status=200, nested=None):
    """One object: a JSON object, or <root>…</root> holding its fields directly."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, data, nested or {})
        return HttpResponse(_xml(element), status=status, content_type=XML_CONTENT_TYPE)
    return _json(data, status)


def _json(data, status=200):
    return JsonResponse(
        data,
        safe=False,
        status=status,
        content_type=JSON_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _error(fmt: str, status: int, description: str):
    return _respond(
        fmt, "errors", "error", [{"code": status, "description": description}], status=status
    )


def open311_view(methods):
    """CSRF-exempt (clients authenticate with api_key), NUL-checked, every failure in the spec's
    error format. HEAD is answered like GET (headers only)."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @csrf_exempt
        def wrapped(request, *args, fmt, **kwargs):
            if request.method not in allowed:
                response = _error(
                    fmt, 405, f"{request.method} is not allowed here; use {', '.join(methods)}"
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            if request_carries_nul(request):
                return _error(fmt, 400, "a parameter contains a NUL character")
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return _error(fmt, exc.status, exc.description)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


@csrf_exempt
def not_found(request, path=""):
    """Any other path under /open311/v2/ (an unknown endpoint or format suffix): 404 in the
    spec's error format (XML when the path asks for .xml, JSON otherwise)."""
    fmt = "xml" if path.lower().endswith(".xml") else "json"
    return _error(fmt, 404, f"no such endpoint or format: /open311/v2/{path}")


def _iso(moment, tz=None):
    if not moment:
        return None
    return moment.astimezone(tz or time_zone()).isoformat(timespec="seconds")


# --- Serialisation -------------------------------------------------------------------------------


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or f"{category.parent.name} / {category.name}",
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ",".join([category.get_kind_display(), category.parent.name]),
        "group": category.parent.name,
    }


def _attribute(order: int, attribute: dict) -> dict:
    datatype = attribute.get("datatype", "string")
    data = {
        "variable": True,
        "code": attribute["code"],
        "datatype": datatype,
        "required": bool(attribute.get("required")),
        "datatype_description": attribute.get("datatype_description") or None,
        "order": order,
        "description": attribute.get("description", attribute["code"]),
    }
    if datatype in ("singlevaluelist", "multivaluelist"):
        data["values"] = [{"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])]
    return data


# The Open311 list is built from rows (tuples), not model instances (issue 17): up to
# OPEN311_MAX_RESULTS requests and their timelines, each shown as requests_desk.public's
# projection shows a listed request (public.public_case; the test
# test_open311_list.test_the_list_is_public_case_serialised holds the two together). The point's
# coordinates come from SQL (ST_X/ST_Y), the timeline's system texts as their JSON text, rendered
# once per distinct text, and everything that is the same for the whole answer (time zone,
# wording, time-limit texts, agency names) is worked out once.
_ROW_FIELDS = (
    "id",
    "code",
    "stage",
    "cancel_reason",
    "target",
    "department_id",
    "grid_id",
    "description",
    "created_at",
    "updated_at",
    "due_at",
    "address",
    "address_id",
    "media_url",
    "category_id",
    "category__code",
    "category__name",
    "category__limit_amount",
    "category__limit_unit",
    "community__name",
    "street__name",
    "grid__name",
    "department__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "merged_into_id",
    "merged_into__stage",
    "merged_into__due_at",
    "lon",
    "lat",
    "public_photo_id",
    "public_photo",
)


def _iso_in_sql() -> bool:
    return connection.vendor == "postgresql"


class _LocalIso(Func):
    """A moment as Python's isoformat(timespec="seconds") writes it in the district's time zone
    ("2026-12-05T21:30:00+08:00"; the offset's seconds only when it has some), written by
    PostgreSQL: parsing ~6,000 timestamps of an answer into Python and formatting them again cost
    a third of its Python time (issue 17). NULL stays NULL."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.source_expressions[0])
        local = f"(({moment}) AT TIME ZONE %s)"
        offset = f"({local} - (({moment}) AT TIME ZONE 'UTC'))"
        size = f"(CASE WHEN {offset} < interval '0' THEN -{offset} ELSE {offset} END)"
        sql = (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
            f"|| (CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END) "
            f"|| to_char({size}, 'HH24:MI') "
            f"|| (CASE WHEN extract(second FROM {offset}) <> 0 "
            f"THEN to_char({size}, ':SS') ELSE '' END)"
        )
        if params:  # a column: the only parameters are the zone's
            raise ValueError("_LocalIso formats a column")
        return sql, [settings.TIME_ZONE] * sql.count("%s")


def _local_iso(name: str) -> _LocalIso:
    return _LocalIso(name)


def _requests_queryset():
    """The listed requests as rows of _ROW_FIELDS (filter, order and slice it further)."""
    # The first public photo (an "after" photo of a public reply), for media_url when the client
    # sent none; served through core.files.
    first_public_photo = (
        public_photos().filter(request=OuterRef("pk")).order_by("created_at", "id")[:1]
    )
    moments = ("created_at", "updated_at", "due_at", "merged_into__due_at")
    return (
        Request.objects.filter(public.listed_q())
        .annotate(
            lon=Func("location", function="ST_X", output_field=FloatField()),
            lat=Func("location", function="ST_Y", output_field=FloatField()),
            public_photo_id=Subquery(first_public_photo.values("pk")),
            public_photo=Subquery(first_public_photo.values("image")),
            **{f"{name}_iso": _local_iso(name) for name in moments if _iso_in_sql()},
        )
        .values_list(*(f"{f}_iso" if f in moments and _iso_in_sql() else f for f in _ROW_FIELDS))
    )


def _public_timelines(ids: list) -> dict:
    """Each request's public timeline as (stage, message as JSON text, note, at) tuples, with one
    query for all of them."""
    by_request: dict = {pk: [] for pk in ids}
    if by_request:
        events = (
            RequestEvent.objects.filter(public=True, request_id__in=ids)
            .order_by("created_at", "id")
            .values_list(
                "request_id",
                "to_stage",
                Cast("message", output_field=TextField()),
                "note",
                _local_iso("created_at") if _iso_in_sql() else "created_at",
            )
        )
        for request_id, *event in events:
            by_request[request_id].append(event)
    return by_request


class _Answer:
    """What is the same for every request of one answer, worked out once."""

    def __init__(self, base: str):
        self.tz = time_zone()
        self.base = base
        self.public_wording = not public.staff_names_public()
        self.notices: dict = {}
        self.agencies: dict = {}
        self.notes: dict = {}

    def iso(self, moment):
        """A moment as the answer writes it (already a text when PostgreSQL wrote it)."""
        if not moment or isinstance(moment, str):
            return moment or None
        return moment.astimezone(self.tz).isoformat(timespec="seconds")

    def note(self, message: str | None, note: str) -> str:
        """A timeline entry's public text (public.event_text, masked), once per distinct one."""
        key = (message, note)
        shown = self.notes.get(key)
        if shown is None:
            stored = json.loads(message) if message else None
            shown = self.notes[key] = mask_free_text(public.event_text(stored, note))
        return shown

    def notice(self, category_id, amount, unit) -> str:
        notice = self.notices.get(category_id)
        if notice is None:
            notice = Category(limit_amount=amount, limit_unit=unit).limit_display()
            self.notices[category_id] = notice
        return notice

    def agency(self, row: tuple) -> str:
        """public.unit_and_role: Request.target_display(public=…) or the community's name."""
        (target, department_id, grid_id, community, street, grid, department) = row[:7]
        username, first_name, last_name = row[7:]
        person = ""
        if target in PERSON_TARGETS:
            unit = grid if grid_id else community
            if username is not None and not self.public_wording:
                person = str(User(username=username, first_name=first_name, last_name=last_name))
        elif target == Request.Target.DEPARTMENT:
            unit = department
        elif target == Request.Target.STREET:
            unit = street
        else:
            unit = community
        key = (target, unit, person, community)
        shown = self.agencies.get(key)
        if shown is None:
            shown = ""
            if target and not (target == Request.Target.DEPARTMENT and not department_id):
                shown = target_label(
                    target=target, unit=unit, person=person, public=self.public_wording
                )
            shown = self.agencies[key] = shown or community
        return shown


def _request_answers(rows: list, base: str) -> list[dict]:
    """The rows of _requests_queryset as GeoReport v2 shows them (see _ROW_FIELDS)."""
    answer = _Answer(base)
    iso, note_of = answer.iso, answer.note
    timelines = _public_timelines([row[0] for row in rows])
    cancelled, terminal = Stage.CANCELLED, set(Stage.TERMINAL)
    items = []
    for (
        pk,
        code,
        stage,
        cancel_reason,
        target,
        department_id,
        grid_id,
        description,
        created_at,
        updated_at,
        due_at,
        address,
        address_id,
        media_url,
        category_id,
        category_code,
        category_name,
        limit_amount,
        limit_unit,
        community,
        street,
        grid,
        department,
        username,
        first_name,
        last_name,
        merged_into_id,
        merged_stage,
        merged_due_at,
        lon,
        lat,
        photo_id,
        photo,
    ) in rows:
        history = []
        notes = ""
        for event_stage, message, note, at in timelines[pk]:
            shown_note = note_of(message, note)
            if shown_note:
                notes = shown_note
            history.append(
                {
                    "status": "closed" if event_stage in terminal else "open",
                    "stage": event_stage,
                    "datetime": iso(at),
                    "note": shown_note or None,
                }
            )
        if stage == cancelled:
            notes = mask_free_text(cancel_reason) or notes
        # A merged request shares the resolution of the one it was merged into.
        if merged_into_id:
            stage, due_at = merged_stage, merged_due_at
        if media_url:
            shown_media = media_url
        elif photo_id:
            shown_media = base + RequestPhoto(pk=photo_id, request_id=pk, image=photo).image.url
        else:
            shown_media = None
        items.append(
            {
                "service_request_id": code,
                "status": "closed" if stage in terminal else "open",
                "status_notes": notes or None,
                "service_name": category_name,
                "service_code": category_code,
                "description": mask_free_text(description) or None,
                "agency_responsible": answer.agency(
                    (target, department_id, grid_id, community, street, grid, department)
                    + (username, first_name, last_name)
                )
                or None,
                "service_notice": answer.notice(category_id, limit_amount, limit_unit) or None,
                "requested_datetime": iso(created_at),
                "updated_datetime": iso(updated_at),
                "expected_datetime": iso(due_at),
                "address": mask_free_text(address) or None,
                "address_id": address_id or None,
                "zipcode": None,
                "lat": None if lat is None else public.coarse(lat),
                "long": None if lon is None else public.coarse(lon),
                "media_url": shown_media,
                # Extension: the public timeline.
                "status_history": history,
            }
        )
    return items


def _requests_response(request, fmt, rows, status=200):
    base = request.build_absolute_uri("/").rstrip("/")
    return _respond(
        fmt,
        "service_requests",
        "request",
        _request_answers(list(rows), base),
        status=status,
        nested={"status_history": "status_change"},
    )


# --- Discovery and services --------------------------------------------------------------------


@open311_view(["GET"])
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0] + "/"
    data = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": "RedGrid requests desk (12345)",
        "key_service": "API keys are issued by staff in the admin (Open311 clients) or with "
        "manage.py open311_key. Extensions: every request carries status_history; "
        "servicerequestupdates (mySociety) lists updates and takes the reporter's. A request "
        "needs lat and long, an address_id (a known place), or an address_string naming a "
        "community of the district.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond_one(
        fmt, "discovery", data, nested={"endpoints": "endpoint", "formats": "format"}
    )


def _subclasses():
    return (
        Category.objects.filter(parent__isnull=False, active=True)
        .select_related("parent")
        .order_by("kind", "parent__order", "order", "code")
    )


@open311_view(["GET"])
def services(request, fmt):
    return _respond(fmt, "services", "service", [_service(c) for c in _subclasses()])


@open311_view(["GET"])
def service_definition(request, code, fmt):
    category = _subclasses().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    data = {
        "service_code": category.code,
        "attributes": [_attribute(i + 1, a) for i, a in enumerate(category.attributes)],
    }
    return _respond_one(
        fmt, "service_definition", data, nested={"attributes": "attribute", "values": "value"}
    )


# --- POST requests -------------------------------------------------------------------------------


def _client(api_key: str) -> Open311Client:
    if not api_key:
        raise Open311Error(403, "api_key is required")
    client = Open311Client.objects.filter(
        key_hash=Open311Client.hash_key(api_key), active=True
    ).first()
    if client is None:
        raise Open311Error(403, "api_key is not valid")
    return client


def _community_from_address(address: str):
    if not address:
        return None
    for community in Community.objects.current().only("id", "name"):
        name = community.name
        if name in address or (name.endswith("社区") and name[:-2] in address and len(name) > 3):
            return community
    return None


def _location(data):
    """(point, community, address_id) from lat/long, address_id or address_string, in that
    order; 400 when none places the request."""
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    address_id = data.get("address_id", "").strip()
    address = data.get("address_string", "").strip()
    if lat or lon:
        if not (lat and lon):
            raise Open311Error(400, "lat and long go together: send both")
        try:
            point = (float(lon), float(lat))
        except ValueError as exc:
            raise Open311Error(400, "lat and long must be decimal degrees (WGS-84)") from exc
        if not (-90 <= point[1] <= 90 and -180 <= point[0] <= 180):
            raise Open311Error(400, "lat and long must be decimal degrees (WGS-84)")
        return point, None, ""
    if address_id:
        place = (
            KeyPlace.objects.filter(pk=int(address_id)).only("location").first()
            if address_id.isdigit() and len(address_id) <= 18
            else None
        )
        if place is None:
            raise Open311Error(400, f"address_id {address_id[:40]} is not a known place")
        return place.location, None, str(place.pk)
    if address:
        community = _community_from_address(address)
        if community is None:
            raise Open311Error(
                400, "address_string could not be placed in a community; send lat and long"
            )
        return None, community, ""
    raise Open311Error(400, "a location is required: lat and long, address_id or address_string")


def _attribute_values(data, category) -> dict:
    """attribute[code], or attribute[code][] (the spec's form for multivaluelist)."""
    answers = {}
    for attribute in category.attributes:
        key = f"attribute[{attribute['code']}]"
        values = [v for v in data.getlist(key) + data.getlist(key + "[]") if v.strip()]
        if attribute.get("required") and not values:
            raise Open311Error(400, f"{key} is required")
        allowed = {v["key"] for v in attribute.get("values", [])}
        if allowed and any(v not in allowed for v in values):
            raise Open311Error(400, f"{key} has a value that is not allowed")
        if values:
            answers[attribute["code"]] = (
                values if attribute.get("datatype") == "multivaluelist" else values[0]
            )
    return answers


def _post_request(request, fmt):
    data = request.POST
    client = _client(data.get("api_key", ""))
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = _subclasses().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    location, community, address_id = _location(data)
    answers = _attribute_values(data, category)
    phone = data.get("phone", "").strip()
    email = data.get("email", "").strip()
    name = " ".join(
        x for x in (data.get("last_name", "").strip(), data.get("first_name", "").strip()) if x
    )
    try:
        item = request_create(
            source=Request.Source.OPEN311,
            category=category,
            description=data.get("description", ""),
            location=location,
            community=community,
            address=data.get("address_string", ""),
            address_id=address_id,
            reporter_name=name,
            reporter_phone=phone,
            reporter_email=email,
            reporter_account_id=data.get("account_id", ""),
            device_id=data.get("device_id", ""),
            # A client that forwards contact details has the resident's consent (GeoReport's
            # fields exist for being contacted); without them the request is anonymous.
            consent=bool(phone or email),
            open311_client=client,
            media_url=data.get("media_url", ""),
            attribute_values=answers,
        )
    except DuplicateRequest as exc:
        raise Open311Error(400, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from exc
    # The spec: service_request_id or token, not both; the request exists at once, so its id.
    # The contact details sent are never echoed back.
    result = {"service_request_id": item.code, "service_notice": category.limit_display() or None}
    return _respond(fmt, "service_requests", "request", [result], status=201)


# --- GET requests --------------------------------------------------------------------------------


def _parse_date(value: str, name: str):
    try:
        moment = parse_datetime(value.strip().replace(" ", "+")) if value else None
    except ValueError:  # well-formed but impossible, e.g. month 13 or 25:61
        moment = None
    if value and moment is None:
        raise Open311Error(400, f"{name} must be a W3C (ISO 8601) datetime")
    if moment is not None and timezone.is_naive(moment):
        try:
            moment = local_start(moment)  # naive: the district's local time
        except (OverflowError, ValueError) as exc:
            raise Open311Error(400, f"{name} is out of range") from exc
    return moment


def _window(params) -> tuple[datetime.datetime, datetime.datetime]:
    """The start_date..end_date window: at most OPEN311_MAX_DAYS (both given: a longer range is
    a 400); with only start_date it runs to now, starting no earlier than OPEN311_MAX_DAYS ago;
    with only end_date it starts OPEN311_MAX_DAYS before it; with neither it is the last
    OPEN311_MAX_DAYS."""
    end = _parse_date(params.get("end_date", ""), "end_date")
    start = _parse_date(params.get("start_date", ""), "start_date")
    max_days = datetime.timedelta(days=conf.OPEN311_MAX_DAYS)
    now = timezone.now()
    try:
        if start and end:
            if end < start:
                raise Open311Error(400, "end_date is before start_date")
            if end - start > max_days:
                raise Open311Error(
                    400, f"the date range may not exceed {conf.OPEN311_MAX_DAYS} days"
                )
        elif start:
            # The window runs to now, so recent requests are never left out; it is at most
            # OPEN311_MAX_DAYS long (an older start_date is moved up).
            if start > now:
                raise Open311Error(400, "start_date is in the future")
            start, end = max(start, now - max_days), now
        elif end:
            start = end - max_days
        else:
            start, end = now - max_days, now
    except OverflowError as exc:
        raise Open311Error(400, "start_date or end_date is out of range") from exc
    return start, end


def _get_requests(request, fmt):
    params = request.GET
    qs = _requests_queryset()
    ids = [x.strip().upper() for x in params.get("service_request_id", "").split(",") if x.strip()]
    if ids:
        # The spec: with service_request_id, all other parameters are ignored.
        items = list(qs.filter(code__in=ids[: conf.OPEN311_MAX_RESULTS]))
        return _requests_response(request, fmt, items)
    start, end = _window(params)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    codes = [x.strip() for x in params.get("service_code", "").split(",") if x.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = {x.strip() for x in params.get("status", "").split(",") if x.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open or closed")
    if statuses == {"open"}:
        qs = qs.exclude(stage__in=Stage.TERMINAL)
    elif statuses == {"closed"}:
        qs = qs.filter(stage__in=Stage.TERMINAL)
    items = list(qs.order_by("-created_at", "-id")[: conf.OPEN311_MAX_RESULTS])
    return _requests_response(request, fmt, items)


def _change_mark() -> str:
    """Moves whenever a request or a timeline entry is written (two index-only max() lookups):
    part of the list's cache key and ETag, so that new requests and every transition show at
    once."""
    # Prepared on the connection (core.prepared): planning it cost as much as running it.
    request_id, event_id = prepared.scalars(
        "SELECT (SELECT max(id) FROM requests_desk_request), "
        "(SELECT max(id) FROM requests_desk_requestevent)",
        [],
    )
    return f"{request_id}.{event_id}"


# This process's copy of the list answers it served, (built at, body, content type) as in the
# cache, until OPEN311_LIST_CACHE_SECONDS after it was built (Bounded.keep_until). The key holds
# the change mark; a copy is served no longer than the shared cache serves it, so it is never
# staler. It saves each GET
# reading (and copying) its answer from Redis: ≈ 0.5 MB for 1,000 requests (issue 17).
_ANSWERS = Bounded(8)
ANSWER_KEPT_MAX_BYTES = 2_000_000


def _get_requests_cached(request, fmt):
    """GET requests with conditional GET (ETag: If-None-Match answers 304 without building the
    answer) and the finished answer cached for OPEN311_LIST_CACHE_SECONDS under a key of the
    query, the language, the host and the change mark. Building 1,000 requests costs ~100 ms of
    Python; serving them again costs the change mark's query (issue 17)."""
    seconds = conf.OPEN311_LIST_CACHE_SECONDS
    if not seconds:
        return _get_requests(request, fmt)
    parts = (
        fmt,
        request.get_full_path(),
        get_language(),
        request.get_host(),
        public.staff_names_public(),
        _change_mark(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    etag = f'"{digest}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    key = f"open311:list:v2:{digest}"
    stored = _answer_stored(key, seconds)
    if stored is not None:
        _built, body, content_type = stored
        response = HttpResponse(body, content_type=content_type)
    else:
        response = _get_requests(request, fmt)
        if response.status_code == 200:
            stored = (time.time(), response.content, response["Content-Type"])
            cache.set(key, stored, seconds)
            _answer_keep(key, stored, seconds)
    if response.status_code == 200:
        response["ETag"] = etag
    return response


def _answer_stored(key: str, seconds: int) -> tuple | None:
    """The answer stored under `key` while it holds: this process's copy, else the cache's."""
    now = time.time()
    stored = _ANSWERS.get_until(key, now)
    if stored is not None:
        return stored
    stored = cache.get(key)
    if stored is None or now >= stored[0] + seconds:
        return None
    _answer_keep(key, stored, seconds)
    return stored


def _answer_keep(key: str, stored: tuple, seconds: int) -> None:
    if len(stored[1]) <= ANSWER_KEPT_MAX_BYTES:
        _ANSWERS.keep_until(key, stored[0] + seconds, stored)


@open311_view(["GET", "POST"])
def requests_collection(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    return _get_requests_cached(request, fmt)


@open311_view(["GET"])
def request_detail(request, code, fmt):
    item = _requests_queryset().filter(code=code.strip().upper()).first()
    if item is None:
        raise Open311Error(404, f"service_request_id {code} not found")
    return _requests_response(request, fmt, [item])


@open311_view(["GET"])
def token(request, token, fmt):
    item = (
        Request.objects.filter(public.listed_q(), open311_token=token)
        .exclude(open311_token="")
        .first()
    )
    if item is None:
        raise Open311Error(404, f"token {token} not found")
    return _respond(
        fmt, "service_requests", "request", [{"service_request_id": item.code, "token": token}]
    )


# --- Extension: servicerequestupdates (mySociety) -----------------------------------------------

# Our stages in mySociety's update statuses; `external_status_code` carries the stage itself.
UPDATE_STATUS = {
    Stage.REPORTED: "OPEN",
    Stage.ACCEPTED: "OPEN",
    Stage.FILED: "INVESTIGATING",
    Stage.DISPATCHED: "ACTION_SCHEDULED",
    Stage.HANDLING: "IN_PROGRESS",
    Stage.FEEDBACK: "IN_PROGRESS",
    Stage.VERIFIED: "IN_PROGRESS",
    Stage.CARRIED_OVER: "IN_PROGRESS",
    Stage.CLOSED: "FIXED",
    Stage.CANCELLED: "CLOSED",
    Stage.MERGED: "DUPLICATE",
}


@open311_view(["GET", "POST"])
def service_request_updates(request, fmt):
    if request.method == "POST":
        return _post_update(request, fmt)
    start, end = _window(request.GET)
    rows = (
        RequestEvent.objects.filter(
            public=True,
            request__source__in=public.LISTED_SOURCES,
            request__created_by__isnull=True,
            created_at__gte=start,
            created_at__lte=end,
        )
        .exclude(action="report")
        .order_by("created_at", "id")
        .values_list(
            "id", "request__code", "to_stage", "note", "created_at", "request__closure_type"
        )[: conf.OPEN311_MAX_RESULTS]
    )
    tz = time_zone()
    updates = []
    for event_id, code, stage, note, at, closure in rows:
        status = UPDATE_STATUS.get(stage, "OPEN")
        if stage == Stage.CLOSED and closure in (
            Request.ClosureType.ERRONEOUS,
            Request.ClosureType.SPECIAL,
        ):
            status = "CLOSED"
        updates.append(
            {
                "update_id": str(event_id),
                "service_request_id": code,
                "status": status,
                "updated_datetime": _iso(at, tz),
                "description": mask_free_text(note) or None,
                "external_status_code": stage,
            }
        )
    return _respond(fmt, "service_requests_updates", "request_update", updates)


def _post_update(request, fmt):
    data = request.POST
    client = _client(data.get("api_key", ""))
    code = data.get("service_request_id", "").strip().upper()
    if not code:
        raise Open311Error(400, "service_request_id is required")
    item = Request.objects.filter(code=code).first()
    if item is None:
        raise Open311Error(404, f"service_request_id {code[:40]} not found")
    status = data.get("status", "").strip().upper()
    if status not in ("", "OPEN", "CLOSED"):
        raise Open311Error(400, "status must be OPEN or CLOSED")
    if data.get("updated_datetime", "").strip():
        _parse_date(data["updated_datetime"], "updated_datetime")
    ip = client_address(request)
    if throttle.proof_blocked(code=item.code, ip=ip):
        raise Open311Error(429, "too many refused updates for this request; try again tomorrow")
    is_reporter = proof.identity_matches(
        item,
        client=client,
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        account_id=data.get("account_id", ""),
    ) or proof.typed_proof_matches(item, data.get("reporter_proof", ""))
    if not is_reporter:
        throttle.proof_failed(code=item.code, ip=ip)
        raise Open311Error(
            403,
            "only the reporter may update this request: post from the client that submitted "
            "it with the same email, phone or account_id, or send reporter_proof",
        )
    description = data.get("description", "")
    try:
        if status == "OPEN" and item.stage == Stage.CLOSED:
            event = request_reopen_ask(case=item, text=description)
        else:
            event = request_comment(case=item, text=description)
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from exc
    return _respond(
        fmt, "service_request_updates", "request_update", [{"update_id": str(event.pk)}], 201
    )
