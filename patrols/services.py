"""Writes and rules of grid patrols."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.uploads import files_store, photos_clean
from patrols.conf import conf
from patrols.geo import distance_m
from patrols.models import CheckIn, Finding, FindingPhoto, Patrol

if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterable, Sequence
    from typing import Any

    from accounts.models import User
    from grids.models import KeyPlace
    from requests_desk.models import Category, Request


def _point(lon: float | str, lat: float | str) -> Point:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"position": _("Share your location to check in.")}) from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({"position": _("The position is not a valid location.")})
    return Point(lon, lat, srid=4326)


# Who patrols an area grid: its grid workers and its grid head (DOMAIN.md §1.6).
PATROLLING_ROLES = (Role.GRID_WORKER, Role.GRID_HEAD)


def patrol_start_refusal(user: User) -> str | None:
    """Why `user` cannot start a patrol, in words for them; None when they can."""
    if user.role not in PATROLLING_ROLES:
        return _(
            "Patrols are made by the grid workers and the grid head of an area grid. With your "
            "role you follow them here and on the coverage page."
        )
    if not user.grid_id:
        return _(
            "Your account is not bound to an area grid. Ask the district administrator to "
            "bind it to your grid."
        )
    return None


def patrol_start(*, worker: User, now: datetime.datetime | None = None) -> Patrol:
    """A patrol of the grid `worker` (a grid worker or the grid head) is bound to."""
    refusal = patrol_start_refusal(worker)
    if refusal:
        raise PermissionDenied(refusal)
    if Patrol.objects.filter(worker=worker, ended_at__isnull=True).exists():
        raise ValidationError(_("You already have a patrol under way; end it first."))
    try:
        with transaction.atomic():
            return Patrol.objects.create(
                grid_id=worker.grid_id, worker=worker, started_at=now or timezone.now()
            )
    except IntegrityError as exc:  # a double tap: the constraint keeps one open patrol
        raise ValidationError(_("You already have a patrol under way; end it first.")) from exc


def _open_patrol_of(patrol: Patrol, worker: User) -> None:
    if patrol.worker_id != worker.pk:
        raise PermissionDenied
    if patrol.ended_at is not None:
        raise ValidationError(_("This patrol has ended."))


@transaction.atomic
def check_in(
    *,
    patrol: Patrol,
    key_place: KeyPlace,
    lon: float,
    lat: float,
    by: User,
    now: datetime.datetime | None = None,
) -> CheckIn:
    """Check in at a key place of the patrol's grid; refused when farther than the configured
    distance (REDGRID_PATROLS_MAX_CHECK_IN_METRES) — the position is what proves the visit."""
    _open_patrol_of(patrol, by)
    if key_place.grid_id != patrol.grid_id:
        raise ValidationError({"key_place": _("This key place is not in your area grid.")})
    position = _point(lon, lat)
    distance = distance_m(position, key_place.location)
    limit = conf.MAX_CHECK_IN_METRES
    if distance > limit:
        raise ValidationError(
            {
                "position": _(
                    "You are %(distance)s m from %(place)s; check in within %(limit)s m of it."
                )
                % {"distance": round(distance), "place": key_place.name, "limit": limit}
            }
        )
    return CheckIn.objects.create(
        patrol=patrol,
        key_place=key_place,
        position=position,
        distance_m=round(distance, 1),
        at=now or timezone.now(),
    )


@transaction.atomic
def finding_record(
    *,
    patrol: Patrol,
    by: User,
    kind: str,
    description: str,
    key_place: KeyPlace | None = None,
    lon: float | str | None = None,
    lat: float | str | None = None,
    photos: Iterable[Any] = (),
    handled_note: str = "",
) -> Finding:
    """Record a finding; with `handled_note` it is handled on the spot (self-handled)."""
    # Photos are checked and re-encoded first (EXIF/GPS stripped): a refused photo saves nothing.
    cleaned_photos = photos_clean(photos)
    _open_patrol_of(patrol, by)
    if key_place is not None and key_place.grid_id != patrol.grid_id:
        raise ValidationError({"key_place": _("This key place is not in your area grid.")})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": _("Describe the finding in at least 5 characters.")})
    position = _point(lon, lat) if lon not in (None, "") and lat not in (None, "") else None
    finding = Finding(
        patrol=patrol,
        grid_id=patrol.grid_id,
        key_place=key_place,
        kind=kind,
        description=description,
        position=position,
        outcome=Finding.Outcome.SELF_HANDLED if handled_note.strip() else Finding.Outcome.OPEN,
        handled_note=handled_note.strip(),
    )
    finding.full_clean()
    finding.save()
    photos = [FindingPhoto(finding=finding) for _ in cleaned_photos]
    files_store(
        (photo.image, "photo.jpg", data) for photo, data in zip(photos, cleaned_photos, strict=True)
    )
    FindingPhoto.objects.bulk_create(photos)
    return finding


def finding_mark_handled(*, finding: Finding, by: User, note: str) -> Finding:
    if finding.patrol.worker_id != by.pk:
        raise PermissionDenied
    if finding.outcome != Finding.Outcome.OPEN:
        raise ValidationError(_("This finding has already been dealt with."))
    if not note.strip():
        raise ValidationError({"handled_note": _("Say how it was handled.")})
    finding.outcome = Finding.Outcome.SELF_HANDLED
    finding.handled_note = note.strip()
    finding.save(update_fields=["outcome", "handled_note"])
    return finding


@transaction.atomic
def patrol_end(
    *,
    patrol: Patrol,
    by: User,
    track_lonlats: Sequence[tuple[float, float]] = (),
    notes: str = "",
    now: datetime.datetime | None = None,
) -> Patrol:
    _open_patrol_of(patrol, by)
    patrol.ended_at = now or timezone.now()
    if len(track_lonlats) >= 2:
        patrol.track = LineString([(float(x), float(y)) for x, y in track_lonlats], srid=4326)
    patrol.notes = notes.strip()[:300]
    patrol.full_clean()
    patrol.save()
    return patrol


@transaction.atomic
def finding_report(*, finding: Finding, category: Category, by: User) -> Request:
    """Report a finding to the requests desk as a request from a grid patrol, placed at the
    finding (or its key place) so that locate routes it to that grid; photos go with it."""
    from requests_desk.models import Request
    from requests_desk.services import request_create, request_reroute

    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("patrol", "key_place", "grid__community")
        .get(pk=finding.pk)
    )
    if finding.patrol.worker_id != by.pk:
        raise PermissionDenied
    if finding.outcome != Finding.Outcome.OPEN:
        raise ValidationError(_("This finding has already been dealt with."))
    location = finding.position or (finding.key_place.location if finding.key_place else None)
    photos = []
    for photo in finding.photos.all():
        with photo.image.open("rb") as handle:
            photos.append(handle.read())
    address = finding.key_place.address if finding.key_place else ""
    request = request_create(
        source=Request.Source.GRID_PATROL,
        category=category,
        description=f"{finding.get_kind_display()}：{finding.description}",
        location=location,
        community=finding.grid.community_id if location is None else None,
        address=address,
        created_by=by,
        photos=photos,
    )
    if request.grid_id != finding.grid_id:
        # Route to the patrolled grid even when the GPS fix fell just across its edge (or there
        # was none): the finding belongs to the grid whose worker saw it.
        request = request_reroute(case=request, grid=finding.grid)
    finding.request = request
    finding.outcome = Finding.Outcome.REPORTED
    finding.save(update_fields=["request", "outcome"])
    return request
