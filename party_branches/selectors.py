"""Reads of the Party organisations: scoped, in a fixed number of queries, statistics in the DB."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.jurisdiction import jurisdiction_paths, scope_queryset
from grids.models import AreaGrid, GridAssignment
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    CommunityCommitteeMember,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    MemberImportBatch,
    PartyBranch,
    PartyMember,
)
from party_branches.services import SecretaryFacts, secretary_rule_failures

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.db.models.expressions import CombinedExpression

    from accounts.models import User


def _rate(numerator: Any, denominator: Any) -> CombinedExpression:
    return Cast(numerator, FloatField()) * 100.0 / Cast(denominator, FloatField())


def _secretary_seats(on: datetime.date) -> QuerySet[BranchCommitteeMember]:
    return (
        BranchCommitteeMember.objects.in_force(on)
        .filter(branch=OuterRef("pk"), position=CommitteePosition.SECRETARY)
        .order_by("-start_date")
    )


def branches_with_secretary(
    queryset: QuerySet[Any] | None = None, *, on: datetime.date | None = None
) -> QuerySet[PartyBranch]:
    """Branches annotated with the current secretary and the facts the secretary rule needs."""
    on = on or timezone.localdate()
    seats = _secretary_seats(on)
    queryset = queryset if queryset is not None else PartyBranch.objects.all()
    return (
        queryset.select_related("grid", "community_committee__community", "parent")
        .annotate(
            secretary_member_id=Subquery(seats.values("member_id")[:1]),
            secretary_name=Subquery(seats.values("member__name")[:1]),
            secretary_user_id=Subquery(seats.values("member__user_id")[:1]),
            secretary_full_member_on=Subquery(seats.values("member__full_member_on")[:1]),
            last_secretary_term_end=Subquery(
                BranchCommitteeMember.objects.filter(
                    branch=OuterRef("pk"),
                    position=CommitteePosition.SECRETARY,
                    end_date__isnull=False,
                )
                .order_by("-end_date")
                .values("end_date")[:1]
            ),
        )
        .annotate(
            secretary_is_grid_head=Exists(
                GridAssignment.objects.in_force(on).filter(
                    grid_id=OuterRef("grid_id"),
                    role=GridAssignment.Role.GRID_HEAD,
                    user_id=OuterRef("secretary_user_id"),
                )
            ),
            secretary_on_committee=Exists(
                CommunityCommitteeMember.objects.in_force(on).filter(
                    committee_id=OuterRef("community_committee_id"),
                    member_id=OuterRef("secretary_member_id"),
                )
            ),
            # A correlated count, not Count("members"): a join would GROUP BY every subquery
            # above, which SQLite re-evaluates per joined member row.
            member_count=Coalesce(
                Subquery(
                    PartyMember.objects.filter(branch=OuterRef("pk"))
                    .order_by()
                    .values("branch")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .order_by("grid__code", "kind", "name")
    )


def branches_for(
    user: User, *, on: datetime.date | None = None, community_id: int | None = None, query: str = ""
) -> QuerySet[PartyBranch]:
    branches = branches_with_secretary(scope_queryset(PartyBranch.objects.all(), user), on=on)
    if community_id:
        branches = branches.filter(grid__community_id=community_id)
    if query:
        branches = branches.filter(Q(name__icontains=query) | Q(grid__code__startswith=query))
    return branches


def branch_failures(branch: PartyBranch, *, on: datetime.date) -> list[str]:
    """The compliance problems of a branch from its annotations (see branches_with_secretary)."""
    if branch.secretary_member_id is None:
        if branch.last_secretary_term_end and branch.last_secretary_term_end < on:
            return [
                _("no current secretary: the last secretary's term ended on %(date)s")
                % {"date": branch.last_secretary_term_end.isoformat()}
            ]
        return [_("no current secretary")]
    return secretary_rule_failures(
        SecretaryFacts(
            full_member_on=branch.secretary_full_member_on,
            is_grid_head=branch.secretary_is_grid_head,
            on_community_committee=branch.secretary_on_committee,
        ),
        on=on,
    )


@dataclass
class ComplianceRow:
    branch: PartyBranch
    failures: list[str]


def compliance_list(user: User, *, on: datetime.date | None = None) -> list[ComplianceRow]:
    """Branches whose current secretary does not meet the secretary rule today (term ended, grid
    head changed, probationary…), or that have no secretary. One query; the rule is applied to
    the annotated facts by the same function the write paths use."""
    on = on or timezone.localdate()
    rows = []
    for branch in branches_with_secretary(scope_queryset(PartyBranch.objects.all(), user), on=on):
        failures = branch_failures(branch, on=on)
        if failures:
            rows.append(ComplianceRow(branch=branch, failures=failures))
    return rows


def grids_without_branch(user: User, *, on: datetime.date | None = None) -> QuerySet[AreaGrid]:
    """Area grids in force that have no grid Party branch (the district's target is zero)."""
    return (
        scope_queryset(AreaGrid.objects.in_force(on), user)
        .exclude(
            Exists(PartyBranch.objects.filter(grid=OuterRef("pk"), kind=PartyBranch.Kind.GRID))
        )
        .select_related("community__street")
        .order_by("code")
    )


def members_for(
    user: User, *, query: str = "", community_id: int | None = None, branch_id: int | None = None
) -> QuerySet[PartyMember]:
    members = scope_queryset(PartyMember.objects.all(), user).select_related(
        "community", "branch__grid", "user"
    )
    if query:
        members = members.filter(Q(name__icontains=query) | Q(workplace__icontains=query))
    if community_id:
        members = members.filter(community_id=community_id)
    if branch_id:
        members = members.filter(branch_id=branch_id)
    return members.order_by("community__code", "name", "pk")


def members_with_position(
    queryset: QuerySet[Any], *, on: datetime.date | None = None
) -> QuerySet[PartyMember]:
    on = on or timezone.localdate()
    return queryset.annotate(
        current_position=Subquery(
            BranchCommitteeMember.objects.in_force(on)
            .filter(member=OuterRef("pk"))
            .order_by("position")
            .values("position")[:1]
        )
    )


def member_attendance(queryset: QuerySet[Any]) -> QuerySet[PartyMember]:
    """Members annotated with meetings invited to, attended, and the attendance rate (%)."""
    return queryset.annotate(
        meetings_invited=Count("meeting_attendance", distinct=True),
        meetings_attended=Count(
            "meeting_attendance", filter=Q(meeting_attendance__present=True), distinct=True
        ),
    ).annotate(
        attendance_rate=Case(
            When(meetings_invited=0, then=Value(None, output_field=FloatField())),
            default=_rate(F("meetings_attended"), F("meetings_invited")),
        )
    )


def branch_attendance(branch: PartyBranch) -> dict:
    """Attendance of the branch's members over all its meetings: invited, present, rate (%)."""
    totals = MeetingAttendance.objects.filter(
        meeting__branch=branch, member__isnull=False
    ).aggregate(
        invited=Count("id"),
        present=Count("id", filter=Q(present=True)),
        meetings=Count("meeting", distinct=True),
    )
    totals["rate"] = (
        round(totals["present"] * 100 / totals["invited"], 1) if totals["invited"] else None
    )
    return totals


def committee_of(
    branch: PartyBranch, *, on: datetime.date | None = None
) -> QuerySet[BranchCommitteeMember]:
    return (
        BranchCommitteeMember.objects.filter(branch=branch)
        .in_force(on)
        .select_related("member")
        .order_by("position", "start_date")
    )


def meetings_of(branch: PartyBranch) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(branch=branch)
        .select_related("place")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            invited=Count("attendance", filter=Q(attendance__member__isnull=False)),
        )
        .prefetch_related("attachments")
        .order_by("-held_on")
    )


# --- For other apps (reports, dashboards) ---------------------------------------------------------
def meetings_held(*, level: str, node_id: int, start: datetime.date, end: datetime.date) -> dict:
    """Meetings held in an area (level "district" | "street" | "community" | "grid") between
    start and end inclusive: {"total", "branch", "council", "attendance_rate"} from one query."""
    lookup = jurisdiction_paths(Meeting)[level]
    meetings = Meeting.objects.filter(**{lookup: node_id}, held_on__gte=start, held_on__lte=end)
    totals = meetings.aggregate(
        total=Count("id", distinct=True),
        branch=Count("id", filter=Q(kind=Meeting.Kind.BRANCH), distinct=True),
        council=Count("id", filter=Q(kind=Meeting.Kind.COUNCIL), distinct=True),
        invited=Count("attendance", filter=Q(attendance__member__isnull=False)),
        present=Count(
            "attendance", filter=Q(attendance__member__isnull=False, attendance__present=True)
        ),
    )
    invited = totals.pop("invited")
    present = totals.pop("present")
    totals["attendance_rate"] = round(present * 100 / invited, 1) if invited else None
    return totals


def upcoming_meetings(
    user: User, *, on: datetime.date | None = None, days: int = 7
) -> QuerySet[Meeting]:
    """Branch meetings planned from `on` (today) for `days` days, inside the user's jurisdiction,
    soonest first, with their branch (for dashboards)."""
    on = on or timezone.localdate()
    until = on + datetime.timedelta(days=days)
    return (
        scope_queryset(Meeting.objects.filter(held_on__gte=on, held_on__lt=until), user)
        .select_related("branch")
        .order_by("held_on", "id")
    )


def meeting_attachments_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingAttachment]:
    """The rule of the meeting attachments (core.files): staff who may see the meeting (its
    branch's page or the admin's meetings) within their jurisdiction."""
    if not (
        user.is_authenticated
        and user.is_staff_role
        and (
            user.has_perm("party_branches.view_partybranch")
            or user.has_perm("party_branches.view_meeting")
        )
    ):
        return MeetingAttachment.objects.none()
    return scope_queryset(MeetingAttachment.objects.all(), user)


def import_sheets_visible_to(user: User | AnonymousUser) -> QuerySet[MemberImportBatch]:
    """The rule of the member-import sheets (core.files): only the person who uploaded one, and
    only while its import is pending (the sheet is deleted when committed or abandoned)."""
    if not user.is_authenticated:
        return MemberImportBatch.objects.none()
    return MemberImportBatch.objects.filter(uploaded_by=user, committed_at__isnull=True)
