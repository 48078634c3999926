"""Writes and rules of the Party organisations. The secretary rule lives here, once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import GridAssignment
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    CommunityCommitteeMember,
    Meeting,
    MeetingAttendance,
    PartyBranch,
    PartyMember,
)
from privacy.crypto import blind_index
from privacy.identity import id_number_problem

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User
    from service_points.models import ServicePosition

SECRETARY_MIN_STANDING_YEARS = 1


def secretary_rule_text() -> str:
    return _(
        "Secretary rule: a grid Party branch secretary must be a full member with more than "
        "one year of Party standing who is concurrently the grid head of the area grid or a "
        "member of the community Party committee."
    )


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + SECRETARY_MIN_STANDING_YEARS)
    except ValueError:  # 29 February
        return day.replace(year=day.year + SECRETARY_MIN_STANDING_YEARS, day=28)


@dataclass(frozen=True)
class SecretaryFacts:
    """What the secretary rule looks at, gathered for one member and one branch (or annotated
    in bulk by the compliance selector)."""

    full_member_on: datetime.date | None
    is_grid_head: bool
    on_community_committee: bool


def secretary_rule_failures(facts: SecretaryFacts, *, on: datetime.date) -> list[str]:
    """Each failing condition of the secretary rule (DOMAIN.md §1), translated; [] when it holds.

    Party standing is counted from the day the member became a full member (CPC constitution)."""
    failures = []
    if facts.full_member_on is None or facts.full_member_on > on:
        failures.append(_("the member is probationary, not a full member"))
    elif on <= _one_year_after(facts.full_member_on):
        failures.append(
            _("Party standing is not more than one year (full member since %(date)s)")
            % {"date": facts.full_member_on.isoformat()}
        )
    if not (facts.is_grid_head or facts.on_community_committee):
        failures.append(
            _(
                "the member is neither the current grid head of this area grid nor a "
                "member of the community Party committee"
            )
        )
    return failures


def secretary_facts(
    *, branch: PartyBranch, member: PartyMember, on: datetime.date
) -> SecretaryFacts:
    is_grid_head = (
        bool(member.user_id)
        and GridAssignment.objects.in_force(on)
        .filter(
            grid_id=branch.grid_id,
            role=GridAssignment.Role.GRID_HEAD,
            user_id=member.user_id,
        )
        .exists()
    )
    on_committee = (
        CommunityCommitteeMember.objects.in_force(on)
        .filter(committee_id=branch.community_committee_id, member_id=member.pk)
        .exists()
    )
    return SecretaryFacts(
        full_member_on=member.full_member_on,
        is_grid_head=is_grid_head,
        on_community_committee=on_committee,
    )


def secretary_check(
    *, branch: PartyBranch, member: PartyMember, on: datetime.date | None = None
) -> None:
    """Raise ValidationError naming the rule and every failing condition. Every path that makes
    someone a secretary (admin, pages, API, import) calls this."""
    on = on or timezone.localdate()
    failures = secretary_rule_failures(secretary_facts(branch=branch, member=member, on=on), on=on)
    if failures:
        raise ValidationError(
            _("%(rule)s Not met: %(failures)s.")
            % {"rule": secretary_rule_text(), "failures": _("; ").join(failures)},
            code="secretary_rule",
        )


@transaction.atomic
def committee_member_appoint(
    *,
    branch: PartyBranch,
    member: PartyMember,
    position: str,
    source: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> BranchCommitteeMember:
    """Seat `member` on the branch committee. A new secretary ends the previous secretary's term
    the day before (one secretary at a time)."""
    start_date = start_date or timezone.localdate()
    seat = BranchCommitteeMember(
        branch=branch,
        member=member,
        position=position,
        source=source,
        start_date=start_date,
        end_date=end_date,
    )
    seat.full_clean()
    if position == CommitteePosition.SECRETARY:
        secretary_check(branch=branch, member=member, on=start_date)
        previous = (
            BranchCommitteeMember.objects.select_for_update()
            .filter(branch=branch, position=CommitteePosition.SECRETARY)
            .in_force(start_date)
        )
        for old in previous:
            if old.member_id == member.pk:
                raise ValidationError(
                    _("This member is already the secretary of this branch."),
                    code="already_secretary",
                )
            old.end_date = max(old.start_date, start_date - datetime.timedelta(days=1))
            old.save(update_fields=["end_date"])
    seat.save()
    return seat


def id_number_validate(value: str) -> str:
    """The normalised ID number, or ValidationError with a translated reason."""
    value = (value or "").strip().upper()
    problem = id_number_problem(value)
    if problem:
        reasons = {
            "an ID number has 17 digits and a final digit or X": _(
                "an ID number has 17 digits and a final digit or X"
            ),
            "the date of birth inside the ID number is not a real date": _(
                "the date of birth inside the ID number is not a real date"
            ),
            "the check digit does not match": _("the check digit does not match"),
        }
        raise ValidationError(
            _("Invalid ID number: %(reason)s.") % {"reason": reasons.get(problem, problem)},
            code="id_number",
        )
    return value


def member_prepare(member: PartyMember) -> PartyMember:
    """Normalise and validate a member before saving (ID checksum, duplicate, constraints)."""
    try:
        member.id_number = id_number_validate(member.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}, code="id_number") from exc
    member.id_number_index = blind_index(member.id_number)
    duplicate = PartyMember.objects.filter(id_number_index=member.id_number_index)
    if member.pk:
        duplicate = duplicate.exclude(pk=member.pk)
    if duplicate.exists():
        raise ValidationError(
            {"id_number": _("A Party member with this ID number is already recorded.")},
            code="duplicate",
        )
    member.full_clean(exclude=["id_number_index"])
    return member


@transaction.atomic
def member_save(*, member: PartyMember) -> PartyMember:
    member_prepare(member)
    member.save()
    return member


@transaction.atomic
def meeting_record(
    *,
    branch: PartyBranch,
    kind: str,
    held_on: datetime.date,
    agenda: str,
    minutes: str = "",
    place: ServicePosition | None = None,
    place_name: str = "",
    present_member_ids: Iterable[int] = (),
    guests: Iterable[tuple[str, str]] = (),
    by: User | None = None,
) -> Meeting:
    """Record a meeting: every branch member gets an attendance row (present or absent), so the
    attendance rate is a plain aggregate; guests are (name, affiliation) pairs."""
    meeting = Meeting(
        branch=branch,
        kind=kind,
        held_on=held_on,
        agenda=agenda,
        minutes=minutes,
        place_name=place_name,
        recorded_by=by,
    )
    if place is not None:
        meeting.place = place
    meeting.full_clean()
    meeting.save()
    present = set(present_member_ids)
    member_ids = set(branch.members.values_list("id", flat=True))
    unknown = present - member_ids
    if unknown:
        raise ValidationError(_("Attendees must be members of the branch."), code="attendee")
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(meeting=meeting, member_id=m, present=m in present)
            for m in sorted(member_ids)
        ]
        + [
            MeetingAttendance(meeting=meeting, guest_name=name, guest_affiliation=affiliation)
            for name, affiliation in guests
            if name
        ]
    )
    return meeting
