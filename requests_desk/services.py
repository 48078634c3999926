"""Writes of the requests desk besides the case's stages. Other apps (household visits, patrols,
dashboards) call these:

request_create(*, source, category, description, location=None, community=None, address="",
               reporter_name="", reporter_phone="", reporter_email="", consent=False,
               created_by=None, photos=(), client_ip="", open311_client=None, media_url="",
               attribute_values=None, now=None) -> Request
    Places the request with grids.locate.locate(location) (or in `community` when there is no
    point), checks duplicates, saves the photos; raises ValidationError and saves nothing on
    bad input. Staff entering a request (hotline, patrol…) pass created_by.

request_support(*, case, client_ip) -> bool   ("+1" by another resident)
request_reroute(*, case, grid=None, community=None) -> Request   (place it in another area)
open311_client_create(*, name) -> (Open311Client, key)

Every change of a case's stage, and the resident's rating, goes through
requests_desk.flow.transition(*, case, action, by, …) (see that module).
"""

import datetime
import secrets

from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.locate import locate
from grids.models import Community
from privacy.crypto import blind_index
from requests_desk import flow
from requests_desk.conf import conf
from requests_desk.models import (
    Category,
    Open311Client,
    Request,
    RequestEvent,
    Stage,
)
from requests_desk.monthly import monthly_figures_add, monthly_figures_change
from requests_desk.notices import notify_new_request
from requests_desk.uploads import photos_clean, photos_save


def _as_point(location):
    if location is None or isinstance(location, Point):
        return location
    lon, lat = location
    return Point(float(lon), float(lat), srid=4326)


def submitter_key(*, phone: str = "", client_ip: str = "") -> str:
    if phone:
        return "p:" + blind_index("rq-submitter:" + phone)[:30]
    if client_ip:
        return "a:" + blind_index("rq-submitter-ip:" + client_ip)[:30]
    return ""


def duplicate_of(*, key: str, category, now=None) -> Request | None:
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


def nearby_open(*, category, location, limit: int = 5):
    """Open requests of the same sub-class within NEARBY_METRES of `location` (for "+1")."""
    point = _as_point(location)
    if point is None:
        return Request.objects.none()
    # A bounding test in degrees uses the spatial index; the exact test is in metres.
    degrees = conf.NEARBY_METRES / 100_000
    return (
        Request.objects.filter(
            category=category,
            stage__in=Stage.OPEN,
            merged_into=None,
            location__dwithin=(point, degrees),
        )
        .filter(location__distance_lte=(point, D(m=conf.NEARBY_METRES)))
        .order_by("-created_at")[:limit]
    )


def _place(point, community):
    if point is not None:
        where = locate(point)
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
    return community.street, community, None


# The same limit as the resident form and the model field (every path: form, Open311, API, staff).
DESCRIPTION_MAX_LENGTH = Request._meta.get_field("description").max_length


@transaction.atomic
def request_create(
    *,
    source,
    category,
    description,
    location=None,
    community=None,
    address="",
    reporter_name="",
    reporter_phone="",
    reporter_email="",
    consent=False,
    created_by=None,
    photos=(),
    client_ip="",
    open311_client=None,
    media_url="",
    attribute_values=None,
    now=None,
) -> Request:
    now = now or timezone.now()
    errors = {}
    if not isinstance(category, Category) or not category.is_subclass or not category.active:
        errors["category"] = _("Choose a sub-class.")
    description = (description or "").strip()
    if len(description) < 5:
        errors["description"] = _("Describe the problem in at least 5 characters.")
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description under %(n)s characters.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    reporter_email = (reporter_email or "").strip()
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            errors["reporter_email"] = _("Enter a valid e-mail address.")
        if len(reporter_email) > 200:
            errors["reporter_email"] = _("Enter a valid e-mail address.")
    if source not in Request.Source.values:
        errors["source"] = _("Unknown source.")
    reporter_phone = (reporter_phone or "").strip()
    if (reporter_phone or reporter_email) and not consent:
        errors["consent"] = _(
            "Tick the consent line to leave your contact details, or leave "
            "them empty to report anonymously."
        )
    if errors:
        raise ValidationError(errors)
    try:
        cleaned_photos = photos_clean(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    point = _as_point(location)
    street, community, grid = _place(point, community)
    key = submitter_key(phone=reporter_phone, client_ip=client_ip)
    earlier = duplicate_of(key=key, category=category, now=now)
    if earlier is not None and source in (Request.Source.RESIDENT_FORM, Request.Source.OPEN311):
        raise ValidationError(
            _(
                "You reported this a few minutes ago (tracking code %(code)s); no need to send it "
                "again."
            )
            % {"code": earlier.code},
            code="duplicate",
        )
    case = Request(
        source=source,
        category=category,
        description=description,
        location=point,
        address=(address or "").strip()[:200],
        street=street,
        community=community,
        grid=grid,
        reporter_name=(reporter_name or "").strip()[:60],
        reporter_phone=reporter_phone[:20],
        reporter_email=(reporter_email or "").strip()[:200],
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
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            # A tracking-code collision (31^10 codes): draw another one.
            case.pk = None
            case.code = Request._meta.get_field("code").default()
    else:
        raise ValidationError(_("Please try again."))
    RequestEvent.objects.create(
        request=case,
        action="report",
        from_stage="",
        to_stage=Stage.REPORTED,
        actor=created_by,
        actor_label=str(created_by) if created_by else _("resident"),
        note=_("Reported through: %(source)s") % {"source": case.get_source_display()},
        public=True,
        created_at=now,
    )
    photos_save(case=case, files=cleaned_photos)
    notify_new_request(case=case)
    monthly_figures_add(case=case)
    return case


@transaction.atomic
def request_reroute(*, case, grid=None, community=None) -> Request:
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
        grid=grid, community_id=community.pk, street_id=community.street_id
    )
    case.refresh_from_db()
    monthly_figures_change(before=locked, after=case)
    return case


def request_support(*, case, client_ip: str) -> bool:
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
