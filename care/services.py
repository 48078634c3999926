"""Writes and rules of household pairing. Every write validates, runs in a transaction, and saves
nothing when refused (ValidationError with a translated message).

Personal data never goes into log messages here; corrections, subject exports and anonymisation
are written to the privacy audit log.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from care.conf import conf
from care.models import (
    Household,
    HouseholdNeed,
    Pairing,
    Referral,
    Resident,
    ResidentTag,
    ServiceProject,
    Visit,
    VisitPhoto,
)
from care.selectors import CARE_AREA_ROLES, households_visible_to
from core.uploads import files_store, photos_clean
from grids.jurisdiction import jurisdiction_of
from grids.locate import locate
from privacy.crypto import blind_index, text_index
from privacy.identity import id_number_problem
from privacy.masking import mask_id_number
from privacy.models import AuditLogEntry
from privacy.services import audit_record, may_reveal

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from django.contrib.gis.geos import Point
    from django.http import HttpRequest

    from accounts.models import User
    from grids.models import AreaGrid, SubGrid

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
ANONYMISED_NAME = "已匿名"


def resident_label(resident: Resident) -> str:
    """How a person is named in the audit log: surname plus masked ID (never the full values)."""
    label = (resident.name[:1] + "*" * (len(resident.name) - 1)) if resident.name else ""
    if resident.id_number:
        label += f" {mask_id_number(resident.id_number)}"
    return f"#{resident.pk} {label}".strip()


# --- Households and residents ---------------------------------------------------------------------
def address_clean(address: str) -> str:
    address = " ".join((address or "").split())
    if not address:
        raise ValidationError({"address": _("Give the household's address.")})
    if len(address) > 200:
        raise ValidationError({"address": _("Keep the address under 200 characters.")})
    return address


def household_may_register(user: User, grid: AreaGrid | None) -> bool:
    """Grid heads and grid workers register households of their own grid; staff with the care
    role of a street, community or the district, households in their jurisdiction. (A grid
    worker's household is paired with them at once: they see what they registered.)"""
    if user is None:
        return True  # the import command: an operator
    if user.role in (Role.GRID_HEAD, Role.GRID_WORKER):
        return user.grid_id == grid.pk
    jurisdiction = jurisdiction_of(user)
    return bool(
        user.care_role
        and (user.is_superuser or user.role in CARE_AREA_ROLES)
        and jurisdiction is not None
        and jurisdiction.contains(grid)
    )


def household_may_register_somewhere(user: User) -> bool:
    """Staff above the grid register households only with the care role."""
    return bool(user.care_role and (user.is_superuser or user.role in CARE_AREA_ROLES))


def household_place(
    *, grid: AreaGrid | None = None, location: Point | None = None
) -> tuple[AreaGrid | None, SubGrid | None]:
    """(grid, sub-grid) of a household: the point decides when there is one (locate); a grid
    chosen as well must be the point's. Raises ValidationError."""
    if location is None:
        if grid is None:
            raise ValidationError(
                {"location": _("Tap the map or use your location, or choose the area grid.")}
            )
        return grid, None
    found = locate(location)
    if not found.inside:
        raise ValidationError({"location": _("This point is outside the district.")})
    if grid is not None and found.grid.pk != grid.pk:
        raise ValidationError(
            {
                "location": _(
                    "This point lies in area grid %(found)s, not in %(grid)s. Move the point or "
                    "choose that grid."
                )
                % {"found": found.grid.name, "grid": grid.name}
            }
        )
    return found.grid, found.subgrid


def household_register_check(
    *, by: User, address: str, grid: AreaGrid | None = None, location: Point | None = None
) -> tuple[str, str, AreaGrid | None, SubGrid | None]:
    """The rules of registering a household (the form, the admin and the import ask them before
    the service does): (address, its index, grid, sub-grid); ValidationError or PermissionDenied."""
    address = address_clean(address)
    grid, subgrid = household_place(grid=grid, location=location)
    if not household_may_register(by, grid):
        raise PermissionDenied(_("You may register households only in your own area."))
    index = text_index(address)
    if Household.objects.filter(
        grid=grid, address_index=index, anonymised_at__isnull=True
    ).exists():
        raise ValidationError(
            {"address": _("A household with this address is already registered in this grid.")}
        )
    return address, index, grid, subgrid


@transaction.atomic
def household_register(
    *,
    by: User,
    address: str,
    building: str = "",
    grid: AreaGrid | None = None,
    location: Point | None = None,
    registered_on: datetime.date | None = None,
) -> Household:
    """Register a household (its point, or its grid when the point is unknown). The address is
    stored encrypted with its blind index; the same address twice in a grid is refused."""
    address, index, grid, subgrid = household_register_check(
        by=by, address=address, grid=grid, location=location
    )
    household = Household(
        grid=grid,
        subgrid=subgrid,
        address=address,
        address_index=index,
        building=(building or "").strip()[:100],
        location=location,
        registered_on=registered_on or timezone.localdate(),
    )
    household.full_clean(exclude=["address_index"])
    household.save()
    if by is not None and by.role == Role.GRID_WORKER:
        pairing_create(household=household, worker=by, by=by)
    return household


@transaction.atomic
def household_address_correct(
    *,
    household: Household,
    by: User,
    address: str,
    building: str | None = None,
    purpose: str,
    request: HttpRequest | None = None,
) -> Household:
    """Correct a household's address (logged like a resident's correction)."""
    if household.anonymised_at:
        raise ValidationError(_("This household has been anonymised."))
    household.address = address_clean(address)
    household.address_index = text_index(household.address)
    if building is not None:
        household.building = building.strip()[:100]
    household.full_clean(exclude=["address_index"])
    household.save(update_fields=["address", "address_index", "building"])
    audit_record(
        actor=by,
        action=AuditLogEntry.Action.CORRECT,
        purpose=purpose,
        subject=household,
        subject_label=f"#{household.pk}",
        fields="address",
        request=request,
    )
    return household


@transaction.atomic
def resident_add(
    *,
    household: Household,
    by: User,
    name: str,
    gender: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    id_number: str = "",
    legal_basis: str = Resident.LegalBasis.STATUTORY_DUTY,
    consent_date: datetime.date | None = None,
    consent_scope: str = "",
    tags: Iterable[tuple[str, str | None]] = (),
) -> Resident:
    """A resident of `household` with their care tags (`tags`: (CareTag, details) pairs; the
    details are stored encrypted). Phone and ID number are checked and indexed."""
    if household.anonymised_at:
        raise ValidationError(_("This household has been anonymised."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the resident's name.")})
    contact = resident_clean_contact(
        phone=phone,
        id_number=id_number,
        legal_basis=legal_basis,
        consent_date=consent_date,
        consent_scope=consent_scope or "",
        household=household,
    )
    resident = Resident(
        household=household,
        name=name[:50],
        gender=gender or "",
        birth_date=birth_date,
        legal_basis=legal_basis,
        consent_date=consent_date,
        consent_scope=(consent_scope or "").strip()[:300],
        **contact,
    )
    resident.full_clean(exclude=["phone_index", "id_number_index"])
    resident.save()
    ResidentTag.objects.bulk_create(
        [
            ResidentTag(resident=resident, tag=tag, details=(details or "").strip())
            for tag, details in tags
        ]
    )
    return resident


def resident_clean_contact(
    *,
    phone: str,
    id_number: str,
    legal_basis: str,
    consent_date: datetime.date | None,
    consent_scope: str,
    household: Household,
    exclude_pk: int | None = None,
) -> dict:
    errors = {}
    phone = (phone or "").strip().replace(" ", "")
    id_number = (id_number or "").strip().upper()
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("Enter an 11-digit mobile number or a landline such as 0755-12345678.")
    if id_number:
        problem = id_number_problem(id_number)
        if problem:
            errors["id_number"] = _("This ID number is not valid: %(reason)s.") % {
                "reason": _(problem)
            }
        else:
            duplicate = Resident.objects.filter(
                id_number_index=blind_index(id_number), anonymised_at__isnull=True
            )
            if exclude_pk:
                duplicate = duplicate.exclude(pk=exclude_pk)
            if duplicate.exists():
                errors["id_number"] = _("A resident with this ID number is already registered.")
    if legal_basis == Resident.LegalBasis.CONSENT and (not consent_date or not consent_scope):
        errors["consent_date"] = _(
            "With separate consent as the legal basis, give the date and the scope of the consent."
        )
    if consent_date and consent_date > timezone.localdate():
        errors["consent_date"] = _("The consent date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return {
        "phone": phone,
        "id_number": id_number,
        "phone_index": blind_index(phone) if phone else "",
        "id_number_index": blind_index(id_number) if id_number else "",
    }


CORRECTABLE = (
    "name",
    "gender",
    "birth_date",
    "phone",
    "id_number",
    "legal_basis",
    "consent_date",
    "consent_scope",
)


@transaction.atomic
def resident_correct(
    *,
    resident: Resident,
    by: User,
    purpose: str,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Resident:
    """Correct a person's data at their request or after a check (logged: who, what, why)."""
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    if resident.anonymised_at:
        raise ValidationError(_("This person has been anonymised; nothing can be corrected."))
    merged = {field: getattr(resident, field) for field in CORRECTABLE} | changes
    cleaned = resident_clean_contact(
        phone=merged["phone"],
        id_number=merged["id_number"],
        legal_basis=merged["legal_basis"],
        consent_date=merged["consent_date"],
        consent_scope=merged["consent_scope"] or "",
        household=resident.household,
        exclude_pk=resident.pk,
    )
    changed = [f for f in CORRECTABLE if merged[f] != getattr(resident, f)]
    for field in CORRECTABLE:
        setattr(resident, field, merged[field])
    for field, value in cleaned.items():
        setattr(resident, field, value)
    resident.full_clean(exclude=["phone_index", "id_number_index"])
    resident.save()
    audit_record(
        actor=by,
        action=AuditLogEntry.Action.CORRECT,
        purpose=purpose,
        subject=resident,
        subject_label=resident_label(resident),
        fields=", ".join(changed),
        request=request,
    )
    return resident


# --- Pairings -------------------------------------------------------------------------------------
@transaction.atomic
def pairing_create(
    *,
    household: Household,
    worker: User,
    members: Iterable[User] = (),
    start_date: datetime.date | None = None,
    by: User | None = None,
) -> Pairing:
    """Pair a household with a grid worker of its grid and registered Party members of its
    community; one active pairing per household."""
    start_date = start_date or timezone.localdate()
    errors = {}
    if worker.role != Role.GRID_WORKER or worker.grid_id != household.grid_id:
        errors["worker"] = _("Choose a grid worker of this household's area grid.")
    members = list(members)
    for member in members:
        if (
            member.role != Role.PARTY_MEMBER
            or member.grid is None
            or member.grid.community_id != household.grid.community_id
        ):
            errors["members"] = _("Choose registered Party members of this community.")
    if Pairing.objects.filter(household=household, end_date__isnull=True).exists():
        errors["household"] = _("This household is already paired; end that pairing first.")
    if errors:
        raise ValidationError(errors)
    pairing = Pairing(household=household, worker=worker, start_date=start_date, created_by=by)
    pairing.full_clean()
    pairing.save()
    pairing.members.set(members)
    return pairing


@transaction.atomic
def pairing_end(*, pairing: Pairing, reason: str, end_date: datetime.date | None = None) -> Pairing:
    end_date = end_date or timezone.localdate()
    if pairing.end_date is not None:
        raise ValidationError(_("This pairing has already ended."))
    if not reason.strip():
        raise ValidationError({"end_reason": _("Give the reason for ending the pairing.")})
    if end_date < pairing.start_date:
        raise ValidationError({"end_date": _("A pairing cannot end before it started.")})
    pairing.end_date = end_date
    pairing.end_reason = reason.strip()
    pairing.save(update_fields=["end_date", "end_reason"])
    return pairing


# --- Visits and needs -----------------------------------------------------------------------------
@transaction.atomic
def visit_record(
    *,
    household: Household,
    visitor: User,
    visited_on: datetime.date,
    mode: str,
    met: str = "",
    condition: str = "",
    needs: Iterable[str] = (),
    photos: Iterable[Any] = (),
    kind: str = Visit.Kind.ROUTINE,
    follow_up_of: HouseholdNeed | None = None,
) -> Visit:
    """Record a visit by someone who may see the household (the pair, the grid head, care staff)."""
    # Photos are checked and re-encoded first (EXIF/GPS stripped): a refused photo saves nothing.
    cleaned_photos = photos_clean(photos)
    if not households_visible_to(visitor).filter(pk=household.pk).exists():
        raise PermissionDenied
    if household.anonymised_at:
        raise ValidationError(_("This household has been anonymised."))
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be recorded in the future.")})
    if follow_up_of is not None:
        kind = Visit.Kind.FOLLOW_UP
        if follow_up_of.visit.household_id != household.pk:
            raise ValidationError(_("The need followed up belongs to another household."))
    visit = Visit(
        household=household,
        visitor=visitor,
        visited_on=visited_on,
        mode=mode,
        kind=kind,
        met=met.strip(),
        condition=condition.strip(),
        follow_up_of=follow_up_of,
    )
    visit.full_clean()
    visit.save()
    HouseholdNeed.objects.bulk_create(
        [
            HouseholdNeed(visit=visit, description=text.strip())
            for text in needs
            if text and text.strip()
        ]
    )
    photos = [VisitPhoto(visit=visit) for _ in cleaned_photos]
    files_store(
        (photo.image, "photo.jpg", data) for photo, data in zip(photos, cleaned_photos, strict=True)
    )
    VisitPhoto.objects.bulk_create(photos)
    return visit


# --- Services from social organisations -----------------------------------------------------------
@transaction.atomic
def referral_create(
    *, resident: Resident, project: ServiceProject, by: User, notes: str = ""
) -> Referral:
    project = ServiceProject.objects.select_for_update().get(pk=project.pk)
    if not project.active:
        raise ValidationError(_("This service project is not taking referrals."))
    in_use = project.referrals.filter(status__in=Referral.OPEN_STATUSES).count()
    if in_use >= project.capacity:
        raise ValidationError(
            _("This service project is full (%(capacity)s people).")
            % {"capacity": project.capacity}
        )
    if resident.referrals.filter(project=project, status__in=Referral.OPEN_STATUSES).exists():
        raise ValidationError(_("This person is already referred to this project."))
    referral = Referral(resident=resident, project=project, referred_by=by, notes=notes.strip())
    referral.full_clean()
    referral.save()
    return referral


_REFERRAL_MOVES = {
    Referral.Status.REFERRED: {
        Referral.Status.IN_SERVICE,
        Referral.Status.DECLINED,
        Referral.Status.DONE,
    },
    Referral.Status.IN_SERVICE: {Referral.Status.DONE},
}


def referral_advance(
    *, referral: Referral, status: str, on: datetime.date | None = None
) -> Referral:
    if status not in _REFERRAL_MOVES.get(referral.status, set()):
        raise ValidationError(
            _("A referral that is %(current)s cannot become %(new)s.")
            % {
                "current": referral.get_status_display(),
                "new": Referral.Status(status).label
                if status in Referral.Status.values
                else status,
            }
        )
    referral.status = status
    if status in (Referral.Status.DONE, Referral.Status.DECLINED):
        referral.closed_on = on or timezone.localdate()
    referral.save(update_fields=["status", "closed_on"])
    return referral


# --- Data subjects' rights and retention ----------------------------------------------------------
def resident_subject_export(
    *, resident: Resident, by: User, purpose: str, request: HttpRequest | None = None
) -> dict:
    """Everything held about one person, for their access request (full values; logged)."""
    if not may_reveal(by):
        raise PermissionDenied(_("Your role may not export a person's full data."))
    household = resident.household
    data = {
        "resident": {
            "id": resident.pk,
            "name": resident.name,
            "gender": resident.get_gender_display(),
            "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
            "phone": resident.phone,
            "id_number": resident.id_number,
            "legal_basis": resident.get_legal_basis_display(),
            "consent_date": resident.consent_date.isoformat() if resident.consent_date else None,
            "consent_scope": resident.consent_scope,
            "created_at": resident.created_at.isoformat(),
            "updated_at": resident.updated_at.isoformat(),
        },
        "household": {
            "grid": household.grid.name,
            "building": household.building,
            "address": household.address,
        },
        "care_tags": [
            {
                "tag": t.tag.label,
                "details": t.details,
                "since": t.since.isoformat(),
                "frequency_days": t.frequency_days,
            }
            for t in resident.tags.select_related("tag")
        ],
        "pairings": [
            {
                "worker": str(p.worker),
                "members": [str(m) for m in p.members.all()],
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat() if p.end_date else None,
                "end_reason": p.end_reason,
            }
            for p in household.pairings.select_related("worker").prefetch_related("members")
        ],
        "visits": [
            {
                "date": v.visited_on.isoformat(),
                "mode": v.get_mode_display(),
                "kind": v.get_kind_display(),
                "visited_by": str(v.visitor),
                "met": v.met,
                "condition": v.condition,
                "needs": [n.description for n in v.needs.all()],
            }
            for v in household.visits.select_related("visitor").prefetch_related("needs")
        ],
        "referrals": [
            {
                "project": str(r.project),
                "status": r.get_status_display(),
                "referred_on": r.referred_on.isoformat(),
                "closed_on": r.closed_on.isoformat() if r.closed_on else None,
            }
            for r in resident.referrals.select_related("project")
        ],
    }
    audit_record(
        actor=by,
        action=AuditLogEntry.Action.SUBJECT_EXPORT,
        purpose=purpose,
        subject=resident,
        subject_label=resident_label(resident),
        fields="all",
        request=request,
    )
    return data


def _anonymise_resident_row(resident: Resident, now: datetime.datetime) -> None:
    resident.name = ANONYMISED_NAME
    resident.birth_date = None
    resident.phone = resident.id_number = ""
    resident.phone_index = resident.id_number_index = ""
    resident.consent_scope = ""
    resident.anonymised_at = now
    resident.save()
    # Tags stay (statistics count people per tag); their sensitive details go.
    ResidentTag.objects.filter(resident=resident).update(details="")


def _anonymise_household_rows(household: Household, now: datetime.datetime) -> None:
    # Visits keep their date, mode, kind and visitor (counts per worker and month stay right)
    # and lose whatever could identify the person: who was met, the condition, the needs' text.
    Visit.objects.filter(household=household).update(met="", condition="")
    HouseholdNeed.objects.filter(visit__household=household).update(description="—")
    for photo in VisitPhoto.objects.filter(visit__household=household):
        photo.image.delete(save=False)
        photo.delete()
    household.address = ""
    household.address_index = ""
    household.building = ""
    household.location = None
    household.anonymised_at = now
    household.save()


@transaction.atomic
def resident_anonymise(
    *, resident: Resident, by: User, purpose: str, request: HttpRequest | None = None
) -> Resident:
    """Delete a person's identity on request; counts (visits, tags, referrals) are kept."""
    if not may_reveal(by):
        raise PermissionDenied(_("Your role may not anonymise a person."))
    if resident.anonymised_at:
        raise ValidationError(_("This person has already been anonymised."))
    label = resident_label(resident)
    now = timezone.now()
    _anonymise_resident_row(resident, now)
    household = resident.household
    if not household.residents.filter(anonymised_at__isnull=True).exists():
        _anonymise_household_rows(household, now)
    audit_record(
        actor=by,
        action=AuditLogEntry.Action.ANONYMISE,
        purpose=purpose,
        subject=resident,
        subject_label=label,
        fields="all",
        request=request,
    )
    return resident


@transaction.atomic
def household_anonymise(*, household: Household, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    for resident in household.residents.filter(anonymised_at__isnull=True):
        _anonymise_resident_row(resident, now)
    _anonymise_household_rows(household, now)


def pairings_anonymise_expired(*, today: datetime.date | None = None) -> int:
    """Anonymise households whose last pairing ended more than the retention period ago and that
    are not paired again (REDGRID_CARE_RETENTION_DAYS). Returns how many households were anonymised.
    Called by the scheduled task care.tasks.anonymise_expired_pairings."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=conf.RETENTION_DAYS)
    households = (
        Household.objects.filter(anonymised_at__isnull=True)
        .annotate(
            open_pairings=Count(
                "pairings",
                filter=Q(pairings__end_date__isnull=True) | Q(pairings__end_date__gt=cutoff),
            ),
            closed_pairings=Count("pairings", filter=Q(pairings__end_date__lte=cutoff)),
        )
        .filter(open_pairings=0, closed_pairings__gt=0)
    )
    count = 0
    now = timezone.now()
    for household in households.iterator():
        household_anonymise(household=household, now=now)
        audit_record(
            actor=None,
            action=AuditLogEntry.Action.ANONYMISE,
            purpose=_("retention period after the pairing ended"),
            subject=household,
            subject_label=f"#{household.pk}",
            fields="all",
        )
        count += 1
    return count


def pairing_may_manage(user: User, household: Household) -> bool:
    """The grid head of the household's grid, or care staff who can see it, pair households."""
    if user.role == Role.GRID_HEAD:
        return user.grid_id == household.grid_id
    return bool(
        user.care_role
        and (user.is_superuser or user.role in CARE_AREA_ROLES)
        and households_visible_to(user).filter(pk=household.pk).exists()
    )
