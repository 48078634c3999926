"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), JSON and XML, under /open311/v2/.

Endpoints: discovery, services (sub-classes as services, group = top class, metadata = whether the
sub-class has extra questions), services/{code} (the attributes), POST requests (api_key
required; lat/long or address_string; attribute[code]; media_url), GET requests (filters
service_request_id, service_code, start_date, end_date ≤ 90 days, status; at most 1,000 rows),
requests/{id} (an array), tokens/{token}. Errors are an array of {code, description} (400, 403,
404) — <errors><error>… in XML.

Extension (documented in discovery): each request carries `status_history`, a list of
{status, stage, datetime, note} for its public timeline entries (XML:
<status_history><status_change>…</status_change></status_history>). Personal data (name,
phone, e-mail) is never returned; descriptions have phone and ID numbers masked.

An address_string without lat/long is placed only if it names a community of the district
("…光明社区…"); otherwise the request is refused with 400 (we never guess a place).
"""

import datetime
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.periods import local_start, time_zone
from grids.models import Community
from privacy.masking import mask_free_text
from redgrid.middleware import request_carries_nul
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
from requests_desk.services import request_create


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering ---------------------------------------------------------------------------------------


def _xml_value(parent, key, value):
    node = ET.SubElement(parent, key)
    if isinstance(value, bool):
        node.text = "true" if value else "false"
    elif isinstance(value, list):
        return node
    elif value is not None:
        node.text = str(value)
    return node


def _to_xml(root_name: str, item_name: str, items: list, nested: dict | None = None) -> bytes:
    """Open311's XML: <root><item><key>value</key>…</item>…</root>; `nested` maps a list key to
    the element name of its members (e.g. attributes → attribute, values → value)."""
    nested = nested or {}
    root = ET.Element(root_name)

    def fill(parent, mapping):
        for key, value in mapping.items():
            if isinstance(value, list):
                container = ET.SubElement(parent, key)
                for member in value:
                    child = ET.SubElement(container, nested.get(key, key[:-1]))
                    if isinstance(member, dict):
                        fill(child, member)
                    else:
                        child.text = str(member)
            else:
                _xml_value(parent, key, value)

    for item in items:
        fill(ET.SubElement(root, item_name), item)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")


def _respond(fmt: str, root: str, item: str, items: list, status=200, nested=None):
    if fmt == "xml":
        return HttpResponse(
            _to_xml(root, item, items, nested),
            status=status,
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse(items, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str):
    return _respond(
        fmt, "errors", "error", [{"code": status, "description": description}], status=status
    )


def open311_view(methods):
    def decorator(view):
        @csrf_exempt
        @require_http_methods(methods)
        def wrapped(request, *args, fmt, **kwargs):
            if request_carries_nul(request):
                return _error(fmt, 400, "a parameter contains a NUL character")
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return _error(fmt, exc.status, exc.description)

        wrapped.__name__ = view.__name__
        return wrapped

    return decorator


def _iso(moment, tz=None):
    if not moment:
        return None
    return moment.astimezone(tz or time_zone()).isoformat(timespec="seconds")


# --- Serialisation -----------------------------------------------------------------------------------


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
        "datatype_description": attribute.get("datatype_description", ""),
        "order": order,
        "description": attribute.get("description", attribute["code"]),
    }
    if datatype in ("singlevaluelist", "multivaluelist"):
        data["values"] = [{"key": v["key"], "name": v["name"]} for v in attribute.get("values", [])]
    return data


def _status(item: Request) -> str:
    # A merged request shares the resolution of the one it was merged into.
    shown = item.merged_into if item.merged_into_id else item
    return "closed" if shown.stage in Stage.TERMINAL else "open"


def _media_url(item: Request, base: str) -> str:
    """The client's own media_url, else this site's URL of the request's first public photo
    (requests_desk.selectors.public_photos), served through core.files."""
    if item.media_url:
        return item.media_url
    if not getattr(item, "public_photo_id", None):
        return ""
    photo = RequestPhoto(pk=item.public_photo_id, request_id=item.pk, image=item.public_photo)
    return base + photo.image.url


def _request(item: Request, *, tz=None, notices=None, base="") -> dict:
    """One request as GeoReport v2 shows it. `item.public_events` holds its public timeline as
    (to_stage, note, created_at) tuples; `notices` caches the categories' time-limit texts;
    `base` is the site's address for media URLs."""
    tz = tz or time_zone()
    notices = {} if notices is None else notices
    events = item.public_events
    notes = next((note for _stage, note, _at in reversed(events) if note), "")
    if item.stage == Stage.CANCELLED:
        notes = item.cancel_reason
    agency = item.target_display() if item.target else item.community.name
    if item.category_id not in notices:
        notices[item.category_id] = item.category.limit_display()
    return {
        "service_request_id": item.code,
        "status": _status(item),
        "status_notes": mask_free_text(notes),
        "service_name": item.category.name,
        "service_code": item.category.code,
        "description": mask_free_text(item.description),
        "agency_responsible": agency,
        "service_notice": notices[item.category_id],
        "requested_datetime": _iso(item.created_at, tz),
        "updated_datetime": _iso(item.updated_at, tz),
        "expected_datetime": _iso(item.due_at, tz),
        "address": item.address,
        "address_id": "",
        "zipcode": "",
        "lat": item.location.y if item.location else None,
        "long": item.location.x if item.location else None,
        "media_url": _media_url(item, base),
        # Extension: the public timeline.
        "status_history": [
            {
                "status": "closed" if stage in Stage.TERMINAL else "open",
                "stage": stage,
                "datetime": _iso(created_at, tz),
                "note": mask_free_text(note),
            }
            for stage, note, created_at in events
        ],
    }


# The columns the GeoReport answer shows, and no others: a list of up to OPEN311_MAX_RESULTS
# requests must not fetch (and parse) every request's and its community's and street's geometry
# and all their other columns.
_REQUEST_FIELDS = (
    "code",
    "stage",
    "cancel_reason",
    "target",
    "description",
    "created_at",
    "updated_at",
    "due_at",
    "address",
    "location",
    "media_url",
    "category__code",
    "category__name",
    "category__limit_amount",
    "category__limit_unit",
    "community__name",
    "street__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "department__name",
    "merged_into__stage",
)


def _requests_queryset():
    first_public_photo = (
        public_photos().filter(request=OuterRef("pk")).order_by("created_at", "id")[:1]
    )
    return (
        Request.objects.select_related(
            "category", "community", "street", "assignee", "department", "merged_into"
        )
        .only(*_REQUEST_FIELDS)
        .annotate(
            public_photo_id=Subquery(first_public_photo.values("pk")),
            public_photo=Subquery(first_public_photo.values("image")),
        )
    )


def _with_public_events(items: list) -> list:
    """Attach each request's public timeline (`public_events`) with one query for all of them,
    reading only the columns the answer shows."""
    by_request = {item.pk: [] for item in items}
    if by_request:
        events = (
            RequestEvent.objects.filter(public=True, request_id__in=list(by_request))
            .order_by("created_at", "id")
            .values_list("request_id", "to_stage", "note", "created_at")
        )
        for request_id, *event in events:
            by_request[request_id].append(event)
    for item in items:
        item.public_events = by_request[item.pk]
    return items


def _requests_response(request, fmt, items, status=200):
    tz, notices = time_zone(), {}
    base = request.build_absolute_uri("/").rstrip("/")
    return _respond(
        fmt,
        "service_requests",
        "request",
        [_request(i, tz=tz, notices=notices, base=base) for i in _with_public_events(list(items))],
        status=status,
        nested={"status_history": "status_change"},
    )


# --- Views -------------------------------------------------------------------------------------------


@open311_view(["GET"])
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0] + "/"
    data = {
        "changeset": "2025-01-01T00:00:00+08:00",
        "contact": "RedGrid requests desk (12345)",
        "key_service": "API keys are issued by staff in the admin (Open311 clients) or with "
        "manage.py open311_key. Extension: every request carries status_history.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2025-01-01T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    if fmt == "xml":
        root = ET.Element("discovery")
        for key in ("changeset", "contact", "key_service"):
            _xml_value(root, key, data[key])
        endpoints = ET.SubElement(root, "endpoints")
        for endpoint in data["endpoints"]:
            node = ET.SubElement(endpoints, "endpoint")
            for key in ("specification", "url", "changeset", "type"):
                _xml_value(node, key, endpoint[key])
            formats = ET.SubElement(node, "formats")
            for f in endpoint["formats"]:
                _xml_value(formats, "format", f)
        return HttpResponse(
            b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8"),
            content_type="text/xml; charset=utf-8",
        )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


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
    return (
        _respond(
            fmt,
            "service_definition",
            "service_definition",
            [data],
            nested={"attributes": "attribute", "values": "value"},
        )
        if fmt == "xml"
        else JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    )


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


def _post_request(request, fmt):
    data = request.POST
    client = _client(data.get("api_key", ""))
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = _subclasses().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    address = data.get("address_string", "").strip()
    location = community = None
    if lat or lon:
        try:
            location = (float(lon), float(lat))
        except ValueError as exc:
            raise Open311Error(400, "lat and long must be decimal degrees (WGS-84)") from exc
        if not (-90 <= location[1] <= 90 and -180 <= location[0] <= 180):
            raise Open311Error(400, "lat and long must be decimal degrees (WGS-84)")
    elif address:
        community = _community_from_address(address)
        if community is None:
            raise Open311Error(
                400, "address_string could not be placed in a community; send lat and long"
            )
    else:
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    answers = {}
    for attribute in category.attributes:
        key = f"attribute[{attribute['code']}]"
        values = data.getlist(key)
        if attribute.get("required") and not any(v.strip() for v in values):
            raise Open311Error(400, f"{key} is required")
        allowed = {v["key"] for v in attribute.get("values", [])}
        if allowed and any(v not in allowed for v in values if v):
            raise Open311Error(400, f"{key} has a value that is not allowed")
        if values:
            answers[attribute["code"]] = (
                values if attribute.get("datatype") == "multivaluelist" else values[0]
            )
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
            address=address,
            reporter_name=name,
            reporter_phone=phone,
            reporter_email=email,
            # A client that forwards contact details has the resident's consent (GeoReport's
            # fields exist for being contacted); without them the request is anonymous.
            consent=bool(phone or email),
            open311_client=client,
            media_url=data.get("media_url", "").strip()[:200],
            attribute_values=answers,
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from exc
    result = {
        "service_request_id": item.code,
        "token": item.open311_token,
        "service_notice": category.limit_display(),
        "account_id": data.get("account_id", ""),
    }
    return _respond(fmt, "service_requests", "request", [result], status=201)


def _parse_date(value: str, name: str):
    try:
        moment = parse_datetime(value.strip().replace(" ", "+")) if value else None
    except ValueError:  # well-formed but impossible, e.g. month 13 or 25:61
        moment = None
    if value and moment is None:
        raise Open311Error(400, f"{name} must be a W3C (ISO 8601) datetime")
    return local_start(moment) if moment is not None else None  # naive: local time


def _get_requests(request, fmt):
    params = request.GET
    qs = _requests_queryset()
    ids = [x.strip().upper() for x in params.get("service_request_id", "").split(",") if x.strip()]
    if ids:
        # The spec: with service_request_id, all other parameters are ignored.
        items = list(qs.filter(code__in=ids[: conf.OPEN311_MAX_RESULTS]))
        return _requests_response(request, fmt, items)
    end = _parse_date(params.get("end_date", ""), "end_date")
    start = _parse_date(params.get("start_date", ""), "start_date")
    max_days = datetime.timedelta(days=conf.OPEN311_MAX_DAYS)
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    if start and end and end - start > max_days:
        raise Open311Error(400, f"the date range may not exceed {conf.OPEN311_MAX_DAYS} days")
    if end is None:
        end = start + max_days if start else timezone.now()
    if start is None:
        start = end - max_days
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


@open311_view(["GET", "POST"])
def requests_collection(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    return _get_requests(request, fmt)


@open311_view(["GET"])
def request_detail(request, code, fmt):
    item = _requests_queryset().filter(code=code.strip().upper()).first()
    if item is None:
        raise Open311Error(404, f"service_request_id {code} not found")
    return _requests_response(request, fmt, [item])


@open311_view(["GET"])
def token(request, token, fmt):
    item = Request.objects.filter(open311_token=token).exclude(open311_token="").first()
    if item is None:
        raise Open311Error(404, f"token {token} not found")
    return _respond(
        fmt, "service_requests", "request", [{"service_request_id": item.code, "token": token}]
    )
