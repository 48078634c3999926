"""Writes of the requests desk besides the case's stages. Other apps (household visits, patrols,
dashboards) call these:

request_create(*, source, category, description="", location=None, community=None,
               address="", address_id="", reporter_name="", reporter_phone="",
               reporter_email="", reporter_account_id="", device_id="", consent=False,
               created_by=None, photos=(), open311_client=None, media_url="",
               attribute_values=None, now=None) -> Request
    Places the request with grids.locate.locate(location) (or in `community` when there is no
    point, in the grid of the known place its address names when there is one: grids.gazetteer),
    checks duplicates (DuplicateRequest; see submitter_key), saves the photos; raises
    ValidationError and saves nothing on bad input. Photos are checked by their size and header
    here and re-encoded after the commit (requests_desk.uploads): they appear once clean. Staff
    entering a request (hotline, patrol…) pass created_by. A resident-sent request carries
    `reporter_secret` (shown once). On PostgreSQL it reads everything it checks in one
    statement (change marks, duplicate, the new id) and writes the request, its timeline entry,
    the grid head's notice and the monthly count in one more (core.db_batch): outside a
    transaction (a resident's report without photos) nothing else; with photos, area alerts
    to queue or inside the caller's transaction, in a transaction (savepoint) of its own.

request_comment(*, case, text) -> RequestEvent        (the reporter's public comment)
request_reopen_ask(*, case, text="") -> RequestEvent   (the reporter asks to reopen)
request_support(*, case, client_ip) -> bool   ("+1" by another resident)
request_reroute(*, case, grid=None, community=None) -> Request   (place it in another area)
open311_client_create(*, name) -> (Open311Client, key)

Every change of a case's stage, and the resident's rating, goes through
requests_desk.flow.transition(*, case, action, by, …) (see that module).
"""

from __future__ import annotations

import datetime
import functools
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ParamSpec

from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import prepared
from core.db_batch import execute, insert_sql, mark_saved
from core.uploads import photos_probe
from grids import gazetteer
from grids.locate import MARK_SQL, locate
from grids.models import AreaGrid, Community
from notifications.models import Notification
from notifications.services import notifications_stored
from privacy.crypto import blind_index
from requests_desk import flow, proof, texts
from requests_desk.alerts import ALERTS_MARK_SQL, alerts_for_new_request, alerts_wanted
from requests_desk.conf import conf
from requests_desk.inserts import PreparedInsert
from requests_desk.models import (
    CATEGORIES_MARK_SQL,
    Category,
    Open311Client,
    Request,
    RequestEvent,
    Stage,
)
from requests_desk.monthly import (
    monthly_figures_add,
    monthly_figures_add_sql,
    monthly_figures_change,
)
from requests_desk.notices import HEADS_MARK_SQL, new_request_notices
from requests_desk.selectors import active_subclass_at
from requests_desk.uploads import photos_save

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from django.db.models import QuerySet

    from accounts.models import User
    from grids.models import AreaGrid, Street


P = ParamSpec("P")


def _as_point(location: Point | Sequence[float | str] | None) -> Point | None:
    if location is None or isinstance(location, Point):
        return location
    lon, lat = location
    return Point(float(lon), float(lat), srid=4326)


def _place_key(
    point: Point | None,
    community: Community | int | None,
    address_id: str = "",
    address: str = "",
) -> str:
    """Where a request is, coarsely (about 100 m), for the duplicate key."""
    if address_id:
        return f"id:{address_id}"
    if point is not None:
        return f"pt:{point.y:.3f},{point.x:.3f}"
    community_id = getattr(community, "pk", community) or ""
    return f"c:{community_id}:{' '.join((address or '').split())}"


def submitter_key(
    *,
    phone: str = "",
    email: str = "",
    open311_client: Open311Client | None = None,
    account_id: str | int = "",
    device_id: str = "",
    place: str = "",
) -> str:
    """Who submitted, as a keyed digest: the duplicate guard compares these, never addresses.

    * a phone number identifies one person wherever they send from;
    * otherwise the reporter's identity — e-mail, account id at the client, device id — plus the
      place, and for an Open311 client the client too (an aggregator posts for many people);
    * with none of these the request has no key and is never taken for a duplicate: one public
      address (carrier-grade NAT, an aggregator) is thousands of residents.
    """
    phone = (phone or "").strip()
    if phone:
        return "p:" + blind_index("rq-submitter:" + phone)[:30]
    identity = next(
        (
            f"{kind}:{value.strip().lower()}"
            for kind, value in (("e", email), ("a", account_id), ("d", device_id))
            if (value or "").strip()
        ),
        "",
    )
    if not identity:
        return ""
    client = f"o{open311_client.pk}" if open311_client is not None else "form"
    return "i:" + blind_index(f"rq-submitter:{client}|{identity}|{place}")[:30]


class DuplicateRequest(ValidationError):
    """The same reporter sent the same kind of problem a few minutes ago. The message names no
    tracking code: the view shows it only to someone who proves they own it."""

    def __init__(self, earlier: Request) -> None:
        super().__init__(
            _(
                "You reported this a few minutes ago; no need to send it again. Your tracking "
                "code was shown when you sent it."
            ),
            code="duplicate",
        )
        self.earlier = earlier


def duplicate_of(
    *, key: str, category: Category, now: datetime.datetime | None = None
) -> Request | None:
    """The same submitter's request of the same sub-class within DUPLICATE_MINUTES, if any."""
    if not key:
        return None
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=conf.DUPLICATE_MINUTES)
    return (
        Request.objects.filter(submitter_key=key, category=category, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class Marks:
    """The change marks of what a new request reads from memory: the boundaries (grids.locate),
    the grid heads (requests_desk.notices), the categories (requests_desk.selectors) and the
    areas with alerts (requests_desk.alerts). None: no mark (SpatiaLite), ask the database."""

    boundaries: int | None = None
    heads: int | None = None
    categories: int | None = None
    alerts: int | None = None


# The marks, in the one statement that also looks for a duplicate.
MARKS_SQL = f"{MARK_SQL}, {HEADS_MARK_SQL}, {CATEGORIES_MARK_SQL}, {ALERTS_MARK_SQL}"


# The new request's id, taken from its table's sequence before the INSERT (request_create writes
# the request and the rows that point to it in one statement, core.db_batch).
NEXT_ID_SQL = "nextval(pg_get_serial_sequence('requests_desk_request', 'id'))"


def _mark_and_duplicate(
    *, key: str, category: Category, now: datetime.datetime
) -> tuple[Marks, int | None, int | None]:
    """The change marks, the id of duplicate_of's answer and an id for the new request, in one
    statement (issue 17). Without the marks (SpatiaLite): (Marks(), duplicate_of's id, None)."""
    if connection.vendor != "postgresql":
        earlier = duplicate_of(key=key, category=category, now=now)
        return Marks(), earlier.pk if earlier is not None else None, None
    since = now - datetime.timedelta(minutes=conf.DUPLICATE_MINUTES)
    table = Request._meta.db_table
    if not key:
        row = prepared.scalars(f"SELECT {MARKS_SQL}, NULL, {NEXT_ID_SQL}", [])
    else:
        # The same rule as duplicate_of, read through its index (submitter_key, created_at)
        # alone: the submitter's few rows, then the category and the minutes. Left to choose,
        # the planner walked the category's or the date's index over every request of the last
        # minutes (issue 17: 2.4 ms of PostgreSQL per submission under load, growing with the
        # rate of submissions). Prepared on the connection (core.prepared): planning it cost
        # more than running it.
        row = prepared.scalars(
            f"WITH mine AS MATERIALIZED (SELECT id, category_id, created_at FROM {table} "
            f"WHERE submitter_key = %s) SELECT {MARKS_SQL}, (SELECT id FROM mine "
            "WHERE category_id = %s AND created_at >= %s ORDER BY created_at DESC LIMIT 1), "
            f"{NEXT_ID_SQL}",
            [key, category.pk, since],
        )
    mark, heads, categories, alerts, earlier_id, new_id = row
    marks = Marks(boundaries=mark, heads=heads, categories=categories, alerts=alerts)
    return marks, earlier_id, new_id


def nearby_open(*, category: Category, location: Point, limit: int = 5) -> QuerySet[Request]:
    """Open requests of the same sub-class within NEARBY_METRES of `location` (for "+1").

    A box around the point (in degrees, so the spatial index can be used) narrows the search;
    the distance in metres decides. Not `dwithin`: on SpatiaLite a number given to dwithin on
    lon/lat data is read as metres, so the box of 0.001° became 0.001 m and nothing was found."""
    point = _as_point(location)
    if point is None:
        return Request.objects.none()
    metres = conf.NEARBY_METRES
    half_lat = metres / 111_320
    half_lon = metres / (111_320 * max(math.cos(math.radians(point.y)), 0.01))
    box = Polygon.from_bbox(
        (point.x - half_lon, point.y - half_lat, point.x + half_lon, point.y + half_lat)
    )
    box.srid = 4326
    return (
        Request.objects.filter(
            category=category,
            stage__in=Stage.OPEN,
            merged_into=None,
            location__intersects=box,
        )
        .filter(location__distance_lte=(point, D(m=metres)))
        .order_by("-created_at")[:limit]
    )


def _place(
    point: Point | None,
    community: Community | int | None,
    address: str = "",
    *,
    mark: int | None = None,
) -> tuple[Street | None, Community | None, AreaGrid | None]:
    if point is not None:
        where = locate(point, mark=mark)
        if not where.inside:
            raise ValidationError(
                {
                    "location": _(
                        "That place is outside the district. Choose a "
                        "place on the map inside the district."
                    )
                }
            )
        grid = where.grid
        return grid.community.street, grid.community, grid
    if community is None:
        raise ValidationError(
            {
                "location": _(
                    "Tap the map, share your location, or choose the "
                    "community and type the address."
                )
            }
        )
    if not isinstance(community, Community):
        community = Community.objects.select_related("street").get(pk=community)
    return community.street, community, _grid_by_address(address, community)


def _grid_by_address(address: str, community: Community) -> AreaGrid | None:
    """The grid of a request without a point, from its address: the known place (a key place,
    a service position, a grid's name) it names, in its community (grids.gazetteer.route_address).
    None: the community's staff place it (the "to place" queue, flow's "place" action)."""
    if not address:
        return None
    found = gazetteer.route_address(address, community=community)
    if found is None:
        return None
    return AreaGrid.objects.current().filter(code=found.grid_code, community=community).first()


# GeoReport v2's limit, on every path (form, Open311, staff entry, other apps).
DESCRIPTION_MAX_LENGTH = Request._meta.get_field("description").max_length
MEDIA_URL_MAX_LENGTH = Request._meta.get_field("media_url").max_length


def _check_media_url(media_url: str) -> str | None:
    if not media_url:
        return None
    if len(media_url) > MEDIA_URL_MAX_LENGTH:
        return _("The media URL may be at most %(n)s characters.") % {"n": MEDIA_URL_MAX_LENGTH}
    try:
        URLValidator(schemes=["http", "https"])(media_url)
    except ValidationError:
        return _("The media URL must be an http or https address.")
    return None


def _input_errors(
    *,
    source: str,
    category: Category,
    description: str,
    address: str,
    media_url: str,
    reporter_name: str,
    reporter_phone: str,
    reporter_email: str,
    consent: bool,
) -> dict:
    """{field: message} for what request_create refuses before touching the database (the
    values already stripped)."""
    errors = {}
    if not isinstance(category, Category) or not category.is_subclass or not category.active:
        errors["category"] = _("Choose a sub-class.")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description under %(n)s characters.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            errors["reporter_email"] = _("Enter a valid e-mail address.")
        if len(reporter_email) > 200:
            errors["reporter_email"] = _("Enter a valid e-mail address.")
    if source not in Request.Source.values:
        errors["source"] = _("Unknown source.")
    media_error = _check_media_url(media_url)
    if media_error:
        errors["media_url"] = media_error
    if len(reporter_phone) > 20:
        errors["reporter_phone"] = _("Enter a phone number of at most 20 characters.")
    if len(reporter_name) > 100:
        errors["reporter_name"] = _("Enter a name of at most 100 characters.")
    if len(address) > 200:
        errors["address"] = _("Keep the address under 200 characters.")
    if (reporter_phone or reporter_email) and not consent:
        errors["consent"] = _(
            "Tick the consent line to leave your contact details, or leave "
            "them empty to report anonymously."
        )
    return errors


class _InsertRefused(Exception):
    """The request's INSERT broke a constraint (its transaction or savepoint is rolled back)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _code_retried(create: Callable[P, Request]) -> Callable[P, Request]:
    """A tracking code taken already (31^10 codes) makes the whole creation run again with
    another code, rather than every creation paying a savepoint around its INSERT (issue 17)."""

    @functools.wraps(create)
    def retried(*args: P.args, **kwargs: P.kwargs) -> Request:
        for _attempt in range(5):
            try:
                return create(*args, **kwargs)
            except _InsertRefused as refused:
                # Rolled back already (its own transaction, or its savepoint inside the
                # caller's): tried again only when the code was the conflict.
                if not Request.objects.filter(code=refused.code).exists():
                    raise refused.__cause__ from None
        raise ValidationError(_("Please try again."))

    return retried


@_code_retried
def request_create(
    *,
    source: str,
    category: Category,
    description: str = "",
    location: Point | Sequence[float | str] | None = None,
    community: Community | int | None = None,
    address: str = "",
    address_id: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_account_id: str | int = "",
    device_id: str = "",
    consent: bool = False,
    created_by: User | None = None,
    photos: Iterable[Any] = (),
    open311_client: Open311Client | None = None,
    media_url: str = "",
    attribute_values: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> Request:
    """See the module docstring. A request a resident sent (the resident form, Open311) gets a
    reporter secret: the returned instance carries it as `reporter_secret` (shown once, never
    stored in clear; requests_desk.proof)."""
    now = now or timezone.now()
    description = (description or "").strip()
    reporter_email = (reporter_email or "").strip()
    media_url = (media_url or "").strip()
    reporter_phone = (reporter_phone or "").strip()
    reporter_name = (reporter_name or "").strip()
    address = (address or "").strip()
    errors = _input_errors(
        source=source,
        category=category,
        description=description,
        address=address,
        media_url=media_url,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        consent=consent,
    )
    if errors:
        raise ValidationError(errors)
    try:
        # Size and header now; the re-encoding after the commit (requests_desk.uploads).
        checked_photos = photos_probe(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    point = _as_point(location)
    key = submitter_key(
        phone=reporter_phone,
        email=reporter_email,
        open311_client=open311_client,
        account_id=reporter_account_id,
        device_id=device_id,
        place=_place_key(point, community, address_id, address),
    )
    resident_sent = source in (Request.Source.RESIDENT_FORM, Request.Source.OPEN311)
    marks, earlier_id, new_id = _mark_and_duplicate(
        key=key if resident_sent else "", category=category, now=now
    )
    if marks.categories is not None:
        # The category as it is now (the form read it from the process's copy, or earlier).
        category = active_subclass_at(category.pk, marks.categories, known=category)
        if category is None:
            raise ValidationError({"category": _("Choose a sub-class.")})
    street, community, grid = _place(point, community, address, mark=marks.boundaries)
    if earlier_id is not None:
        raise DuplicateRequest(Request.objects.get(pk=earlier_id))
    # The secret goes to the browser that sent the form; an Open311 client proves its user
    # by naming them again (requests_desk.proof.identity_matches).
    secret = proof.new_secret() if source == Request.Source.RESIDENT_FORM and not created_by else ""
    case = Request(
        id=new_id,
        source=source,
        category=category,
        description=description,
        location=point,
        address=address,
        address_id=(address_id or "").strip()[:40],
        street=street,
        community=community,
        grid=grid,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        reporter_account_id=(reporter_account_id or "").strip()[:200],
        consent=bool(consent),
        reporter_phone_index=blind_index(reporter_phone) if reporter_phone else "",
        submitter_key=key,
        created_by=created_by,
        open311_client=open311_client,
        open311_token=secrets.token_hex(16) if open311_client else "",
        media_url=media_url,
        attribute_values=attribute_values or {},
        created_at=now,
    )
    # Check constraints concern later stages (cancelled/closed/merged) and are enforced by the
    # database; validating them in Python would cost a query and a savepoint each.
    case.full_clean(
        exclude=["code", *flow.NO_CLEAN], validate_unique=False, validate_constraints=False
    )
    if secret:
        case.reporter_proof = proof.secret_digest(case.code, secret)
    event = RequestEvent(
        request=case,
        action="report",
        from_stage="",
        to_stage=Stage.REPORTED,
        actor=created_by,
        actor_label=str(created_by) if created_by else "",
        message=texts.REPORTED.store(source=case.source),
        public=True,
        created_at=now,
    )
    if (
        new_id is None
        or checked_photos
        or alerts_wanted(case=case, mark=marks.alerts)
        or connection.in_atomic_block
    ):
        # More than one statement (photos, alerts, no one-statement write), or inside the
        # caller's transaction: a transaction of its own (a savepoint in the caller's).
        with transaction.atomic():
            _store(case, event, marks)
            photos_save(case=case, files=checked_photos)
            alerts_for_new_request(case=case, mark=marks.alerts)
    else:
        # The common case, a resident's report without photos: one statement, all or nothing
        # on its own, so no BEGIN and COMMIT around it either.
        _store(case, event, marks)
    case.reporter_secret = secret
    return case


# The INSERTs of _store's one statement, their SQL built once per process.
_REQUEST_INSERT = PreparedInsert(Request)
_EVENT_INSERT = PreparedInsert(RequestEvent)
_NOTICE_INSERT = PreparedInsert(Notification)


def _store(case: Request, event: RequestEvent, marks: Marks) -> None:
    """Write a new request, its first timeline entry, the grid head's notice and its count in
    the monthly summary: in one statement when the request's id is known already (PostgreSQL,
    core.db_batch), else one by one (inside the caller's transaction). No savepoint around the
    request's INSERT: a tracking code taken already makes the creation run again
    (_code_retried)."""
    notices = new_request_notices(case=case, mark=marks.heads)
    if case.pk is None:
        try:
            case.save(force_insert=True)
        except IntegrityError as exc:
            raise _InsertRefused(case.code) from exc
        event.request = case
        event.save(force_insert=True)
        for notice in notices:
            notice.save(force_insert=True)
        monthly_figures_add(case=case)
    else:
        parts = [_REQUEST_INSERT.sql(case), _EVENT_INSERT.sql(event)]
        if len(notices) == 1:
            parts.append(_NOTICE_INSERT.sql(notices[0]))
        elif notices:
            parts.append(insert_sql(notices))
        parts.append(monthly_figures_add_sql(case=case))
        try:
            execute(parts)
        except IntegrityError as exc:
            raise _InsertRefused(case.code) from exc
        mark_saved(case)
    notifications_stored(notices)


@transaction.atomic
def request_reroute(
    *, case: Request, grid: AreaGrid | None = None, community: Community | None = None
) -> Request:
    """Place `case` in area grid `grid` (and its community and street): for a case whose
    grid the caller knows better than its point (a patrol finding, a household visit, a redrawn
    boundary). With `community` instead, the case sits in that community with no grid (a case
    reported without a point)."""
    if (grid is None) == (community is None):
        raise ValueError("give a grid or a community")
    locked = Request.objects.select_for_update().get(pk=case.pk)
    if grid is not None:
        community = grid.community
    Request.objects.filter(pk=case.pk).update(
        grid=grid,
        community_id=community.pk,
        street_id=community.street_id,
        updated_at=timezone.now(),
    )
    case.refresh_from_db()
    monthly_figures_change(before=locked, after=case)
    return case


@transaction.atomic
def request_comment(
    *, case: Request, text: str, now: datetime.datetime | None = None
) -> RequestEvent:
    """The reporter's comment on their case (Open311 servicerequestupdates): a public timeline
    entry; the stage does not change."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the comment."), code="empty")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            _("Keep the comment under %(n)s characters.") % {"n": DESCRIPTION_MAX_LENGTH},
            code="too_long",
        )
    locked = Request.objects.select_for_update().get(pk=case.pk)
    return _resident_event(locked, "comment", note=text, now=now or timezone.now())


@transaction.atomic
def request_reopen_ask(
    *, case: Request, text: str = "", now: datetime.datetime | None = None
) -> RequestEvent:
    """The reporter asks to reopen their closed case: staff see it in the queue ("reopening
    requested") and reopen it or dismiss the request (flow actions reopen / dismiss_reopen)."""
    now = now or timezone.now()
    locked = Request.objects.select_for_update().get(pk=case.pk)
    if locked.stage != Stage.CLOSED:
        raise ValidationError(_("Only a closed request can be reopened."), code="not_closed")
    if locked.reopen_requested_at is not None:
        raise ValidationError(
            _("Reopening this request has already been asked for."), code="already_asked"
        )
    text = (text or "").strip()[:DESCRIPTION_MAX_LENGTH]
    Request.objects.filter(pk=locked.pk).update(reopen_requested_at=now)
    case.reopen_requested_at = now
    return _resident_event(
        locked,
        "reopen_request",
        note=_("The resident asked to reopen the request: %(text)s") % {"text": text or "—"},
        now=now,
    )


def _resident_event(
    locked: Request, action: str, *, note: str, now: datetime.datetime
) -> RequestEvent:
    """A public timeline entry by the reporter that leaves the stage as it is."""
    return RequestEvent.objects.create(
        request=locked,
        action=action,
        from_stage=locked.stage,
        to_stage=locked.stage,
        actor=None,
        actor_label=_("resident"),
        note=note,
        public=True,
        created_at=now,
    )


def request_support(*, case: Request, client_ip: str) -> bool:
    """Another resident's "+1" on an open case; once a day per address."""
    from requests_desk.throttle import support_allow

    if not case.is_open or not support_allow(ip=client_ip, code=case.code):
        return False
    Request.objects.filter(pk=case.pk).update(support_count=F("support_count") + 1)
    return True


def open311_client_create(*, name: str) -> tuple[Open311Client, str]:
    """A new Open311 client and its key (shown once; only its hash is stored)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the client application's name."))
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name[:100], key_hash=Open311Client.hash_key(key), key_prefix=key[:8]
    )
    return client, key


def open311_client_revoke(*, client: Open311Client) -> None:
    client.active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["active", "revoked_at"])
