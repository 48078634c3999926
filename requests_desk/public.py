"""What the public sees of a case: the one projection every public output uses (the status page,
Open311 and its updates extension, the "+1 nearby" offer). The rules (docs/reliability.md,
"Rules for what is public"):

* Requests a resident sent themselves (the resident form, an Open311 client) are **listed**: in
  the Open311 list and its updates, with their category, stage, public replies, the description
  and address the resident typed — phone and ID numbers masked — and the point rounded to
  COARSE_DECIMALS decimal degrees (about 100 m), never the exact point.
* Requests from internal channels (grid patrol, hotline, registered Party member, referral,
  household visit) and anything entered by staff are **not listed** anywhere public. Through its
  tracking code (which staff may read out to a hotline caller) the status page shows only the
  category, the community, the stage and the public replies: no description, no address, no
  point, not the channel it came through.
* Free text shown publicly (description, address, replies, reasons) has phone and ID numbers
  masked (privacy.masking.mask_free_text).
* Who handles a case is named as a unit and a role ("A1a网格 网格员", "光明社区", a department),
  not a staff member's name, unless the district opts in (REDGRID_PUBLIC_STAFF_NAMES).
* The "+1 nearby" offer shows a category, a rough place (the community) and the stage: never
  another resident's words, place or tracking code; its button carries a signed reference.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.utils import timezone

from core.texts import render
from privacy.masking import mask_free_text
from requests_desk.models import Request, RequestPhoto, Stage

LISTED_SOURCES = (Request.Source.RESIDENT_FORM, Request.Source.OPEN311)
COARSE_DECIMALS = 3
SUPPORT_SALT = "requests_desk.support"
SUPPORT_MAX_AGE = 24 * 3600


def listed_q() -> Q:
    """The requests a public list, map or feed may show (resident-sent, not staff-entered)."""
    return Q(source__in=LISTED_SOURCES, created_by__isnull=True)


def is_listed(item: Request) -> bool:
    return item.source in LISTED_SOURCES and item.created_by_id is None


def status_of(stage: str) -> str:
    """GeoReport's two statuses."""
    return "closed" if stage in Stage.TERMINAL else "open"


def coarse(value: float | None) -> float | None:
    """A coordinate of a listed request's point as published (about 100 m)."""
    return None if value is None else round(value, COARSE_DECIMALS)


def staff_names_public() -> bool:
    return bool(settings.REDGRID_PUBLIC_STAFF_NAMES)


def unit_and_role(item: Request) -> str:
    """Who handles `item`, as the public sees it: requests_desk.texts.target_label's public
    wording (a person by role and unit, "网格长（光明社区第一网格）"; a unit by its name), or role and
    name where the district opted in (REDGRID_PUBLIC_STAFF_NAMES)."""
    return item.target_display(public=not staff_names_public()) or item.community.name


def event_text(message, note: str) -> str:
    """A timeline entry as the public reads it: its system text in the public wording, then the
    note someone typed (not yet masked)."""
    shown = render(message, public=not staff_names_public())
    return "\n".join(x for x in (shown, note) if x)


@dataclass(frozen=True)
class PublicEvent:
    stage: str
    stage_label: str
    status: str
    note: str
    at: datetime.datetime
    event_id: int | None = None
    # URLs (core.files) of the reply's public photos (the "after" photo of a feedback), shown on
    # listed requests only; the status page loads them, the Open311 list does not.
    photo_urls: tuple = ()


@dataclass(frozen=True)
class PublicCase:
    code: str
    listed: bool
    category_code: str
    category_name: str
    top_class_name: str
    community_name: str
    stage: str
    stage_label: str
    status: str
    closure_label: str
    cancel_reason: str
    status_notes: str
    agency: str
    service_notice: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    due_at: datetime.datetime | None
    support_count: int
    # Only for listed requests (None otherwise):
    description: str | None
    address: str | None
    address_id: str | None
    lat: float | None
    lon: float | None
    media_url: str | None
    events: list = field(default_factory=list)


def _events(item: Request, listed: bool) -> list[PublicEvent]:
    """The public timeline. `item.public_events` holds RequestEvent rows or (id, action,
    to_stage, message, note, created_at) tuples (the Open311 list reads tuples)."""
    labels = dict(Stage.choices)
    events = []
    for event in getattr(item, "public_events", None) or []:
        photo_urls = ()
        if isinstance(event, tuple):
            event_id, action, stage, message, note, at = event
        else:
            event_id, action, stage, message, note, at = (
                event.pk,
                event.action,
                event.to_stage,
                event.message,
                event.note,
                event.created_at,
            )
            # The status page's selector gives the URLs of the public photos of a listed
            # request's replies (public_photos()'s rule); the check repeats it.
            if listed:
                photo_urls = getattr(event, "public_photo_urls", ())
        # The channel of an internal request ("上报渠道：入户走访") is not public.
        note = "" if action == "report" and not listed else event_text(message, note)
        events.append(
            PublicEvent(
                stage=stage,
                stage_label=str(labels.get(stage, stage)),
                status=status_of(stage),
                note=mask_free_text(note),
                at=at,
                event_id=event_id,
                photo_urls=photo_urls,
            )
        )
    return events


def _media_url(item: Request, base: str) -> str | None:
    """The client's own media_url, else this site's URL of the request's first public photo
    (requests_desk.selectors.public_photos, annotated as `public_photo_id`/`public_photo` by the
    list that wants it), served through core.files."""
    if item.media_url:
        return item.media_url
    if not getattr(item, "public_photo_id", None):
        return None
    photo = RequestPhoto(pk=item.public_photo_id, request_id=item.pk, image=item.public_photo)
    return base + photo.image.url


def public_case(
    item: Request, *, notices: dict | None = None, base: str = "", agency: bool = True
) -> PublicCase:
    """`item` as the public may see it (see the module docstring). `item.public_events` must be
    loaded; `notices` caches the categories' time-limit texts across a list; `base` is the
    site's address, for absolute media URLs; `agency=False` leaves out who handles it (the
    status page does not show it, and does not load the handling unit)."""
    listed = is_listed(item)
    # A merged request shares the resolution of the one it was merged into.
    shown = item.merged_into if item.merged_into_id and item.merged_into else item
    events = _events(item, listed)
    notes = next((e.note for e in reversed(events) if e.note), "")
    cancel_reason = mask_free_text(item.cancel_reason) if item.stage == Stage.CANCELLED else ""
    if cancel_reason:
        notes = cancel_reason
    notices = {} if notices is None else notices
    if item.category_id not in notices:
        notices[item.category_id] = item.category.limit_display()
    point = item.location if listed else None
    return PublicCase(
        code=item.code,
        listed=listed,
        category_code=item.category.code,
        category_name=item.category.name,
        top_class_name=item.category.parent.name if item.category.parent_id else "",
        community_name=item.community.name,
        stage=shown.stage,
        stage_label=shown.get_stage_display(),
        status=status_of(shown.stage),
        closure_label=shown.get_closure_type_display() if shown.closure_type else "",
        cancel_reason=cancel_reason,
        status_notes=notes,
        agency=unit_and_role(item) if agency else "",
        service_notice=notices[item.category_id],
        created_at=item.created_at,
        updated_at=item.updated_at,
        due_at=shown.due_at,
        support_count=item.support_count,
        description=(mask_free_text(item.description) or None) if listed else None,
        address=(mask_free_text(item.address) or None) if listed else None,
        address_id=(item.address_id or None) if listed else None,
        lat=coarse(point.y) if point else None,
        lon=coarse(point.x) if point else None,
        media_url=_media_url(item, base) if listed else None,
        events=events,
    )


# --- The "+1 nearby" offer ---------------------------------------------------------------------


@dataclass(frozen=True)
class NearbyOffer:
    category_name: str
    place: str
    stage_label: str
    reported_on: datetime.date
    support_token: str


def support_token(item: Request) -> str:
    """A signed, expiring reference to `item` for the "+1" button (never its tracking code)."""
    return signing.dumps(item.pk, salt=SUPPORT_SALT)


def support_target(token: str) -> int | None:
    """The request id a "+1" token refers to, or None when forged or expired."""
    try:
        return int(signing.loads(token, salt=SUPPORT_SALT, max_age=SUPPORT_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def nearby_offer(item: Request) -> NearbyOffer:
    return NearbyOffer(
        category_name=item.category.label,
        place=item.community.name,
        stage_label=item.get_stage_display(),
        reported_on=timezone.localdate(item.created_at),
        support_token=support_token(item),
    )
